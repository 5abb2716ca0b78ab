import type { AttributeValue, KeysAndAttributes } from '@aws-sdk/client-dynamodb';
import { isResponseLost, isWorthResending } from '../classify';
import { AuthError, DynamodelError, RequestAbortedError, ResourceNotFoundError } from '../errors';
import type { Executor } from '../executor';
import { sleep } from '../limits/token-bucket';
import { fullJitterDelay, type BackoffOptions } from './backoff';
import { BatchAbortedError, BatchStoppedError, UnprocessedError } from './batch-errors';
import { keyString, type Key } from './item-key';
import { pullFrom } from './source';

const MAX_GROUP_KEYS = 100;

export interface BatchGetOptions {
  /** BatchGetItem calls in flight at once. Default 4. */
  readonly concurrency?: number;
  readonly consistentRead?: boolean;
  /** Attribute names to read (key attributes are added so results can be matched). */
  readonly attributes?: readonly string[];
  /** Attempts per key before it is reported failed. Default 10. */
  readonly maxAttempts?: number;
  readonly backoff?: BackoffOptions;
  readonly signal?: AbortSignal;
}

export interface BatchGetFailure {
  readonly index: number;
  readonly key: Key;
  readonly reason: DynamodelError;
}

export interface BatchGetReport {
  /** One entry per input key, in input order: the item, or `undefined` when it does not exist or was not read. */
  readonly items: (Record<string, AttributeValue> | undefined)[];
  /** `found + missing + failed + notRead` = the number of input keys. */
  readonly found: number;
  /** Keys DynamoDB answered for and that hold no item. */
  readonly missing: number;
  /** The input positions of those keys, in ascending order. */
  readonly absent: readonly number[];
  /** Keys that could not be read (never reported as missing). */
  readonly failed: number;
  /**
   * Every failure, by input position. Unlike `batchWrite`'s, this list is complete: the results of
   * every key are held in `items` anyway, so it is bounded by the input.
   */
  readonly failures: readonly BatchGetFailure[];
  /** Keys not read because the batch was aborted or stopped before their answer came. */
  readonly notRead: number;
  readonly calls: number;
}

interface Unique {
  readonly id: string;
  readonly key: Key;
  /** Input positions holding this key (duplicates are read once). */
  readonly positions: number[];
}

/**
 * Reads many keys of one table with BatchGetItem: duplicates collapsed (DynamoDB rejects them) and
 * fanned back out, groups of ≤ 100 keys, up to `concurrency` calls in flight, UnprocessedKeys
 * re-sent with backoff. Results come back in input order; a key that could not be read is in
 * `failures`, never silently reported as missing. An abort rejects with `BatchAbortedError` and a
 * missing table or refused credentials with `BatchStoppedError`, both carrying the partial report.
 */
export async function batchGet(
  executor: Executor,
  table: string,
  keys: Iterable<Key> | AsyncIterable<Key>,
  options: BatchGetOptions = {},
): Promise<BatchGetReport> {
  const byId = new Map<string, Unique>();
  let keyAttributes: string[] | undefined;
  let count = 0;
  const pull = pullFrom(keys);
  for (let next = await pull(); !next.done; next = await pull()) {
    const key = next.value;
    keyAttributes ??= Object.keys(key).sort();
    const id = keyString(key, keyAttributes);
    const seen = byId.get(id);
    if (seen) seen.positions.push(count);
    else byId.set(id, { id, key, positions: [count] });
    count++;
  }
  const reader = new GroupReader(executor, table, keyAttributes ?? [], count, options);
  return reader.run([...byId.values()]);
}

class GroupReader {
  private readonly items: (Record<string, AttributeValue> | undefined)[];
  private readonly failures: BatchGetFailure[] = [];
  private readonly absent: number[] = [];
  private readonly byId = new Map<string, Unique>();
  private readonly projection: Partial<KeysAndAttributes>;
  private readonly maxAttempts: number;
  private found = 0;
  private missing = 0;
  private calls = 0;
  private stop: DynamodelError | undefined;

  constructor(
    private readonly executor: Executor,
    private readonly table: string,
    private readonly keyAttributes: readonly string[],
    private readonly count: number,
    private readonly options: BatchGetOptions,
  ) {
    // Filled, not sparse: `items.map` and `forEach` must see an absent key as `undefined`, not skip it.
    this.items = Array.from({ length: count }, () => undefined);
    this.projection = projectionOf(options.attributes, keyAttributes);
    this.maxAttempts = options.maxAttempts ?? 10;
  }

  async run(unique: Unique[]): Promise<BatchGetReport> {
    for (const entry of unique) this.byId.set(entry.id, entry);
    const groups: Unique[][] = [];
    for (let i = 0; i < unique.length; i += MAX_GROUP_KEYS) groups.push(unique.slice(i, i + MAX_GROUP_KEYS));
    let nextGroup = 0;
    const worker = async (): Promise<void> => {
      while (nextGroup < groups.length && !this.stopped()) await this.readGroup(groups[nextGroup++] as Unique[]);
    };
    const workers = Math.min(this.options.concurrency ?? 4, groups.length);
    await Promise.all(Array.from({ length: workers }, worker));

    const report: BatchGetReport = {
      items: this.items,
      found: this.found,
      missing: this.missing,
      absent: this.absent.sort((a, b) => a - b),
      failed: this.failures.length,
      failures: this.failures,
      notRead: this.count - this.found - this.missing - this.failures.length,
      calls: this.calls,
    };
    if (this.options.signal?.aborted) throw new BatchAbortedError(`Batch get from ${this.table} aborted`, report);
    if (this.stop) {
      throw new BatchStoppedError(`Batch get from ${this.table} stopped: ${this.stop.message}`, report, {
        cause: this.stop,
        table: this.table,
        operation: 'BatchGetItem',
      });
    }
    return report;
  }

  private stopped(): boolean {
    return this.stop !== undefined || this.options.signal?.aborted === true;
  }

  private async readGroup(group: Unique[]): Promise<void> {
    let pending = group;
    for (let attempt = 1; pending.length > 0 && !this.stopped(); attempt++) {
      this.calls++;
      let unprocessed: Key[];
      try {
        const output = await this.executor.send(
          'BatchGetItem',
          {
            RequestItems: {
              [this.table]: {
                Keys: pending.map((entry) => entry.key),
                ConsistentRead: this.options.consistentRead,
                ...this.projection,
              },
            },
          },
          { signal: this.options.signal },
        );
        unprocessed = output.UnprocessedKeys?.[this.table]?.Keys ?? [];
        const unprocessedIds = new Set(unprocessed.map((key) => keyString(key, this.keyAttributes)));
        const answered = new Set<string>();
        for (const item of output.Responses?.[this.table] ?? []) {
          const entry = this.byId.get(keyString(item, this.keyAttributes));
          if (!entry) continue;
          answered.add(entry.id);
          this.found += entry.positions.length;
          for (const index of entry.positions) this.items[index] = item;
        }
        for (const entry of pending) {
          if (!answered.has(entry.id) && !unprocessedIds.has(entry.id)) {
            this.missing += entry.positions.length;
            this.absent.push(...entry.positions);
          }
        }
        pending = pending.filter((entry) => unprocessedIds.has(entry.id));
      } catch (error) {
        const reason =
          error instanceof DynamodelError
            ? error
            : new DynamodelError(String(error), { cause: error, table: this.table });
        // Aborted: the keys are left unread (a read has no outcome to doubt).
        if (reason instanceof RequestAbortedError || this.options.signal?.aborted) return;
        if (reason instanceof ResourceNotFoundError || reason instanceof AuthError) {
          this.stop ??= reason;
          return this.fail(pending, reason);
        }
        const retryable = isWorthResending(reason) || isResponseLost(error);
        if (!retryable || attempt >= this.maxAttempts) return this.fail(pending, reason);
      }
      if (pending.length === 0) return;
      if (attempt >= this.maxAttempts) {
        const reason = new UnprocessedError(`Still unprocessed after ${attempt} attempts`, {
          table: this.table,
          operation: 'BatchGetItem',
        });
        return this.fail(pending, reason);
      }
      const delayMs = fullJitterDelay(attempt, this.options.backoff);
      this.executor.events?.emit({
        type: 'unprocessed-resend',
        operation: 'BatchGetItem',
        table: this.table,
        count: pending.length,
        delayMs,
      });
      try {
        await sleep(delayMs, this.options.signal);
      } catch (error) {
        // Aborted during the backoff: the keys stay unread, and the run reports the abort.
        if (error instanceof RequestAbortedError) return;
        throw error;
      }
    }
  }

  private fail(entries: Unique[], reason: DynamodelError): void {
    for (const entry of entries) {
      for (const index of entry.positions) this.failures.push({ index, key: entry.key, reason });
    }
  }
}

function projectionOf(
  attributes: readonly string[] | undefined,
  keyAttributes: readonly string[],
): Partial<KeysAndAttributes> {
  if (!attributes) return {};
  const names = [...new Set([...keyAttributes, ...attributes])];
  const placeholders: Record<string, string> = {};
  names.forEach((name, i) => (placeholders[`#p${i}`] = name));
  return { ProjectionExpression: Object.keys(placeholders).join(', '), ExpressionAttributeNames: placeholders };
}
