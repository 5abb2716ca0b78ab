import type { AttributeValue, KeysAndAttributes } from '@aws-sdk/client-dynamodb';
import { isResponseLost, isWorthResending } from '../classify';
import { DynamodelError, RequestAbortedError } from '../errors';
import type { Executor } from '../executor';
import { sleep } from '../limits/token-bucket';
import { fullJitterDelay, type BackoffOptions } from './backoff';
import { UnprocessedError } from './batch-errors';
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
  /** One entry per input key, in input order: the item, or `undefined` when it does not exist or failed. */
  readonly items: (Record<string, AttributeValue> | undefined)[];
  readonly found: number;
  readonly missing: number;
  readonly failed: readonly BatchGetFailure[];
  readonly calls: number;
}

/**
 * Reads many keys of one table with BatchGetItem: duplicates collapsed (DynamoDB rejects them) and
 * fanned back out, groups of ≤ 100 keys, up to `concurrency` calls in flight, UnprocessedKeys
 * re-sent with backoff. Results come back in input order; a key that could not be read is in
 * `failed`, never silently reported as missing.
 */
export async function batchGet(
  executor: Executor,
  table: string,
  keys: Iterable<Key> | AsyncIterable<Key>,
  options: BatchGetOptions = {},
): Promise<BatchGetReport> {
  const positions = new Map<string, number[]>();
  const unique: { id: string; key: Key }[] = [];
  let keyAttributes: string[] | undefined;
  let count = 0;
  const pull = pullFrom(keys);
  for (let next = await pull(); !next.done; next = await pull()) {
    const key = next.value;
    keyAttributes ??= Object.keys(key).sort();
    const id = keyString(key, keyAttributes);
    const seen = positions.get(id);
    if (seen) seen.push(count);
    else {
      positions.set(id, [count]);
      unique.push({ id, key });
    }
    count++;
  }
  const items: (Record<string, AttributeValue> | undefined)[] = new Array<Record<string, AttributeValue> | undefined>(
    count,
  );
  const failed: BatchGetFailure[] = [];
  if (!keyAttributes) return { items, found: 0, missing: 0, failed, calls: 0 };
  const names = keyAttributes;

  const projection = projectionOf(options.attributes, names);
  const maxAttempts = options.maxAttempts ?? 10;
  let calls = 0;
  let found = 0;

  const fail = (id: string, key: Key, reason: DynamodelError): void => {
    for (const index of positions.get(id) ?? []) failed.push({ index, key, reason });
  };

  const readGroup = async (group: { id: string; key: Key }[]): Promise<void> => {
    let pending = group;
    for (let attempt = 1; pending.length > 0; attempt++) {
      calls++;
      let unprocessed: Key[] = [];
      try {
        const output = await executor.send(
          'BatchGetItem',
          {
            RequestItems: {
              [table]: {
                Keys: pending.map((entry) => entry.key),
                ConsistentRead: options.consistentRead,
                ...projection,
              },
            },
          },
          { signal: options.signal },
        );
        for (const item of output.Responses?.[table] ?? []) {
          const id = keyString(item, names);
          const at = positions.get(id);
          if (!at) continue;
          found += at.length;
          for (const index of at) items[index] = item;
        }
        unprocessed = output.UnprocessedKeys?.[table]?.Keys ?? [];
      } catch (error) {
        const reason =
          error instanceof DynamodelError ? error : new DynamodelError(String(error), { cause: error, table });
        const retryable = isWorthResending(reason) || isResponseLost(error);
        if (reason instanceof RequestAbortedError || !retryable || attempt >= maxAttempts) {
          for (const entry of pending) fail(entry.id, entry.key, reason);
          if (reason instanceof RequestAbortedError) throw reason;
          return;
        }
        unprocessed = pending.map((entry) => entry.key);
      }
      const unprocessedIds = new Set(unprocessed.map((key) => keyString(key, names)));
      pending = pending.filter((entry) => unprocessedIds.has(entry.id));
      if (pending.length === 0) return;
      if (attempt >= maxAttempts) {
        for (const entry of pending) {
          fail(
            entry.id,
            entry.key,
            new UnprocessedError(`Still unprocessed after ${attempt} attempts`, { table, operation: 'BatchGetItem' }),
          );
        }
        return;
      }
      const delayMs = fullJitterDelay(attempt, options.backoff);
      executor.events?.emit({
        type: 'unprocessed-resend',
        operation: 'BatchGetItem',
        table,
        count: pending.length,
        delayMs,
      });
      await sleep(delayMs, options.signal);
    }
  };

  const groups: { id: string; key: Key }[][] = [];
  for (let i = 0; i < unique.length; i += MAX_GROUP_KEYS) groups.push(unique.slice(i, i + MAX_GROUP_KEYS));
  let nextGroup = 0;
  const worker = async (): Promise<void> => {
    while (nextGroup < groups.length) await readGroup(groups[nextGroup++] as { id: string; key: Key }[]);
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 4, groups.length) }, worker));
  return { items, found, missing: count - found - failed.length, failed, calls };
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
