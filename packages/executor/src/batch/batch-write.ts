import type { WriteRequest } from '@aws-sdk/client-dynamodb';
import Denque from 'denque';
import { isResponseLost, isWorthResending } from '../classify';
import {
  AuthError,
  DynamodelError,
  OutcomeUnknownError,
  RequestAbortedError,
  ResourceNotFoundError,
  ValidationError,
} from '../errors';
import type { Executor } from '../executor';
import { MAX_ITEM_BYTES, itemSize, itemSizeBound } from '../item-size';
import { fullJitterDelay, type BackoffOptions } from './backoff';
import { BatchAbortedError, BatchStoppedError, UnprocessedError } from './batch-errors';
import { keyString, missingKeyAttribute, pickKey, type Key } from './item-key';
import { SourceReader } from './source';
import { describeKeyAttributes } from './table-key';

const MAX_GROUP_REQUESTS = 25;
/** BatchWriteItem's 16 MB request limit, with room for the JSON framing around the items. */
const MAX_GROUP_BYTES = 15 * 1024 * 1024;
const DEFAULT_KEPT_FAILURES = 100;

export interface BatchWriteOptions<I = WriteRequest> {
  /** Key attribute names (hash first). Default: read once with DescribeTable. */
  readonly keyAttributes?: readonly string[];
  /** BatchWriteItem calls in flight at once. Default 8. */
  readonly concurrency?: number;
  /** Attempts per item before it is reported failed. Default 10. */
  readonly maxAttempts?: number;
  /**
   * Stop re-sending an item this many ms after its first attempt; it is then reported failed. The
   * clock is per item, so a long import throttled late still gives every item its full time.
   * Default: no time limit (`maxAttempts` bounds the retries).
   */
  readonly itemTimeoutMs?: number;
  readonly backoff?: BackoffOptions;
  readonly signal?: AbortSignal;
  /** Called after every BatchWriteItem call settles. */
  readonly onProgress?: (progress: BatchWriteProgress) => void;
  /**
   * Called once for every failed item, as it fails: the way to see every failure of a long or
   * unbounded input (the report keeps only the first `keepFailures`). If it throws, the batch stops
   * with `BatchStoppedError`.
   */
  readonly onFailure?: (failure: BatchWriteFailure<I>) => void;
  /** How many failures the report keeps in `failures` (the first ones). Default 100; `Infinity` keeps all. */
  readonly keepFailures?: number;
  /**
   * Called with the key of each request once DynamoDB stored it, and of each whose outcome is
   * unknown (it may be stored), with the input and its position: what a cache must invalidate, and
   * what a caller that tracks its inputs' stored state must record. If it throws, the batch stops
   * with `BatchStoppedError`.
   */
  readonly onWritten?: (key: Key, outcome: 'written' | 'unknown', input: I, index: number) => void;
  /**
   * Turns each input into its write request as it is taken from the input (so a streamed input is
   * converted only as fast as it is written). A `DynamodelError` it throws fails that input alone,
   * with no attempt made, and the rest are written; any other error stops the batch
   * (`BatchStoppedError`). Without it the inputs are the requests. It may return the request with a
   * bound of its item's size (`SizedWriteRequest`) when it has one at hand.
   */
  readonly toRequest?: (input: I, index: number) => WriteRequest | SizedWriteRequest;
}

/** A write request and a bound of its item's size, from a `toRequest` that measured the item while making it. */
export interface SizedWriteRequest {
  readonly request: WriteRequest;
  /**
   * At least the bytes DynamoDB counts for the item (an upper bound, such as `itemSizeBound`'s, is
   * enough). Within 400 KB the engine takes it instead of walking the item again; above, it counts
   * the item exactly. A bound too low is not lost data: DynamoDB refuses the item, and it fails alone.
   */
  readonly sizeBound: number;
}

export interface BatchWriteProgress {
  readonly written: number;
  readonly failed: number;
  readonly inFlight: number;
  readonly queued: number;
}

export interface BatchWriteFailure<I = WriteRequest> {
  /** Position of the request in the input. */
  readonly index: number;
  /** The input as given (the request itself, without `toRequest`). */
  readonly input: I;
  /** The request sent, or `undefined` when `toRequest` refused the input. */
  readonly request: WriteRequest | undefined;
  readonly key: Key | undefined;
  /**
   * Why it failed. `OutcomeUnknownError` when an attempt's answer was lost and no later attempt
   * confirmed the write: the item may be stored. Any other reason means it certainly was not written.
   */
  readonly reason: DynamodelError;
  readonly attempts: number;
}

export interface BatchWriteReport<I = WriteRequest> {
  readonly written: number;
  /** Items that failed (`written + failed + notAttempted` = requests taken from the input; an array's length). */
  readonly failed: number;
  /** Of the failed items, those whose outcome is unknown (they may be stored). */
  readonly outcomeUnknown: number;
  /** The first `keepFailures` failures, in the order they failed; `onFailure` sees them all. */
  readonly failures: readonly BatchWriteFailure<I>[];
  /**
   * Requests never sent (only after an abort or a stop): those taken from the input, and for an
   * array input also those not taken yet, so the three counts add up to the array's length.
   */
  readonly notAttempted: number;
  /** Requests re-sent because DynamoDB returned them unprocessed or throttled the call. */
  readonly resent: number;
  /** BatchWriteItem calls made. */
  readonly calls: number;
}

interface Entry<I> {
  readonly index: number;
  readonly input: I;
  readonly request: WriteRequest;
  /** The key's canonical string (`keyString`); the key itself is picked again only when reported (`keyOf`). */
  readonly id: string;
  readonly size: number;
  attempts: number;
  firstSentAt: number;
  readyAt: number;
  solo: boolean;
  /** Set when an attempt's answer was lost: the item may be stored until a later attempt confirms it. */
  unknown: OutcomeUnknownError | undefined;
}

/** Why a run stopped before its input was done. */
type Stop =
  | { readonly kind: 'abort' }
  | { readonly kind: 'fatal'; readonly error: DynamodelError }
  | { readonly kind: 'source' | 'callback'; readonly error: unknown };

/**
 * Writes puts and deletes to one table through BatchWriteItem: groups of ≤ 25 requests and < 16 MB,
 * up to `concurrency` groups in flight, unprocessed and throttled requests re-sent with exponential
 * backoff and full jitter until written or out of attempts (or time, with `itemTimeoutMs`). Items
 * DynamoDB would reject (no key, over 400 KB, a key already in flight, or in an array a key taken
 * before) fail alone before anything is sent for them, and the rest are written; a group the service rejects as invalid is re-sent item by item so only the bad
 * items fail. A missing table or refused credentials stop the run at once (`BatchStoppedError`).
 *
 * Never drops an item: `written + failed + notAttempted` equals the number of requests taken from
 * the input, and an item is reported `OutcomeUnknownError` whenever it may have been stored. The
 * input may be an async iterable of any length and pace: one pull is kept pending, full groups go
 * out at once, and a partial group goes out when the source is idle, while retries and aborts are
 * handled in the meantime. The source is read only as fast as groups drain.
 */
export async function batchWrite(
  executor: Executor,
  table: string,
  requests: Iterable<WriteRequest> | AsyncIterable<WriteRequest>,
  options?: BatchWriteOptions,
): Promise<BatchWriteReport>;
/** The same, for inputs of any kind turned into requests by `options.toRequest` as they are taken. */
export async function batchWrite<I>(
  executor: Executor,
  table: string,
  inputs: Iterable<I> | AsyncIterable<I>,
  options: BatchWriteOptions<I> & {
    readonly toRequest: (input: I, index: number) => WriteRequest | SizedWriteRequest;
  },
): Promise<BatchWriteReport<I>>;
export async function batchWrite<I>(
  executor: Executor,
  table: string,
  inputs: Iterable<I> | AsyncIterable<I>,
  options: BatchWriteOptions<I> = {},
): Promise<BatchWriteReport<I>> {
  const keyAttributes = options.keyAttributes ?? (await describeKeyAttributes(executor, table, options.signal));
  return new BatchWriter<I>(executor, table, keyAttributes, options).run(inputs);
}

class BatchWriter<I> {
  private readonly concurrency: number;
  private readonly maxAttempts: number;
  private readonly highWater: number;
  private readonly keepFailures: number;
  /** Entries to send, in order. A deque: an array's `shift` copies the whole queue once it is old. */
  private readonly ready = new Denque<Entry<I>>();
  private readonly waiting: Entry<I>[] = [];
  /** Keys being written (queued or sent) and who writes them, for an input that is not an array. */
  private readonly inFlightIds = new Map<string, number>();
  /** For an array input, instead: every key taken, so a repeat always fails, whatever is in flight. */
  private seenIds: Map<string, number> | undefined;
  private readonly failures: BatchWriteFailure<I>[] = [];
  private readonly sends = new Set<Promise<void>>();
  private reader!: SourceReader<I>;
  private written = 0;
  private failed = 0;
  private outcomeUnknown = 0;
  private resent = 0;
  private calls = 0;
  private inFlight = 0;
  private taken = 0;
  /** Inputs taken but neither queued nor recorded, because converting them stopped the run. */
  private droppedAtStop = 0;
  private stop: Stop | undefined;
  private inputLength: number | undefined;
  private wake: (() => void) | undefined;

  constructor(
    private readonly executor: Executor,
    private readonly table: string,
    private readonly keyAttributes: readonly string[],
    private readonly options: BatchWriteOptions<I>,
  ) {
    this.concurrency = options.concurrency ?? 8;
    this.maxAttempts = options.maxAttempts ?? 10;
    this.highWater = this.concurrency * MAX_GROUP_REQUESTS * 2;
    this.keepFailures = options.keepFailures ?? DEFAULT_KEPT_FAILURES;
  }

  async run(inputs: Iterable<I> | AsyncIterable<I>): Promise<BatchWriteReport<I>> {
    // An array's length is known: requests never taken from it count as not attempted when stopped.
    this.inputLength = Array.isArray(inputs) ? inputs.length : undefined;
    if (Array.isArray(inputs)) this.seenIds = new Map();
    this.reader = new SourceReader(inputs, {
      onItem: (input) => this.admit(input, this.taken++),
      onChange: () => {
        this.fill();
        // Wake the loop only when it has something to do: a full group, the source idle or done.
        const { reader } = this;
        if (reader.done || reader.idle || (this.ready.length >= MAX_GROUP_REQUESTS && this.inFlight < this.concurrency))
          this.notify();
      },
    });
    const signal = this.options.signal;
    const onAbort = (): void => this.notify();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return await this.loop();
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  private async loop(): Promise<BatchWriteReport<I>> {
    const { reader } = this;
    for (;;) {
      if (this.options.signal?.aborted) this.halt({ kind: 'abort' });
      if (reader.error !== undefined) this.halt({ kind: 'source', error: reader.error });
      this.fill();
      if (this.stop) return this.finishStopped(this.stop);
      this.promoteDue();
      while (!this.stop && this.inFlight < this.concurrency) {
        this.fill();
        if (this.ready.length === 0) break;
        // A partial group waits only while the source is about to deliver more.
        if (this.ready.length < MAX_GROUP_REQUESTS && reader.pending && !reader.idle) break;
        this.startSend(this.takeGroup());
      }
      if (this.stop) continue; // stopped while filling: settle and report at the top of the loop
      if (reader.done && this.inFlight === 0 && this.ready.length === 0 && this.waiting.length === 0) break;
      await this.idle();
    }
    return this.report();
  }

  /**
   * Takes from the source while the queue is short (back-pressure). A sync source (an array) is read
   * one group ahead only, just before the group is sent: its requests are made and dropped young,
   * instead of waiting long enough to be promoted to the old generation. An async source is read
   * further ahead, so its latency is hidden.
   */
  private fill(): void {
    const { reader } = this;
    while (
      !this.stop &&
      !reader.done &&
      !reader.pending &&
      this.ready.length + this.waiting.length < this.highWater &&
      (reader.isAsync || this.ready.length < MAX_GROUP_REQUESTS)
    ) {
      reader.request();
    }
  }

  private halt(stop: Stop): void {
    if (this.stop) return;
    this.stop = stop;
    this.reader.stop();
    this.notify();
  }

  /** Lets the calls in flight settle, fails what was attempted and is queued, and reports. */
  private async finishStopped(stop: Stop): Promise<never> {
    await Promise.allSettled(this.sends);
    const queued = [...this.ready.toArray(), ...this.waiting];
    this.ready.clear();
    this.waiting.length = 0;
    let notAttempted = (this.inputLength === undefined ? 0 : this.inputLength - this.taken) + this.droppedAtStop;
    for (const entry of queued) {
      if (entry.attempts === 0) {
        notAttempted++;
        this.release(entry);
        continue;
      }
      // Sent before and waiting to be sent again: not written by that attempt (unless its answer was lost).
      const reason =
        stop.kind === 'fatal'
          ? stop.error
          : new RequestAbortedError(`Batch write to ${this.table} stopped before the request was sent again`, {
              table: this.table,
              operation: 'BatchWriteItem',
            });
      this.settleFailed(entry, reason);
    }
    const report = { ...this.report(), notAttempted };
    if (stop.kind === 'abort') throw new BatchAbortedError(`Batch write to ${this.table} aborted`, report);
    const what =
      stop.kind === 'fatal'
        ? stop.error.message
        : stop.kind === 'source'
          ? `the input source threw: ${describe(stop.error)}`
          : `a callback (onFailure, onWritten) threw: ${describe(stop.error)}`;
    throw new BatchStoppedError(`Batch write to ${this.table} stopped: ${what}`, report, {
      cause: stop.error,
      table: this.table,
      operation: 'BatchWriteItem',
    });
  }

  /** Converts and validates one input and queues it, or records why it cannot be written. */
  private admit(input: I, index: number): void {
    let request: WriteRequest;
    let knownBound: number | undefined;
    const { toRequest } = this.options;
    if (toRequest) {
      try {
        const made = toRequest(input, index);
        if ('sizeBound' in made) {
          request = made.request;
          knownBound = made.sizeBound;
        } else {
          request = made;
        }
      } catch (error) {
        // The caller's own refusal of this input (a model's validation): it alone fails.
        if (error instanceof DynamodelError) {
          return this.record({ index, input, request: undefined, key: undefined, attempts: 0, reason: error });
        }
        // The run stops on this input: it was taken, and it is reported as not attempted.
        this.droppedAtStop++;
        return this.halt({ kind: 'callback', error });
      }
    } else {
      request = input as WriteRequest;
    }
    const item = itemOf(request);
    if (!item) {
      return this.refuse(
        input,
        index,
        request,
        undefined,
        'request-shape',
        'A write request needs PutRequest.Item or DeleteRequest.Key',
      );
    }
    const missing = missingKeyAttribute(item, this.keyAttributes);
    if (missing !== undefined) {
      return this.refuse(input, index, request, undefined, 'missing-key', `Key attribute ${missing} is missing`);
    }
    // The cheap bound is the size used for grouping; the exact count runs only for an item the bound
    // cannot clear. Grouping is unchanged by it: 25 items within the limit stay under MAX_GROUP_BYTES.
    const bound = knownBound ?? itemSizeBound(item);
    const size = bound <= MAX_ITEM_BYTES ? bound : itemSize(item);
    if (size > MAX_ITEM_BYTES) {
      const message = `Item is ${size} bytes, over DynamoDB's ${MAX_ITEM_BYTES}-byte limit`;
      return this.refuse(input, index, request, pickKey(item, this.keyAttributes), 'max-item-size', message);
    }
    // The id reads only the key attributes, so it is taken from the item itself.
    const id = keyString(item, this.keyAttributes);
    const { seenIds } = this;
    if (seenIds) {
      // Every key in flight was taken before: the one map catches both kinds of repeat.
      const first = seenIds.get(id);
      if (first !== undefined) {
        const message = `The same key was written by request ${first} of this batch`;
        return this.refuse(input, index, request, pickKey(item, this.keyAttributes), 'duplicate-key', message);
      }
      seenIds.set(id, index);
    } else {
      const earlier = this.inFlightIds.get(id);
      if (earlier !== undefined) {
        const message = `The same key is already being written by request ${earlier}`;
        return this.refuse(input, index, request, pickKey(item, this.keyAttributes), 'duplicate-key', message);
      }
      this.inFlightIds.set(id, index);
    }
    this.ready.push({
      index,
      input,
      request,
      id,
      size,
      attempts: 0,
      firstSentAt: 0,
      readyAt: 0,
      solo: false,
      unknown: undefined,
    });
  }

  /** Records an input DynamoDB would reject, before anything is sent for it. */
  private refuse(
    input: I,
    index: number,
    request: WriteRequest,
    key: Key | undefined,
    rule: string,
    message: string,
  ): void {
    this.record({
      index,
      input,
      request,
      key,
      attempts: 0,
      reason: new ValidationError(`${message} (request ${index} for table ${this.table})`, {
        table: this.table,
        operation: 'BatchWriteItem',
        rule,
      }),
    });
  }

  private takeGroup(): Entry<I>[] {
    const first = this.ready.shift() as Entry<I>;
    const group = [first];
    if (first.solo) return group;
    let bytes = first.size;
    while (group.length < MAX_GROUP_REQUESTS && this.ready.length > 0) {
      const next = this.ready.peekFront() as Entry<I>;
      if (next.solo || bytes + next.size > MAX_GROUP_BYTES) break;
      bytes += next.size;
      group.push(this.ready.shift() as Entry<I>);
    }
    return group;
  }

  private startSend(group: Entry<I>[]): void {
    const sending = this.send(group).finally(() => {
      this.sends.delete(sending);
      this.notify();
    });
    this.sends.add(sending);
  }

  private async send(group: Entry<I>[]): Promise<void> {
    this.inFlight++;
    this.calls++;
    const now = Date.now();
    for (const entry of group) {
      if (entry.attempts++ === 0) entry.firstSentAt = now;
    }
    try {
      const output = await this.executor.send(
        'BatchWriteItem',
        { RequestItems: { [this.table]: group.map((entry) => entry.request) } },
        // Batch puts and deletes are idempotent: re-sending one that was applied changes nothing (docs/reliability.md §4).
        { signal: this.options.signal, idempotent: true },
      );
      // A missing UnprocessedItems member means none (docs/reliability.md §3, rule 3).
      const unprocessed = output.UnprocessedItems?.[this.table];
      if (!unprocessed || unprocessed.length === 0) {
        for (const entry of group) this.settleWritten(entry);
        return;
      }
      const unprocessedIds = new Set(unprocessed.map((request) => this.idOf(request)));
      const retry: Entry<I>[] = [];
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
        failed: this.failed,
        inFlight: this.inFlight,
        queued: this.ready.length + this.waiting.length,
      });
    }
  }

  private handleError(group: Entry<I>[], error: unknown): void {
    const reason =
      error instanceof DynamodelError
        ? error
        : new DynamodelError(`BatchWriteItem failed: ${String(error)}`, { cause: error, table: this.table });
    if (reason instanceof RequestAbortedError || this.options.signal?.aborted) {
      // The call may or may not have been applied; say so for each of its items.
      const unknown = new OutcomeUnknownError(`Aborted while BatchWriteItem was in flight`, {
        code: 'Aborted',
        cause: error,
        table: this.table,
        operation: 'BatchWriteItem',
      });
      for (const entry of group) this.settleFailed(entry, unknown);
      return;
    }
    if (isFatal(reason)) {
      // Every other call would fail the same way: stop instead of spending attempts on each group.
      for (const entry of group) this.settleFailed(entry, reason);
      this.halt({ kind: 'fatal', error: reason });
      return;
    }
    if (reason instanceof OutcomeUnknownError || isResponseLost(error)) {
      const unknown =
        reason instanceof OutcomeUnknownError
          ? reason
          : new OutcomeUnknownError(`BatchWriteItem's answer was lost: ${reason.message}`, {
              code: 'ResponseLost',
              cause: error,
              table: this.table,
              operation: 'BatchWriteItem',
            });
      for (const entry of group) entry.unknown ??= unknown;
      return this.retryLater(group, unknown);
    }
    // Throttled or transient: puts and deletes are safe to send again (§4).
    if (isWorthResending(reason)) return this.retryLater(group, reason);
    if (reason instanceof ValidationError && group.length > 1) {
      // DynamoDB rejects the whole call for one bad item and writes nothing: isolate the culprit.
      for (const entry of group) {
        entry.solo = true;
        entry.attempts--;
      }
      for (let i = group.length - 1; i >= 0; i--) this.ready.unshift(group[i] as Entry<I>);
      return;
    }
    for (const entry of group) this.settleFailed(entry, reason);
  }

  private retryLater(entries: Entry<I>[], reason: DynamodelError): void {
    const now = Date.now();
    const timeout = this.options.itemTimeoutMs;
    const again: Entry<I>[] = [];
    for (const entry of entries) {
      const outOfAttempts = entry.attempts >= this.maxAttempts;
      if (outOfAttempts || (timeout !== undefined && now - entry.firstSentAt >= timeout)) {
        const why = outOfAttempts
          ? `after ${entry.attempts} attempts`
          : `${timeout ?? 0} ms after its first attempt (itemTimeoutMs)`;
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

  /** Lets a later request write this key again (not in an array input, where a repeat always fails). */
  private release(entry: Entry<I>): void {
    if (!this.seenIds) this.inFlightIds.delete(entry.id);
  }

  private settleWritten(entry: Entry<I>): void {
    this.written++;
    this.release(entry);
    if (this.options.onWritten) this.tellWritten(this.keyOf(entry), 'written', entry);
  }

  private tellWritten(key: Key, outcome: 'written' | 'unknown', entry: Entry<I>): void {
    if (!this.options.onWritten) return;
    try {
      this.options.onWritten(key, outcome, entry.input, entry.index);
    } catch (error) {
      this.halt({ kind: 'callback', error });
    }
  }

  private settleFailed(entry: Entry<I>, reason: DynamodelError): void {
    this.release(entry);
    // An earlier attempt may have been applied: this attempt's error cannot say it was not.
    const final =
      entry.unknown && !(reason instanceof OutcomeUnknownError)
        ? new OutcomeUnknownError(
            `An earlier attempt's answer was lost (${entry.unknown.code}), so the item may be stored; ` +
              `the last attempt ended with: ${reason.message}`,
            { code: entry.unknown.code, cause: reason, table: this.table, operation: 'BatchWriteItem' },
          )
        : reason;
    const key = this.keyOf(entry);
    if (final instanceof OutcomeUnknownError) this.tellWritten(key, 'unknown', entry);
    this.record({
      index: entry.index,
      input: entry.input,
      request: entry.request,
      key,
      reason: final,
      attempts: entry.attempts,
    });
  }

  private record(failure: BatchWriteFailure<I>): void {
    this.failed++;
    if (failure.reason instanceof OutcomeUnknownError) this.outcomeUnknown++;
    if (this.failures.length < this.keepFailures) this.failures.push(failure);
    if (!this.options.onFailure) return;
    try {
      this.options.onFailure(failure);
    } catch (error) {
      this.halt({ kind: 'callback', error });
    }
  }

  /** Moves entries whose backoff has passed to the ready queue. */
  private promoteDue(): void {
    const now = Date.now();
    for (let i = this.waiting.length - 1; i >= 0; i--) {
      const entry = this.waiting[i] as Entry<I>;
      if (entry.readyAt <= now) {
        this.waiting.splice(i, 1);
        this.ready.push(entry);
      }
    }
  }

  /** Waits for a send to settle, the source to move, an abort, or the earliest backoff to pass. */
  private async idle(): Promise<void> {
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

  /** The key attributes of an admitted request (it has them all: `admit` checked). */
  private keyOf(entry: Entry<I>): Key {
    return pickKey(itemOf(entry.request) ?? {}, this.keyAttributes);
  }

  private idOf(request: WriteRequest): string {
    return keyString(itemOf(request) ?? {}, this.keyAttributes);
  }

  private report(): BatchWriteReport<I> {
    return {
      written: this.written,
      failed: this.failed,
      outcomeUnknown: this.outcomeUnknown,
      failures: this.failures,
      notAttempted: 0,
      resent: this.resent,
      calls: this.calls,
    };
  }
}

/** The item a request puts, or the key it deletes. */
function itemOf(request: WriteRequest): Key | undefined {
  return request.PutRequest?.Item ?? request.DeleteRequest?.Key;
}

/** Errors that every other call of the run would meet too: a missing table, refused credentials. */
function isFatal(error: DynamodelError): boolean {
  return error instanceof ResourceNotFoundError || error instanceof AuthError;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
