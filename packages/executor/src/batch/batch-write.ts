import type { WriteRequest } from '@aws-sdk/client-dynamodb';
import { isResponseLost, isWorthResending } from '../classify';
import { DynamodelError, OutcomeUnknownError, RequestAbortedError, ValidationError } from '../errors';
import type { Executor } from '../executor';
import { MAX_ITEM_BYTES, itemSize } from '../item-size';
import { fullJitterDelay, type BackoffOptions } from './backoff';
import { BatchAbortedError, UnprocessedError } from './batch-errors';
import { keyString, pickKey, type Key } from './item-key';
import { pullFrom } from './source';
import { describeKeyAttributes } from './table-key';

const MAX_GROUP_REQUESTS = 25;
/** BatchWriteItem's 16 MB request limit, with room for the JSON framing around the items. */
const MAX_GROUP_BYTES = 15 * 1024 * 1024;

export interface BatchWriteOptions {
  /** Key attribute names (hash first). Default: read once with DescribeTable. */
  readonly keyAttributes?: readonly string[];
  /** BatchWriteItem calls in flight at once. Default 8. */
  readonly concurrency?: number;
  /** Attempts per item before it is reported failed. Default 10. */
  readonly maxAttempts?: number;
  /** Stop re-sending after this many ms from the start; what is left is reported failed. Default 10 minutes. */
  readonly deadlineMs?: number;
  readonly backoff?: BackoffOptions;
  readonly signal?: AbortSignal;
  /** Called after every BatchWriteItem call settles. */
  readonly onProgress?: (progress: BatchWriteProgress) => void;
}

export interface BatchWriteProgress {
  readonly written: number;
  readonly failed: number;
  readonly inFlight: number;
  readonly queued: number;
}

export interface BatchWriteFailure {
  /** Position of the request in the input. */
  readonly index: number;
  readonly request: WriteRequest;
  readonly key: Key | undefined;
  readonly reason: DynamodelError;
  readonly attempts: number;
}

export interface BatchWriteReport {
  readonly written: number;
  readonly failed: readonly BatchWriteFailure[];
  /** Requests taken from the input but never sent (only after an abort). */
  readonly notAttempted: number;
  /** Requests re-sent because DynamoDB returned them unprocessed or throttled the call. */
  readonly resent: number;
  /** BatchWriteItem calls made. */
  readonly calls: number;
}

interface Entry {
  readonly index: number;
  readonly request: WriteRequest;
  readonly key: Key;
  readonly id: string;
  readonly size: number;
  attempts: number;
  readyAt: number;
  solo: boolean;
}

/**
 * Writes puts and deletes to one table through BatchWriteItem: groups of ≤ 25 requests and < 16 MB,
 * up to `concurrency` groups in flight, unprocessed and throttled requests re-sent with exponential
 * backoff and full jitter until written, out of attempts, or past the deadline. Items DynamoDB would
 * reject (no key, over 400 KB, a key already in flight) fail alone before anything is sent for them;
 * a group the service rejects as invalid is re-sent item by item so only the bad items fail.
 *
 * Never drops an item: `written + failed.length + notAttempted` equals the number of requests taken
 * from the input. The input may be an async iterable of any length: it is pulled only as fast as
 * the groups drain.
 */
export async function batchWrite(
  executor: Executor,
  table: string,
  requests: Iterable<WriteRequest> | AsyncIterable<WriteRequest>,
  options: BatchWriteOptions = {},
): Promise<BatchWriteReport> {
  const keyAttributes = options.keyAttributes ?? (await describeKeyAttributes(executor, table, options.signal));
  if (Array.isArray(requests)) rejectDuplicates(requests as WriteRequest[], keyAttributes, table);
  return new BatchWriter(executor, table, keyAttributes, options).run(requests);
}

class BatchWriter {
  private readonly concurrency: number;
  private readonly maxAttempts: number;
  private readonly deadline: number;
  private readonly ready: Entry[] = [];
  private readonly waiting: Entry[] = [];
  private readonly inFlightIds = new Map<string, number>();
  private readonly failed: BatchWriteFailure[] = [];
  private written = 0;
  private resent = 0;
  private calls = 0;
  private inFlight = 0;
  private sourceDone = false;
  private taken = 0;
  private wake: (() => void) | undefined;

  constructor(
    private readonly executor: Executor,
    private readonly table: string,
    private readonly keyAttributes: readonly string[],
    private readonly options: BatchWriteOptions,
  ) {
    this.concurrency = options.concurrency ?? 8;
    this.maxAttempts = options.maxAttempts ?? 10;
    this.deadline = Date.now() + (options.deadlineMs ?? 600_000);
  }

  async run(requests: Iterable<WriteRequest> | AsyncIterable<WriteRequest>): Promise<BatchWriteReport> {
    const pull = pullFrom(requests);
    const highWater = this.concurrency * MAX_GROUP_REQUESTS * 2;
    const signal = this.options.signal;
    const sends = new Set<Promise<void>>();
    const onAbort = (): void => this.notify();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return await this.loop(pull, highWater, sends);
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  private async loop(
    pull: () => Promise<IteratorResult<WriteRequest>>,
    highWater: number,
    sends: Set<Promise<void>>,
  ): Promise<BatchWriteReport> {
    const signal = this.options.signal;
    while (true) {
      if (signal?.aborted) {
        await Promise.allSettled(sends);
        throw new BatchAbortedError(`Batch write to ${this.table} aborted`, this.abortReport());
      }
      // Back-pressure: take from the source only while the queue is short.
      while (!this.sourceDone && this.ready.length + this.waiting.length < highWater) {
        const next = await pull();
        if (next.done) this.sourceDone = true;
        else this.admit(next.value, this.taken++);
      }
      this.promoteDue();
      while (this.inFlight < this.concurrency && this.ready.length > 0) {
        const group = this.takeGroup();
        const sending = this.send(group).finally(() => {
          sends.delete(sending);
          this.notify();
        });
        sends.add(sending);
      }
      if (this.sourceDone && this.inFlight === 0 && this.ready.length === 0 && this.waiting.length === 0) break;
      await this.idle();
    }
    return this.report();
  }

  /** Validates one request and queues it, or records why it cannot be written. */
  private admit(request: WriteRequest, index: number): void {
    const item = request.PutRequest?.Item ?? request.DeleteRequest?.Key;
    const fail = (rule: string, message: string, key?: Key): void => {
      this.failed.push({
        index,
        request,
        key,
        attempts: 0,
        reason: new ValidationError(`${message} (request ${index} for table ${this.table})`, {
          table: this.table,
          operation: 'BatchWriteItem',
          rule,
        }),
      });
    };
    if (!item) return fail('request-shape', 'A write request needs PutRequest.Item or DeleteRequest.Key');
    const picked = pickKey(item, this.keyAttributes);
    if ('missing' in picked) return fail('missing-key', `Key attribute ${picked.missing} is missing`);
    const size = itemSize(item);
    if (size > MAX_ITEM_BYTES) {
      return fail('max-item-size', `Item is ${size} bytes, over DynamoDB's ${MAX_ITEM_BYTES}-byte limit`, picked.key);
    }
    const id = keyString(picked.key, this.keyAttributes);
    const earlier = this.inFlightIds.get(id);
    if (earlier !== undefined) {
      return fail('duplicate-key', `The same key is already being written by request ${earlier}`, picked.key);
    }
    this.inFlightIds.set(id, index);
    this.ready.push({
      index,
      request,
      key: picked.key,
      id,
      size,
      attempts: 0,
      readyAt: 0,
      solo: false,
    });
  }

  private takeGroup(): Entry[] {
    const first = this.ready.shift() as Entry;
    const group = [first];
    if (first.solo) return group;
    let bytes = first.size;
    while (group.length < MAX_GROUP_REQUESTS && this.ready.length > 0) {
      const next = this.ready[0] as Entry;
      if (next.solo || bytes + next.size > MAX_GROUP_BYTES) break;
      bytes += next.size;
      group.push(this.ready.shift() as Entry);
    }
    return group;
  }

  private async send(group: Entry[]): Promise<void> {
    this.inFlight++;
    this.calls++;
    for (const entry of group) entry.attempts++;
    try {
      const output = await this.executor.send(
        'BatchWriteItem',
        { RequestItems: { [this.table]: group.map((entry) => entry.request) } },
        { signal: this.options.signal },
      );
      // A missing UnprocessedItems member means none (RELIABILITY.md §3, rule 3).
      const unprocessed = output.UnprocessedItems?.[this.table] ?? [];
      const unprocessedIds = new Set(unprocessed.map((request) => this.idOf(request)));
      const retry: Entry[] = [];
      for (const entry of group) {
        if (unprocessedIds.has(entry.id)) retry.push(entry);
        else this.settleWritten(entry);
      }
      if (retry.length > 0) {
        const reason = new UnprocessedError(`DynamoDB returned the request unprocessed`, {
          table: this.table,
          operation: 'BatchWriteItem',
        });
        this.retryLater(retry, reason);
      }
    } catch (error) {
      this.handleError(group, error);
    } finally {
      this.inFlight--;
      this.options.onProgress?.({
        written: this.written,
        failed: this.failed.length,
        inFlight: this.inFlight,
        queued: this.ready.length + this.waiting.length,
      });
    }
  }

  private handleError(group: Entry[], error: unknown): void {
    const reason =
      error instanceof DynamodelError
        ? error
        : new DynamodelError(`BatchWriteItem failed: ${String(error)}`, { cause: error, table: this.table });
    if (reason instanceof RequestAbortedError || this.options.signal?.aborted) {
      // The call may or may not have been applied; say so for each of its items.
      for (const entry of group) {
        this.settleFailed(
          entry,
          new OutcomeUnknownError(`Aborted while BatchWriteItem was in flight`, {
            code: 'Aborted',
            cause: error,
            table: this.table,
          }),
        );
      }
      return;
    }
    // Throttled, transient or response lost: puts and deletes are safe to send again (§4).
    if (isWorthResending(reason) || isResponseLost(error)) return this.retryLater(group, reason);
    if (reason instanceof ValidationError && group.length > 1) {
      // DynamoDB rejects the whole call for one bad item and writes nothing: isolate the culprit.
      for (const entry of group) {
        entry.solo = true;
        entry.attempts--;
      }
      this.ready.unshift(...group);
      return;
    }
    for (const entry of group) this.settleFailed(entry, reason);
  }

  private retryLater(entries: Entry[], reason: DynamodelError): void {
    const now = Date.now();
    const again: Entry[] = [];
    for (const entry of entries) {
      if (entry.attempts >= this.maxAttempts || now >= this.deadline) {
        const why =
          entry.attempts >= this.maxAttempts ? `after ${entry.attempts} attempts` : 'when the deadline passed';
        this.settleFailed(
          entry,
          reason instanceof UnprocessedError
            ? new UnprocessedError(`Still unprocessed ${why}`, {
                table: this.table,
                operation: 'BatchWriteItem',
                attempts: entry.attempts,
              })
            : reason,
        );
        continue;
      }
      entry.readyAt = now + fullJitterDelay(entry.attempts, this.options.backoff);
      again.push(entry);
    }
    if (again.length === 0) return;
    this.resent += again.length;
    this.waiting.push(...again);
    this.executor.events?.emit({
      type: 'unprocessed-resend',
      operation: 'BatchWriteItem',
      table: this.table,
      count: again.length,
      delayMs: Math.max(0, Math.min(...again.map((entry) => entry.readyAt)) - now),
    });
  }

  private settleWritten(entry: Entry): void {
    this.written++;
    this.inFlightIds.delete(entry.id);
  }

  private settleFailed(entry: Entry, reason: DynamodelError): void {
    this.inFlightIds.delete(entry.id);
    this.failed.push({ index: entry.index, request: entry.request, key: entry.key, reason, attempts: entry.attempts });
  }

  /** Moves entries whose backoff has passed to the ready queue. */
  private promoteDue(): void {
    const now = Date.now();
    for (let i = this.waiting.length - 1; i >= 0; i--) {
      const entry = this.waiting[i] as Entry;
      if (entry.readyAt <= now) {
        this.waiting.splice(i, 1);
        this.ready.push(entry);
      }
    }
  }

  /** Waits for a send to settle, or for the earliest backoff to pass. */
  private async idle(): Promise<void> {
    const canSend = this.inFlight < this.concurrency && this.ready.length > 0;
    if (canSend) return;
    const earliest = this.waiting.reduce((min, entry) => Math.min(min, entry.readyAt), Infinity);
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      this.wake = resolve;
      if (earliest !== Infinity && this.inFlight < this.concurrency) {
        timer = setTimeout(resolve, Math.max(0, earliest - Date.now()));
      }
    });
    clearTimeout(timer);
    this.wake = undefined;
  }

  private notify(): void {
    this.wake?.();
  }

  private idOf(request: WriteRequest): string {
    const item = request.PutRequest?.Item ?? request.DeleteRequest?.Key ?? {};
    const picked = pickKey(item, this.keyAttributes);
    return 'key' in picked ? keyString(picked.key, this.keyAttributes) : '';
  }

  private report(): BatchWriteReport {
    return { written: this.written, failed: this.failed, notAttempted: 0, resent: this.resent, calls: this.calls };
  }

  private abortReport(): BatchWriteReport {
    const notSent = [...this.ready, ...this.waiting];
    return { ...this.report(), notAttempted: notSent.length };
  }
}

/** For an array input: two requests for one key would be rejected by DynamoDB or race; refuse before sending. */
function rejectDuplicates(requests: readonly WriteRequest[], keyAttributes: readonly string[], table: string): void {
  const seen = new Map<string, number>();
  requests.forEach((request, index) => {
    const item = request.PutRequest?.Item ?? request.DeleteRequest?.Key;
    if (!item) return;
    const picked = pickKey(item, keyAttributes);
    if (!('key' in picked)) return;
    const id = keyString(picked.key, keyAttributes);
    const earlier = seen.get(id);
    if (earlier !== undefined) {
      throw new ValidationError(
        `Requests ${earlier} and ${index} write the same key ${id} of table ${table}; DynamoDB rejects duplicate keys in a batch. Nothing was sent.`,
        { table, operation: 'BatchWriteItem', rule: 'duplicate-key' },
      );
    }
    seen.set(id, index);
  });
}
