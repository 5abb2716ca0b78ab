import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { Item } from '../codecs/object-codec';
import { canonicalNumber } from '../codecs/number-text';

const bytesText = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

/** Whether two AttributeValues are the same stored value (sets compared as sets, numbers numerically). */
export function sameValue(a: AttributeValue | undefined, b: AttributeValue | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a.S !== undefined) return a.S === b.S;
  if (a.N !== undefined) return b.N !== undefined && (a.N === b.N || canonicalNumber(a.N) === canonicalNumber(b.N));
  if (a.B !== undefined) return b.B !== undefined && Buffer.from(a.B).equals(Buffer.from(b.B));
  if (a.BOOL !== undefined) return a.BOOL === b.BOOL;
  if (a.NULL !== undefined) return b.NULL === a.NULL;
  if (a.SS !== undefined) return sameSet(a.SS, b.SS, (s) => s);
  if (a.NS !== undefined) return sameSet(a.NS, b.NS, canonicalNumber);
  if (a.BS !== undefined) return sameSet(a.BS, b.BS, bytesText);
  if (a.L !== undefined) return b.L !== undefined && sameList(a.L, b.L);
  if (a.M !== undefined) return b.M !== undefined && sameItem(a.M, b.M);
  return false;
}

function sameList(a: readonly AttributeValue[], b: readonly AttributeValue[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!sameValue(a[i], b[i])) return false;
  return true;
}

/** Two sets' stored elements, `key` telling elements apart (a number's canonical text, bytes' base64). */
export function sameSet<E>(a: readonly E[], b: readonly E[] | undefined, key: (element: E) => string): boolean {
  if (!b || a.length !== b.length) return false;
  // Two encodings of one unchanged set list it in the same order: found equal without allocating.
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  if (i === a.length) return true;
  const keys = new Set(a.map(key));
  return b.every((element) => keys.has(key(element)));
}

/** Whether two items hold the same attributes with the same values. Allocates nothing: it runs on every re-put. */
export function sameItem(a: Item, b: Item): boolean {
  let count = 0;
  for (const name in a) {
    const value = a[name];
    if (value === undefined) continue;
    if (!sameValue(value, b[name])) return false;
    count++;
  }
  for (const name in b) if (b[name] !== undefined) count--;
  return count === 0;
}
