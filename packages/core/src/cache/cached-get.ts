import type { CacheRef } from '@dynamodel/cache';
import type { Item } from '../codecs/object-codec';
import { ABSENT, type Loaded, type ModelCache } from './model-cache';
import { itemToText } from './item-text';

/**
 * `get` through the cache: a hit is decoded from the cached text — at once, with no promise to
 * wait for, when the store holds it in this process (`MemoryCache`, `RedisCache`'s near tier); a
 * miss is read by `readItem` (which must read strongly consistently: an eventually consistent read
 * might return what a finished write replaced, and the cache would keep it), shared by the
 * concurrent misses of the key (not cancelled by one caller's signal), filled, and decoded from the
 * item read rather than its text. A cached entry that does not read back is dropped and the item
 * read from DynamoDB instead.
 */
export function cachedGet<T>(
  cache: ModelCache,
  key: Item,
  readItem: (key: Item) => Promise<Item | undefined>,
  decode: (item: Item) => T,
  signal: AbortSignal | undefined,
): Promise<T | undefined> {
  const ref = cache.itemRef(key);
  const held = cache.peek(ref);
  if (held === undefined) return readThrough(cache, ref, key, readItem, decode, signal);
  return decodeCached(cache, ref, key, readItem, decode, held, true);
}

async function readThrough<T>(
  cache: ModelCache,
  ref: CacheRef,
  key: Item,
  readItem: (key: Item) => Promise<Item | undefined>,
  decode: (item: Item) => T,
  signal: AbortSignal | undefined,
): Promise<T | undefined> {
  const load = async (): Promise<Loaded<Item>> => {
    const item = await readItem(key);
    return item ? { text: itemToText(item), value: item } : { text: undefined };
  };
  const read = await cache.read(ref, load, signal);
  if (read.loaded) return decode(read.loaded);
  // Without an item loaded, a text is the store's (a load that found the item hands it over).
  return read.text === undefined
    ? undefined
    : decodeCached(cache, ref, key, readItem, decode, read.text, read.held === true);
}

/** A cached text decoded; one that does not read back is dropped and the item read from DynamoDB. */
function decodeCached<T>(
  cache: ModelCache,
  ref: CacheRef,
  key: Item,
  readItem: (key: Item) => Promise<Item | undefined>,
  decode: (item: Item) => T,
  text: string,
  held: boolean,
): Promise<T | undefined> {
  try {
    return Promise.resolve(text === ABSENT ? undefined : decode(cache.parseItem(text, held)));
  } catch (error) {
    return dropAndRead(cache, ref, key, readItem, decode, error);
  }
}

async function dropAndRead<T>(
  cache: ModelCache,
  ref: CacheRef,
  key: Item,
  readItem: (key: Item) => Promise<Item | undefined>,
  decode: (item: Item) => T,
  error: unknown,
): Promise<T | undefined> {
  await cache.dropGarbage(ref, error instanceof Error ? error.message : String(error));
  const item = await readItem(key);
  return item === undefined ? undefined : decode(item);
}
