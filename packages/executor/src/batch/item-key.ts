import type { AttributeValue } from '@aws-sdk/client-dynamodb';

export type Key = Record<string, AttributeValue>;

/** The key attributes of `item`, or the name of the first one it lacks. */
export function pickKey(item: Key, keyAttributes: readonly string[]): { key: Key } | { missing: string } {
  const key: Key = {};
  for (const name of keyAttributes) {
    const value = item[name];
    if (value === undefined) return { missing: name };
    key[name] = value;
  }
  return { key };
}

/** A canonical string for a key, equal for equal keys whatever the attribute order (B compared by bytes). */
export function keyString(key: Key, keyAttributes: readonly string[]): string {
  return JSON.stringify(
    keyAttributes.map((name) => {
      const value = key[name];
      if (value?.S !== undefined) return ['S', value.S];
      if (value?.N !== undefined) return ['N', value.N];
      if (value?.B !== undefined) return ['B', Buffer.from(value.B).toString('base64')];
      return ['?', null];
    }),
  );
}
