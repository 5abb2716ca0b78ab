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
 * A canonical string for the key attributes of `key` (a key, or a whole item), equal for equal keys
 * whatever the attribute order (B compared by bytes). Each part is its type, its length and its
 * text, so no two keys share a string. It runs for every item of a batch: a one-attribute key (most
 * tables) is one part, without a concatenation loop.
 */
export function keyString(key: Key, keyAttributes: readonly string[]): string {
  if (keyAttributes.length === 1) return keyPart(key[keyAttributes[0] as string]);
  let id = '';
  for (const name of keyAttributes) id += keyPart(key[name]);
  return id;
}

function keyPart(value: Key[string] | undefined): string {
  if (value?.S !== undefined) return `S${value.S.length}:${value.S}`;
  if (value?.N !== undefined) return `N${value.N.length}:${value.N}`;
  if (value?.B !== undefined) {
    const bytes = Buffer.from(value.B).toString('base64');
    return `B${bytes.length}:${bytes}`;
  }
  return '?';
}
