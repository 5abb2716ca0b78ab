import { Agent, createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { modeName, seededRandom, type FaultMode, type FaultRates, type ScriptedFault } from './modes';
import { sendJson, sendServiceError, sendSkew, sendText, sendThrottle } from './responses';
import { StaleReadHistory, type LocalReader } from './stale-reads';

export interface FaultProxyOptions {
  /** DynamoDB Local's endpoint, e.g. `http://127.0.0.1:8000`. */
  readonly target: string;
  /** Seed of the generator that draws rated faults (default 1): the same seed replays the same run. */
  readonly seed?: number;
  /** Delay added in each direction, to act like a client outside the region (about 2× this per round trip). */
  readonly latencyMs?: number;
  /** Start with stale reads on for this window (see `setStaleReads`). */
  readonly staleReadMs?: number;
}

/** One request the proxy saw. */
export interface ProxyRecord {
  readonly operation: string;
  /** From the SDK's `amz-sdk-request: attempt=N; max=M` header. */
  readonly attempt: number;
  readonly invocationId: string | undefined;
  readonly mode: string;
  /** Whether the request (or part of it) reached DynamoDB Local. */
  readonly forwarded: boolean;
  /** Requests in flight at the proxy when this one arrived (itself included). */
  readonly inFlight: number;
  /** Items or keys that were not forwarded and came back as unprocessed. */
  readonly unprocessed: number;
  /** The request's signing time (`x-amz-date`), to see clock-skew correction at work. */
  readonly amzDate: string | undefined;
  /** A TransactWriteItems request's `ClientRequestToken`, to see re-sends carry the same one. */
  readonly clientRequestToken?: string | undefined;
}

export interface RateRule {
  readonly rates: FaultRates;
  /** Operations the rates apply to; default every operation. */
  readonly operations?: readonly string[];
}

/**
 * An HTTP proxy on 127.0.0.1 in front of DynamoDB Local that injects the faults the real service
 * produces and Local never does: throttling, 5xx, resets, truncated bodies, slow answers, and
 * partial batch results. Driven by a script (exact, ordered) or by seeded rates.
 */
export class FaultProxy {
  readonly records: ProxyRecord[] = [];
  private script: ScriptedFault[] = [];
  private rules: RateRule[] = [];
  private random: () => number;
  private inFlightNow = 0;
  private maxInFlightSeen = 0;
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 256 });
  private readonly server = createServer((req, res) => void this.handle(req, res));
  private readonly target: URL;
  private readonly staleReads = new StaleReadHistory();
  private readonly keyNames = new Map<string, Promise<string[]>>();
  endpoint = '';
  port = 0;

  constructor(private readonly options: FaultProxyOptions) {
    this.target = new URL(options.target);
    this.random = seededRandom(options.seed ?? 1);
    this.staleReads.setWindow(options.staleReadMs ?? 0);
  }

  async listen(): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', resolve);
    });
    this.port = (this.server.address() as AddressInfo).port;
    this.endpoint = `http://127.0.0.1:${this.port}`;
    return this;
  }

  /** Queues faults for the next matching requests, in order. */
  enqueue(...faults: (ScriptedFault | FaultMode)[]): void {
    for (const fault of faults) {
      this.script.push(typeof fault === 'object' && 'mode' in fault ? fault : { mode: fault });
    }
  }

  /** Replaces the rated faults. */
  setRates(...rules: RateRule[]): void {
    this.rules = rules;
  }

  /**
   * Acts like a lagging replica (the `staleRead` mode): for `windowMs` after a write that went through
   * the proxy, eventually consistent GetItem and BatchGetItem reads of the written key get the item
   * as it was before that write (absent if it did not exist). Consistent reads are always fresh.
   * `0` turns it off.
   */
  setStaleReads(windowMs: number): void {
    this.staleReads.setWindow(windowMs);
  }

  /** Clears script, rates, records, stale-read history and the in-flight maximum; reseeds the generator. */
  reset(seed = this.options.seed ?? 1): void {
    this.staleReads.setWindow(0);
    this.script = [];
    this.rules = [];
    this.records.length = 0;
    this.maxInFlightSeen = this.inFlightNow;
    this.random = seededRandom(seed);
  }

  /** The most requests that were ever in flight at once since the last reset. */
  get maxInFlight(): number {
    return this.maxInFlightSeen;
  }

  async close(): Promise<void> {
    this.agent.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private pickMode(operation: string): FaultMode {
    const index = this.script.findIndex((fault) => !fault.operation || fault.operation === operation);
    if (index >= 0) return this.script.splice(index, 1)[0]?.mode ?? 'pass';
    for (const rule of this.rules) {
      if (rule.operations && !rule.operations.includes(operation)) continue;
      let draw = this.random();
      for (const [name, rate] of Object.entries(rule.rates) as [keyof FaultRates, number][]) {
        if (draw < rate) {
          if (name === 'unprocessed') return { unprocessed: -1 };
          if (name === 'unprocessedKeys') return { unprocessedKeys: -1 };
          return name;
        }
        draw -= rate;
      }
    }
    return 'pass';
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const operation = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? 'Unknown';
    const attempt = Number(/attempt=(\d+)/.exec(String(req.headers['amz-sdk-request'] ?? ''))?.[1] ?? 1);
    this.inFlightNow++;
    this.maxInFlightSeen = Math.max(this.maxInFlightSeen, this.inFlightNow);
    const inFlight = this.inFlightNow;
    const mode = this.pickMode(operation);
    let forwarded = false;
    let unprocessed = 0;
    let staleRead = false;
    try {
      await this.delay();
      if (mode === 'pte' || mode === 'throttling' || mode === 'requestLimit') sendThrottle(res, mode, tableName(body));
      else if (mode === '500') sendServiceError(res, 500, 'InternalServerError', 'Internal server error');
      else if (mode === '503') sendText(res, 503, 'Service Unavailable');
      else if (mode === '501') sendText(res, 501, 'Not Implemented');
      else if (mode === 'resetBefore') req.socket.destroy();
      else if (mode === 'skew') sendSkew(res);
      else if (mode === 'expiredToken') {
        sendServiceError(res, 400, 'ExpiredTokenException', 'The security token included in the request is expired');
      } else if (mode === 'namespaceVariant') {
        sendServiceError(res, 400, 'ThrottlingException', 'Rate exceeded', {}, 'com.amazon.coral.availability#');
      } else if (mode === 'txConflict') {
        const actions = (JSON.parse(body.toString() || '{}') as { TransactItems?: unknown[] }).TransactItems ?? [{}];
        sendServiceError(
          res,
          400,
          'TransactionCanceledException',
          'Transaction cancelled, please refer cancellation reasons for specific reasons [TransactionConflict]',
          {
            CancellationReasons: actions.map((_, i) =>
              i === actions.length - 1
                ? { Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item.' }
                : { Code: 'None' },
            ),
          },
        );
      } else {
        let outgoing = body;
        let held: Record<string, unknown> | undefined;
        if (typeof mode === 'object' && 'unprocessed' in mode && operation === 'BatchWriteItem') {
          ({ outgoing, held, count: unprocessed } = splitBatch(body, 'RequestItems', mode.unprocessed, this.random));
        } else if (typeof mode === 'object' && 'unprocessedKeys' in mode && operation === 'BatchGetItem') {
          ({ outgoing, held, count: unprocessed } = splitBatch(body, 'Keys', mode.unprocessedKeys, this.random));
        } else if (typeof mode === 'object' && 'slow' in mode) {
          await new Promise((resolve) => setTimeout(resolve, mode.slow));
        }
        const staleAnswer =
          this.staleReads.enabled && operation === 'GetItem' ? this.staleReads.getItemAnswer(parse(body)) : undefined;
        if (staleAnswer) {
          staleRead = true;
          sendJson(res, 200, staleAnswer);
        } else if (held && unprocessed > 0 && outgoingIsEmpty(outgoing)) {
          // DynamoDB answers a batch of which nothing could be processed with a throttle, not a 200.
          forwarded = false;
          sendThrottle(res, 'pte', tableName(body));
        } else {
          forwarded = true;
          if (this.staleReads.enabled)
            await this.staleReads.beforeWrite(operation, parse(outgoing), this.localReader(req));
          let answer = await this.forward(req, outgoing);
          if (this.staleReads.enabled && operation === 'BatchGetItem' && answer.status === 200) {
            const rewritten = this.staleReads.rewriteBatchGet(parse(outgoing), parse(answer.body));
            if (rewritten.staleKeys > 0) {
              staleRead = true;
              answer = { ...answer, body: Buffer.from(JSON.stringify(rewritten.answer)) };
              delete answer.headers['x-amz-crc32'];
            }
          }
          if (req.socket.destroyed) return;
          await this.delay();
          this.reply(res, req, mode, operation, answer, held);
        }
      }
    } catch {
      if (!res.headersSent) sendText(res, 502, 'Bad Gateway');
    } finally {
      this.inFlightNow--;
      this.records.push({
        operation,
        attempt,
        invocationId: req.headers['amz-sdk-invocation-id'] as string | undefined,
        amzDate: req.headers['x-amz-date'] as string | undefined,
        mode: staleRead ? 'staleRead' : modeName(mode),
        forwarded,
        inFlight,
        unprocessed,
        ...(operation === 'TransactWriteItems'
          ? { clientRequestToken: (parse(body) as { ClientRequestToken?: string }).ClientRequestToken }
          : {}),
      });
    }
  }

  private reply(
    res: ServerResponse,
    req: IncomingMessage,
    mode: FaultMode,
    operation: string,
    answer: { status: number; headers: Record<string, string>; body: Buffer },
    held: Record<string, unknown> | undefined,
  ): void {
    let payload = answer.body;
    if (held || mode === 'noUnprocessedMember') {
      const parsed = JSON.parse(payload.toString()) as Record<string, unknown>;
      const member = operation === 'BatchWriteItem' ? 'UnprocessedItems' : 'UnprocessedKeys';
      if (mode === 'noUnprocessedMember') delete parsed[member];
      else parsed[member] = mergeUnprocessed(parsed[member], held ?? {}, operation);
      payload = Buffer.from(JSON.stringify(parsed));
    }
    const headers = { ...answer.headers, 'content-length': String(payload.length) };
    if (mode === 'resetAfter') {
      req.socket.destroy();
    } else if (mode === 'resetMidBody') {
      res.writeHead(answer.status, headers);
      res.write(payload.subarray(0, Math.floor(payload.length / 2)));
      setImmediate(() => req.socket.destroy());
    } else if (mode === 'truncated') {
      const half = payload.subarray(0, Math.floor(payload.length / 2));
      res.writeHead(answer.status, { ...headers, 'content-length': String(half.length) });
      res.end(half);
    } else {
      res.writeHead(answer.status, headers);
      res.end(payload);
    }
  }

  /** Reads DynamoDB Local directly, signed like `req` (Local checks no signature), for the stale-read history. */
  private localReader(req: IncomingMessage): LocalReader {
    const call = async (operation: string, input: object): Promise<Record<string, unknown>> => {
      const answer = await this.forward(req, Buffer.from(JSON.stringify(input)), {
        'x-amz-target': `DynamoDB_20120810.${operation}`,
      });
      return parse(answer.body);
    };
    return {
      keyNames: (table) => {
        let names = this.keyNames.get(table);
        if (!names) {
          names = call('DescribeTable', { TableName: table }).then((output) =>
            ((output.Table as { KeySchema?: { AttributeName: string }[] } | undefined)?.KeySchema ?? []).map(
              (element) => element.AttributeName,
            ),
          );
          this.keyNames.set(table, names);
        }
        return names;
      },
      getItem: async (table, key) =>
        (await call('GetItem', { TableName: table, Key: key, ConsistentRead: true })).Item as
          Record<string, unknown> | undefined,
    };
  }

  private forward(
    req: IncomingMessage,
    body: Buffer,
    overrides: Record<string, string> = {},
  ): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
    return new Promise((resolve, reject) => {
      const headers = { ...req.headers, ...overrides, host: this.target.host, 'content-length': String(body.length) };
      const upstream = request(
        {
          host: this.target.hostname,
          port: this.target.port,
          path: req.url,
          method: req.method,
          headers,
          agent: this.agent,
        },
        (answer) => {
          void readBody(answer).then((payload) => {
            const flat: Record<string, string> = {};
            for (const [key, value] of Object.entries(answer.headers)) {
              if (value !== undefined && key !== 'connection' && key !== 'keep-alive') flat[key] = String(value);
            }
            resolve({ status: answer.statusCode ?? 502, headers: flat, body: payload });
          }, reject);
        },
      );
      upstream.once('error', reject);
      upstream.end(body);
    });
  }

  private async delay(): Promise<void> {
    if (this.options.latencyMs) await new Promise((resolve) => setTimeout(resolve, this.options.latencyMs));
  }
}

/** Starts a fault proxy on a free port of 127.0.0.1 in front of `target`. */
export function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  return new FaultProxy(options).listen();
}

function readBody(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.once('end', () => resolve(Buffer.concat(chunks)));
    stream.once('error', reject);
  });
}

function parse(body: Buffer): Record<string, unknown> {
  return JSON.parse(body.toString() || '{}') as Record<string, unknown>;
}

function tableName(body: Buffer): string {
  try {
    const parsed = JSON.parse(body.toString() || '{}') as { TableName?: string; RequestItems?: object };
    return parsed.TableName ?? Object.keys(parsed.RequestItems ?? {})[0] ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * Splits a BatchWriteItem (`RequestItems` per table, an array) or BatchGetItem (`RequestItems` per
 * table, `{ Keys, ... }`) body: the first `keep` entries go on, the rest are held back as unprocessed.
 * A negative `keep` draws a random number that holds back at least one.
 */
function splitBatch(body: Buffer, kind: 'RequestItems' | 'Keys', keep: number, random: () => number) {
  const parsed = JSON.parse(body.toString()) as { RequestItems: Record<string, unknown> };
  const entries = Object.entries(parsed.RequestItems);
  const total = entries.reduce((sum, [, value]) => sum + listOf(value, kind).length, 0);
  let budget = keep < 0 ? Math.floor(random() * total) : Math.min(keep, total);
  const outgoing: Record<string, unknown> = {};
  const held: Record<string, unknown> = {};
  let count = 0;
  for (const [table, value] of entries) {
    const list = listOf(value, kind);
    const sent = list.slice(0, budget);
    const rest = list.slice(sent.length);
    budget -= sent.length;
    count += rest.length;
    if (sent.length) outgoing[table] = kind === 'Keys' ? { ...(value as object), Keys: sent } : sent;
    if (rest.length) held[table] = kind === 'Keys' ? { ...(value as object), Keys: rest } : rest;
  }
  return { outgoing: Buffer.from(JSON.stringify({ ...parsed, RequestItems: outgoing })), held, count };
}

function listOf(value: unknown, kind: 'RequestItems' | 'Keys'): unknown[] {
  return kind === 'Keys' ? ((value as { Keys: unknown[] }).Keys ?? []) : (value as unknown[]);
}

function outgoingIsEmpty(outgoing: Buffer): boolean {
  return Object.keys((JSON.parse(outgoing.toString()) as { RequestItems: object }).RequestItems).length === 0;
}

function mergeUnprocessed(
  existing: unknown,
  held: Record<string, unknown>,
  operation: string,
): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...((existing as Record<string, unknown> | undefined) ?? {}) };
  for (const [table, value] of Object.entries(held)) {
    const current = merged[table];
    if (!current) merged[table] = value;
    else if (operation === 'BatchWriteItem') merged[table] = [...(current as unknown[]), ...(value as unknown[])];
    else
      merged[table] = {
        ...(value as object),
        Keys: [...(current as { Keys: unknown[] }).Keys, ...(value as { Keys: unknown[] }).Keys],
      };
  }
  return merged;
}
