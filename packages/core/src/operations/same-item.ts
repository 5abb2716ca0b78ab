import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { Item } from '../codecs/object-codec';
import { canonicalNumber } from '../codecs/number-text';
import { setOwn } from '../codecs/own-property';

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

function sameSet<E>(a: readonly E[], b: readonly E[] | undefined, key: (element: E) => string): boolean {
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

/**
 * A deep copy of a stored value, made here rather than kept as the codec made it: V8 pretenures an
 * allocation site whose objects tend to survive, and keeping the codec's own `{ S: … }` objects on
 * long-lived instances made it allocate every later item in the old generation (`pnpm bench`'s
 * `Model.put` + `Model.get` fell from ~570k to ~245k round trips/s, the heap from 36 MB to 109 MB).
 * Bytes are copied too: a `Uint8Array` can change in place.
 */
export function copyStored(value: AttributeValue): AttributeValue {
  if (value.S !== undefined) return { S: value.S };
  if (value.N !== undefined) return { N: value.N };
  if (value.B !== undefined) return { B: Uint8Array.from(value.B) };
  if (value.BOOL !== undefined) return { BOOL: value.BOOL };
  if (value.NULL !== undefined) return { NULL: true };
  if (value.SS !== undefined) return { SS: [...value.SS] };
  if (value.NS !== undefined) return { NS: [...value.NS] };
  if (value.BS !== undefined) return { BS: value.BS.map((bytes) => Uint8Array.from(bytes)) };
  if (value.L !== undefined) return { L: value.L.map(copyStored) };
  if (value.M !== undefined) {
    const map: Record<string, AttributeValue> = {};
    for (const name of Object.keys(value.M)) {
      const element = value.M[name];
      if (element !== undefined) setOwn(map, name, copyStored(element));
    }
    return { M: map };
  }
  return { ...value };
}
