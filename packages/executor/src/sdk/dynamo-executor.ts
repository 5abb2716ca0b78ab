import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, Logger } from '@smithy/types';
import { ExecutorEvents } from '../events/executor-events';
import type { Executor, SendOptions } from '../executor';
import { isIdempotent } from '../idempotency';
import { mapSdkError } from '../map-error';
import { tableOf, type InputOf, type OperationName, type OutputOf } from '../operations';
import { ATTEMPT_GUARD_OPTIONS, attemptGuard, guardRequest, isGuarded, releaseRequest } from './attempt-guard';
import { createCommand } from './commands';
import { NativeJsonProtocol } from './native-json-protocol';
import { startNextTurn } from './next-turn';
import { redactingLogger } from './redacting-logger';

export interface DynamoExecutorOptions {
  /** Use this client as it is (its retry, signing and HTTP settings are kept). */
  readonly client?: DynamoDBClient;
  readonly region?: string;
  readonly endpoint?: string;
  /**
   * Static credentials or any SDK credential provider (`fromIni`, `fromTemporaryCredentials` for STS
   * session tokens with refresh…). Default: the SDK's default chain (environment, profile, SSO, IMDS).
   */
  readonly credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** The SDK's retry mode. Default `standard` (adaptive throttles first attempts client-wide; docs/reliability.md §2.3). */
  readonly retryMode?: 'standard' | 'adaptive';
  /** Attempts per request including the first. Default: the SDK's (4 for DynamoDB). */
  readonly maxAttempts?: number;
  /** Keep-alive sockets per host; keep it at or above your concurrency bound. Default 64. */
  readonly maxSockets?: number;
  /** Connection timeout in ms. Default 3,000. */
  readonly connectionTimeoutMs?: number;
  /** Time out (and retry) a request whose response has not arrived after this many ms. Default: none. */
  readonly requestTimeoutMs?: number;
  /** A logger for the SDK's own logging; item data is redacted before it sees anything. */
  readonly logger?: Logger;
  readonly events?: ExecutorEvents;
}

/** The default executor: the AWS SDK v3 client does signing, credentials and request-level retries. */
export class DynamoExecutor implements Executor {
  readonly client: DynamoDBClient;
  readonly events: ExecutorEvents;
  private readonly ownsClient: boolean;
  /** Requests sent and not yet settled. */
  private inFlight = 0;

  constructor(options: DynamoExecutorOptions = {}) {
    this.events = options.events ?? new ExecutorEvents();
    this.ownsClient = !options.client;
    this.client = options.client ?? new DynamoDBClient(clientConfig(options));
    installAttemptGuard(this.client);
  }

  async send<Op extends OperationName>(
    operation: Op,
    input: InputOf<Op>,
    options: SendOptions = {},
  ): Promise<OutputOf<Op>> {
    const table = tableOf(input);
    // The attempt guard finds a request by its input object: one already in flight goes as a copy.
    const request = isGuarded(input) ? { ...input } : input;
    const command = createCommand(operation, request);
    let lostAnswer: unknown;
    guardRequest(request, {
      operation,
      table,
      idempotent: options.idempotent ?? isIdempotent(operation, input),
      events: this.events,
      onLostAnswer: (error) => (lostAnswer ??= error),
      ...(options.observe ? { observe: options.observe } : {}),
    });
    const started = performance.now();
    this.events.emit({ type: 'request', operation, table });
    try {
      // Without options, our own client (`cacheMiddleware`, guard added before its first request)
      // reuses its resolved stack. A client given to us may have cached a stack without the guard
      // before it was added, so its calls get options, which make the SDK resolve the stack again.
      const start = (): Promise<unknown> =>
        this.ownsClient && !options.signal
          ? this.client.send(command)
          : this.client.send(command, { abortSignal: options.signal });
      // Started with the other requests of this turn of the event loop (next-turn.ts says why); a
      // request with none other in flight has nothing to be started with, and starts at once.
      const sent = this.inFlight++ === 0 ? start() : startNextTurn(start);
      const output = (await sent) as OutputOf<Op>;
      this.events.emit({
        type: 'response',
        operation,
        table,
        durationMs: performance.now() - started,
        attempts: output.$metadata.attempts ?? 1,
      });
      return output;
    } catch (error) {
      const mapped = mapSdkError(error, { operation, table, lostAnswer });
      this.events.emit({
        type: 'error',
        operation,
        table,
        durationMs: performance.now() - started,
        errorName: mapped.name,
        code: (mapped as { code?: string }).code ?? mapped.name,
      });
      throw mapped;
    } finally {
      this.inFlight--;
      releaseRequest(request);
    }
  }

  /** Closes the keep-alive sockets of a client this executor created. */
  destroy(): void {
    if (this.ownsClient) this.client.destroy();
  }
}

function clientConfig(options: DynamoExecutorOptions): DynamoDBClientConfig {
  const maxSockets = options.maxSockets ?? 64;
  const agentOptions = { keepAlive: true, maxSockets };
  return {
    region: options.region,
    endpoint: options.endpoint,
    credentials: options.credentials,
    retryMode: options.retryMode ?? 'standard',
    // The stack is resolved once per command class: nothing of ours changes it per request (the
    // attempt guard is on the client's stack), and it is most of the SDK's CPU per call.
    cacheMiddleware: true,
    // Request bodies by JSON.stringify where that writes what the SDK would (native-json-protocol.ts).
    protocol: NativeJsonProtocol,
    maxAttempts: options.maxAttempts,
    logger: options.logger ? redactingLogger(options.logger) : undefined,
    requestHandler: new NodeHttpHandler({
      httpAgent: new HttpAgent(agentOptions),
      httpsAgent: new HttpsAgent(agentOptions),
      connectionTimeout: options.connectionTimeoutMs ?? 3_000,
      requestTimeout: options.requestTimeoutMs,
      throwOnRequestTimeout: options.requestTimeoutMs !== undefined,
    }),
  };
}

/** Clients whose stack holds the attempt guard (a client shared by several executors gets it once). */
const guardedClients = new WeakSet<DynamoDBClient>();

function installAttemptGuard(client: DynamoDBClient): void {
  if (guardedClients.has(client)) return;
  client.middlewareStack.add(attemptGuard as never, ATTEMPT_GUARD_OPTIONS);
  guardedClients.add(client);
}

/** `createDynamoExecutor({ region })` — the executor `connect()` uses unless given another. */
export function createDynamoExecutor(options: DynamoExecutorOptions = {}): DynamoExecutor {
  return new DynamoExecutor(options);
}
