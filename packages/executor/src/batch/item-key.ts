import type { AttributeValue } from '@aws-sdk/client-dynamodb';

export type Key = Record<string, AttributeValue>;

/** The key attributes `item` has (a request's `Key`, or what a report names). */
export function pickKey(item: Key, keyAttributes: readonly string[]): Key {
  const key: Key = {};
  for (const name of keyAttributes) {
    const value = item[name];
    if (value !== undefined) key[name] = value;
  }
  return key;
}

/** The first key attribute `item` lacks, if any. */
export function missingKeyAttribute(item: Key, keyAttributes: readonly string[]): string | undefined {
  for (const name of keyAttributes) if (item[name] === undefined) return name;
  return undefined;
}

/**
 * A canonical string for the key attributes of `key` (a key, or a whole item), equal for equal keys whatever the attribute order (B compared by
 * bytes). Each part is its type, its length and its text, so no two keys share a string. Built by
 * concatenation: it runs for every item of a batch.
 */
export function keyString(key: Key, keyAttributes: readonly string[]): string {
  let id = '';
  for (const name of keyAttributes) {
    const value = key[name];
    if (value?.S !== undefined) id += `S${value.S.length}:${value.S}`;
    else if (value?.N !== undefined) id += `N${value.N.length}:${value.N}`;
    else if (value?.B !== undefined) {
      const bytes = Buffer.from(value.B).toString('base64');
      id += `B${bytes.length}:${bytes}`;
    } else id += '?';
  }
  return id;
}
