import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { checkString } from './scalar-codecs';
import { CodecError, MAX_CONTAINER_DEPTH, fromJsonError, storedTypeError, typeError, type Codec } from './codec';
import { depthError } from './list-codec';
import { setOwn } from './own-property';
import { CONTAINER_BYTES, encodeCounted, type SizeBound } from './size-bound';
import { MAX_BYTES_PER_CHAR } from '@dynamodel/executor';

function encodeEntries(
  entries: Iterable<[unknown, unknown]>,
  element: Codec,
  depth: number,
  size: SizeBound | undefined,
): Record<string, AttributeValue> {
  const map: Record<string, AttributeValue> = {};
  if (size) size.bytes += CONTAINER_BYTES;
  for (const [key, item] of entries) {
    const name = checkString(key, 'string key');
    if (name === '') throw new CodecError('a map key is empty; DynamoDB needs a name', 'empty-name', key);
    if (item === undefined) continue; // like JSON: an undefined entry is simply not stored
    if (size) size.bytes += name.length * MAX_BYTES_PER_CHAR + 1;
    let encoded: AttributeValue | undefined;
    try {
      encoded = encodeCounted(element, item, depth + 1, size);
    } catch (error) {
      CodecError.within(error, name);
    }
    // An empty set has no stored form; leaving the entry out would change the map, so it is refused.
    if (encoded === undefined) {
      throw new CodecError(
        `entry "${name}" is an empty set, which DynamoDB cannot store in a map`,
        'empty-set',
        item,
      ).withPath(name);
    }
    setOwn(map, name, encoded);
  }
  return map;
}

/** Calls `add` with each decoded entry of a stored map (a loop, not `Object.entries`: no array per entry). */
function decodeEntries<E>(
  value: AttributeValue,
  element: Codec<E>,
  label: string,
  add: (name: string, item: E) => void,
): void {
  const stored = value.M;
  if (stored === undefined) throw storedTypeError(label, 'M', value);
  for (const name in stored) {
    if (!Object.prototype.hasOwnProperty.call(stored, name)) continue;
    const item = stored[name];
    if (item === undefined) continue;
    try {
      add(name, element.decode(item));
    } catch (error) {
      CodecError.within(error, name);
    }
  }
}

/** `Record<string, E>` (a plain object used as a dictionary) as M. */
export function recordCodec<E>(element: Codec<E>): Codec<Record<string, E>> {
  const label = `Record<string, ${element.label}>`;
  return {
    storedType: 'M',
    label,
    child: (segment) => (typeof segment === 'string' ? { name: segment, codec: element } : undefined),
    sizes: true,
    encode(value, depth, size) {
      if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Map) {
        throw typeError(label, value);
      }
      if (depth >= MAX_CONTAINER_DEPTH) throw depthError(value);
      return { M: encodeEntries(Object.entries(value), element, depth, size) };
    },
    decode(value) {
      const record: Record<string, E> = {};
      decodeEntries(value, element, label, (name, item) => setOwn(record, name, item));
      return record;
    },
    fromJson: (value) => Object.fromEntries(entriesFromJson(value, element, label)),
  };
}

/** `Map<string, E>` as M; decodes into a Map. */
export function mapCodec<E>(element: Codec<E>): Codec<Map<string, E>> {
  const label = `Map<string, ${element.label}>`;
  return {
    storedType: 'M',
    label,
    child: (segment) => (typeof segment === 'string' ? { name: segment, codec: element } : undefined),
    sizes: true,
    encode(value, depth, size) {
      if (!(value instanceof Map)) throw typeError(label, value);
      if (depth >= MAX_CONTAINER_DEPTH) throw depthError(value);
      return { M: encodeEntries(value as Map<unknown, unknown>, element, depth, size) };
    },
    decode(value) {
      const map = new Map<string, E>();
      decodeEntries(value, element, label, (name, item) => map.set(name, item));
      return map;
    },
    fromJson: (value) =>
      value instanceof Map ? (value as Map<string, E>) : new Map(entriesFromJson(value, element, label)),
  };
}

/** The entries of a JSON object, each value through the element's `fromJson` (own properties, `__proto__` too). */
function entriesFromJson<E>(value: unknown, element: Codec<E>, label: string): [string, E][] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw fromJsonError(label, value, 'an object');
  }
  return Object.entries(value).map(([name, item]) => {
    try {
      return [name, element.fromJson ? element.fromJson(item) : (item as E)];
    } catch (error) {
      return CodecError.within(error, name);
    }
  });
}
