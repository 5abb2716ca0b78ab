import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { canonicalNumber } from '../codecs/number-text';
import { setOwn } from '../codecs/own-property';

/**
 * A stored value (a list, a map, a set, bytes) kept as one flat array of its parts, in the order an
 * encoding lists them: each value is its type (`S`, `N`, `M`…) followed by its content, a
 * container's content being its size and then its elements (a map's with their names).
 * `{ M: { like: { N: '2' } } }` is kept as `['M', 1, 'like', 'N', '2']`.
 *
 * Why not a copy of the value itself: a write of an unchanged instance compares the new stored
 * value with the kept one, and by then the kept one is usually cold in memory. One array is a few
 * cache lines where a copied tree is an object per value (a two-entry map and an embedded class of
 * two strings kept as trees cost ~10% of the tweet shape's `put` + `get` in `pnpm bench`). Bytes are
 * copied (a `Uint8Array` can change in place); strings are shared (immutable).
 *
 * Why not the encoded value itself, by reference: V8 pretenures an allocation site whose objects
 * tend to survive, and keeping the codecs' own `{ S: … }` objects on long-lived instances made it
 * allocate every later item in the old generation (`pnpm bench`'s `Model.put` + `Model.get` fell
 * from ~570k to ~245k round trips/s, the heap grew from 36 MB to 109 MB).
 */
export type FlatStored = unknown[];

/** `value` as a flat array (see `FlatStored`). */
export function flattenStored(value: AttributeValue, out: FlatStored = []): FlatStored {
  if (value.S !== undefined) out.push('S', value.S);
  else if (value.N !== undefined) out.push('N', value.N);
  else if (value.B !== undefined) out.push('B', Uint8Array.from(value.B));
  else if (value.BOOL !== undefined) out.push('BOOL', value.BOOL);
  else if (value.NULL !== undefined) out.push('NULL');
  else if (value.SS !== undefined) {
    out.push('SS', value.SS.length);
    pushAll(out, value.SS);
  } else if (value.NS !== undefined) {
    out.push('NS', value.NS.length);
    pushAll(out, value.NS);
  } else if (value.BS !== undefined) {
    out.push('BS', value.BS.length);
    for (const bytes of value.BS) out.push(Uint8Array.from(bytes));
  } else if (value.L !== undefined) {
    out.push('L', value.L.length);
    for (const element of value.L) flattenStored(element, out);
  } else if (value.M !== undefined) {
    const map = value.M;
    const sizeAt = out.push('M', 0) - 1;
    let size = 0;
    for (const name of Object.keys(map)) {
      const element = map[name];
      if (element === undefined) continue;
      out.push(name);
      flattenStored(element, out);
      size++;
    }
    out[sizeAt] = size;
  } else {
    // No type DynamoDB knows: kept as a value nothing matches, so the field always counts as changed.
    out.push(UNKNOWN);
  }
  return out;
}

const UNKNOWN = Symbol('unknown stored type');

/** Pushes each element (a loop: spreading a set of 100,000 strings into `push` overflows the stack). */
function pushAll(out: FlatStored, elements: readonly unknown[]): void {
  for (const element of elements) out.push(element);
}

/**
 * Whether `value` is the stored value kept flat in `kept`. Conservative only where it saves work:
 * a map whose entries come in another order counts as changed (an encoding of an unchanged value
 * lists them alike); sets compare as sets and numbers as numbers, as DynamoDB does.
 */
export function matchesFlat(value: AttributeValue, kept: FlatStored): boolean {
  return matchAt(value, kept, 0) === kept.length;
}

/** The index after the kept value at `at` when `value` is it, else -1. */
function matchAt(value: AttributeValue, kept: FlatStored, at: number): number {
  switch (kept[at]) {
    case 'S':
      return value.S === kept[at + 1] ? at + 2 : -1;
    case 'N':
      return value.N !== undefined && sameNumber(value.N, kept[at + 1] as string) ? at + 2 : -1;
    case 'B':
      return value.B !== undefined && sameBytes(value.B, kept[at + 1] as Uint8Array) ? at + 2 : -1;
    case 'BOOL':
      return value.BOOL === kept[at + 1] ? at + 2 : -1;
    case 'NULL':
      return value.NULL === true ? at + 1 : -1;
    case 'SS':
      return matchSet(
        value.SS,
        kept,
        at,
        (a, b) => a === b,
        (text) => text,
      );
    case 'NS':
      return matchSet(value.NS, kept, at, sameNumber, canonicalNumber);
    case 'BS':
      return matchSet(value.BS, kept, at, sameBytes, (bytes) => Buffer.from(bytes).toString('base64'));
    case 'L': {
      const list = value.L;
      if (list === undefined || list.length !== kept[at + 1]) return -1;
      let next = at + 2;
      for (let i = 0; i < list.length && next >= 0; i++) next = matchAt(list[i] as AttributeValue, kept, next);
      return next;
    }
    case 'M': {
      const map = value.M;
      if (map === undefined) return -1;
      const size = kept[at + 1] as number;
      let next = at + 2;
      let seen = 0;
      for (const name in map) {
        const element = map[name];
        if (element === undefined || !Object.prototype.hasOwnProperty.call(map, name)) continue;
        if (++seen > size || kept[next] !== name) return -1;
        next = matchAt(element, kept, next + 1);
        if (next < 0) return -1;
      }
      return seen === size ? next : -1;
    }
    default:
      return -1;
  }
}

/** A set's elements: in the kept order (no allocation), else as sets. */
function matchSet<E>(
  elements: readonly E[] | undefined,
  kept: FlatStored,
  at: number,
  same: (a: E, b: E) => boolean,
  key: (element: E) => string,
): number {
  const size = kept[at + 1] as number;
  if (elements === undefined || elements.length !== size) return -1;
  const first = at + 2;
  let i = 0;
  while (i < size && same(elements[i] as E, kept[first + i] as E)) i++;
  if (i === size) return first + size;
  const keys = new Set<string>();
  for (let j = 0; j < size; j++) keys.add(key(kept[first + j] as E));
  return elements.every((element) => keys.has(key(element))) ? first + size : -1;
}

function sameNumber(a: string, b: string): boolean {
  return a === b || canonicalNumber(a) === canonicalNumber(b);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The stored value kept flat in `kept` (for `save()`, which compares it with sets as sets). */
export function unflattenStored(kept: FlatStored): AttributeValue {
  const [value] = valueAt(kept, 0);
  return value;
}

function valueAt(kept: FlatStored, at: number): [AttributeValue, number] {
  const tag = kept[at];
  switch (tag) {
    case 'S':
      return [{ S: kept[at + 1] as string }, at + 2];
    case 'N':
      return [{ N: kept[at + 1] as string }, at + 2];
    case 'B':
      return [{ B: Uint8Array.from(kept[at + 1] as Uint8Array) }, at + 2];
    case 'BOOL':
      return [{ BOOL: kept[at + 1] as boolean }, at + 2];
    case 'NULL':
      return [{ NULL: true }, at + 1];
    case 'SS':
    case 'NS':
    case 'BS': {
      const size = kept[at + 1] as number;
      const elements = kept.slice(at + 2, at + 2 + size);
      const set =
        tag === 'SS'
          ? { SS: elements as string[] }
          : tag === 'NS'
            ? { NS: elements as string[] }
            : { BS: (elements as Uint8Array[]).map((bytes) => Uint8Array.from(bytes)) };
      return [set, at + 2 + size];
    }
    case 'L': {
      const list: AttributeValue[] = [];
      let next = at + 2;
      for (let i = 0; i < (kept[at + 1] as number); i++) {
        const [element, after] = valueAt(kept, next);
        list.push(element);
        next = after;
      }
      return [{ L: list }, next];
    }
    case 'M': {
      const map: Record<string, AttributeValue> = {};
      let next = at + 2;
      for (let i = 0; i < (kept[at + 1] as number); i++) {
        const [element, after] = valueAt(kept, next + 1);
        setOwn(map, kept[next] as string, element);
        next = after;
      }
      return [{ M: map }, next];
    }
    default:
      // What `flattenStored` keeps of a value of no known type: a value no stored one equals.
      return [{} as AttributeValue, at + 1];
  }
}
