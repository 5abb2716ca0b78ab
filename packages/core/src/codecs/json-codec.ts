import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { CodecError, MAX_CONTAINER_DEPTH, storedTypeOf, type Codec } from './codec';
import { depthError } from './list-codec';
import { canonicalNumber, numberToText } from './number-text';
import { setOwn } from './own-property';
import { checkString } from './scalar-codecs';

/**
 * The escape hatch: any JSON-like value stored as DynamoDB's own map, list and scalar types, so it
 * stays queryable. The conversion follows `JSON.stringify`, and where JSON would silently change or
 * drop a value, the value is refused with the path instead:
 *
 * - `toJSON()` is honoured (a `Date` becomes its ISO string, as in JSON);
 * - objects store their own enumerable string-keyed properties; an `undefined` property is left out
 *   and an `undefined` array element becomes `null`, as in JSON;
 * - `Uint8Array` is stored as binary (B) and a non-empty `Set` of strings, numbers or byte arrays as
 *   SS, NS or BS (JSON would write `{}` for both), and they decode back to the same types;
 * - refused: `NaN` and `±Infinity` (JSON writes `null`), `bigint` (JSON throws; declare a bigint
 *   attribute), functions and symbols (JSON drops them), `Map` (JSON writes `{}`), empty or mixed sets,
 *   empty map keys, and more than 31 nested levels.
 *
 * Decoding returns plain objects whose entries are own properties, keys such as `__proto__`,
 * `constructor` and `prototype` included, and refuses a stored number a JavaScript number cannot
 * hold exactly (declare a `bigint` or `number` attribute for those).
 */
export const Json: Codec<unknown> = {
  storedType: '*',
  label: 'JSON value',
  child: (segment) => ({ name: segment, codec: Json }),
  encode: (value, depth) => (value === undefined ? undefined : encodeJson(value, depth, '')),
  decode: decodeJson,
};

function refuse(message: string, value: unknown): never {
  throw new CodecError(message, 'json', value);
}

function encodeJson(input: unknown, depth: number, key: string): AttributeValue {
  let value = input;
  // JSON.stringify calls toJSON(key) on objects that have one (Date among them).
  if (typeof value === 'object' && value !== null && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    value = (value as { toJSON(key: string): unknown }).toJSON(key);
  }
  switch (typeof value) {
    case 'string':
      return { S: checkString(value) };
    case 'number':
      if (!Number.isFinite(value)) refuse(`${String(value)} has no JSON form (JSON.stringify would write null)`, value);
      return { N: numberToText(value) };
    case 'boolean':
      return { BOOL: value };
    case 'bigint':
      return refuse('a bigint has no JSON form; declare the attribute as bigint to store it exactly', value);
    case 'undefined':
      return { NULL: true }; // only reached for array elements: JSON writes null there
    case 'function':
    case 'symbol':
      return refuse(`a ${typeof value} has no JSON form (JSON.stringify would drop it)`, value);
  }
  if (value === null) return { NULL: true };
  if (value instanceof Uint8Array) return { B: value };
  if (depth >= MAX_CONTAINER_DEPTH) throw depthError(value);
  if (Array.isArray(value)) {
    const list = new Array<AttributeValue>(value.length);
    for (let i = 0; i < value.length; i++) {
      try {
        list[i] = encodeJson(value[i], depth + 1, String(i));
      } catch (error) {
        CodecError.within(error, String(i));
      }
    }
    return { L: list };
  }
  if (value instanceof Set) return encodeSet(value);
  if (value instanceof Map) {
    return refuse(
      'a Map has no JSON form (JSON.stringify would write {}); use Object.fromEntries(map), or declare the attribute with type: Map',
      value,
    );
  }
  const object = value as Record<string, unknown>;
  const map: Record<string, AttributeValue> = {};
  for (const name of Object.keys(object)) {
    const entry = object[name];
    if (entry === undefined) continue; // JSON leaves undefined properties out
    if (name === '') refuse('a map key is empty; DynamoDB needs a name', object);
    try {
      setOwn(map, name, encodeJson(entry, depth + 1, name));
    } catch (error) {
      CodecError.within(error, name);
    }
  }
  return { M: map };
}

function encodeSet(set: Set<unknown>): AttributeValue {
  const elements = [...set];
  if (elements.length === 0) return refuse('an empty Set cannot be stored (DynamoDB has no empty sets)', set);
  if (elements.every((element) => typeof element === 'string')) {
    return { SS: elements.map((element) => checkString(element)) };
  }
  if (elements.every((element) => typeof element === 'number')) {
    const texts = elements.map((element) => numberToText(element));
    if (new Set(texts.map(canonicalNumber)).size !== texts.length) refuse('the Set holds duplicates', set);
    return { NS: texts };
  }
  if (elements.every((element) => element instanceof Uint8Array)) {
    const bytes = elements;
    if (new Set(bytes.map((b) => Buffer.from(b).toString('base64'))).size !== bytes.length) {
      refuse('the Set holds two equal byte arrays', set);
    }
    return { BS: bytes };
  }
  return refuse('a Set in a JSON value must hold only strings, only numbers or only Uint8Arrays', set);
}

function decodeJson(value: AttributeValue): unknown {
  if (value.S !== undefined) return value.S;
  if (value.N !== undefined) return exactNumber(value.N);
  if (value.BOOL !== undefined) return value.BOOL;
  if (value.NULL !== undefined) return null;
  // Bytes are copies: the stored item is what save() compares with, and bytes can change in place.
  if (value.B !== undefined) return new Uint8Array(value.B);
  if (value.L !== undefined) {
    return value.L.map((element, i) => {
      try {
        return decodeJson(element);
      } catch (error) {
        return CodecError.within(error, String(i));
      }
    });
  }
  if (value.M !== undefined) {
    const object: Record<string, unknown> = {};
    for (const [name, element] of Object.entries(value.M)) {
      try {
        setOwn(object, name, decodeJson(element));
      } catch (error) {
        CodecError.within(error, name);
      }
    }
    return object;
  }
  if (value.SS !== undefined) return new Set(value.SS);
  if (value.NS !== undefined) return new Set(value.NS.map(exactNumber));
  if (value.BS !== undefined) return new Set(value.BS.map((bytes) => new Uint8Array(bytes)));
  throw new CodecError(`stored value is ${storedTypeOf(value)}, which a JSON value cannot hold`, 'stored-type', value);
}

/** A stored number as a JavaScript number, refused when that would change it (more than ~17 digits). */
function exactNumber(text: string): number {
  const number = Number(text);
  if (!Number.isFinite(number) || canonicalNumber(String(number)) !== canonicalNumber(text)) {
    throw new CodecError(
      `stored number ${text} cannot be read exactly as a JavaScript number (it would read as ${String(number)}); declare a bigint attribute`,
      'number-precision',
      text,
    );
  }
  return number;
}
