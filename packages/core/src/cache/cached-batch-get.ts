import { BatchAbortedError, BatchStoppedError } from '@dynamodel/executor';
import type { Item } from '../codecs/object-codec';
import type { BatchGetResult, KeyInput } from '../model/attributes';
import { ABSENT, type ModelCache } from './model-cache';
import { itemToText } from './item-text';

/** Reads the keys the cache did not hold (strongly consistent, the raw items kept for filling). */
export type ReadMisses<T> = (keys: {
  inputs: KeyInput<T>[];
  encoded: Item[];
}) => Promise<BatchGetResult<{ readonly item: Item; readonly instance: T }, T>>;

/**
 * `batchGet` through the cache: every key is looked up in one store round trip, hits are decoded
 * without a request, and the misses are read in one batch (`readMisses`) and filled with their
 * lookup's tokens. The result is positioned as the keys were given, as without a cache; a batch
 * stopped or aborted while reading the misses carries its report in those positions too.
 */
export async function cachedBatchGet<T>(
  cache: ModelCache,
  keys: { inputs: KeyInput<T>[]; encoded: Item[] },
  decode: (item: Item) => T,
  readMisses: ReadMisses<T>,
): Promise<BatchGetResult<T, T>> {
  const looked = await cache.lookupItems(keys.encoded);
  const items: (T | undefined)[] = new Array<T | undefined>(keys.encoded.length).fill(undefined);
  const absent: number[] = [];
  const misses: number[] = [];
  for (const [position, entry] of looked.entries()) {
    if (entry.hit === undefined) {
      misses.push(position);
    } else if (entry.hit === ABSENT) {
      absent.push(position);
    } else {
      try {
        items[position] = decode(cache.parseItem(entry.hit, entry.held === true));
      } catch (error) {
        await cache.dropGarbage(cache.itemRef(keys.encoded[position] as Item), describe(error));
        misses.push(position);
      }
    }
  }
  const cachedFound = keys.encoded.length - misses.length - absent.length;
  if (misses.length === 0) {
    return { items, found: cachedFound, absent, failures: [], calls: 0 };
  }

  const merge = (read: BatchGetResult<{ readonly item: Item; readonly instance: T }, T>): BatchGetResult<T, T> => {
    read.items.forEach((entry, j) => {
      if (entry) items[misses[j] as number] = entry.instance;
    });
    return {
      items,
      found: cachedFound + read.found,
      absent: [...absent, ...read.absent.map((j) => misses[j] as number)].sort((a, b) => a - b),
      failures: read.failures.map((failure) => ({ ...failure, index: misses[failure.index] as number })),
      calls: read.calls,
    };
  };

  let read: BatchGetResult<{ readonly item: Item; readonly instance: T }, T>;
  try {
    read = await readMisses({
      inputs: misses.map((position) => keys.inputs[position] as KeyInput<T>),
      encoded: misses.map((position) => keys.encoded[position] as Item),
    });
  } catch (error) {
    throw remapReport(error, merge);
  }
  // Fill what DynamoDB answered for (never the failures): an item, or its absence.
  const absentRead = new Set(read.absent);
  await Promise.all(
    misses.map((position, j) => {
      const token = looked[position]?.token;
      const entry = read.items[j];
      if (token === undefined || (!entry && !absentRead.has(j))) return Promise.resolve();
      return cache.fillItem(keys.encoded[position] as Item, token, entry ? itemToText(entry.item) : undefined);
    }),
  );
  return merge(read);
}

function remapReport<R, T>(error: unknown, merge: (read: BatchGetResult<R, T>) => BatchGetResult<T, T>): unknown {
  if (error instanceof BatchAbortedError) {
    return new BatchAbortedError(error.message, merge(error.report as BatchGetResult<R, T>));
  }
  if (error instanceof BatchStoppedError) {
    return new BatchStoppedError(error.message, merge(error.report as BatchGetResult<R, T>), {
      cause: error.cause,
      ...(error.table !== undefined ? { table: error.table } : {}),
      operation: 'BatchGetItem',
    });
  }
  return error;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
