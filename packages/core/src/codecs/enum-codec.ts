import { CodecError, storedTypeError, type Codec, type StoredType } from './codec';
import { numberToText } from './number-text';

/** A TypeScript enum object (or any `as const` object of strings and numbers). */
export type EnumObject = Readonly<Record<string, string | number>>;

/**
 * The values of an enum, without the reverse mappings TypeScript adds to numeric enums
 * (`{ A: 0, '0': 'A' }` has the one value 0).
 */
export function enumValues(enumObject: EnumObject): (string | number)[] {
  return Object.entries(enumObject)
    .filter(([key, value]) => !(typeof value === 'string' && enumObject[value] === Number(key)))
    .map(([, value]) => value);
}

/** Enum values stored as S or N; encoding and decoding both check membership. */
export function enumCodec(values: readonly (string | number)[], name: string): Codec<string | number> {
  const allowed = new Set(values);
  const strings = values.every((value) => typeof value === 'string');
  const numbers = values.every((value) => typeof value === 'number');
  const storedType: StoredType = strings ? 'S' : numbers ? 'N' : '*';
  const list = values.map((value) => JSON.stringify(value)).join(', ');
  const label = `${name} (one of ${list.length > 80 ? `${list.slice(0, 77)}...` : list})`;
  return {
    storedType,
    label,
    // A number and a string enum value may share a text ("1" and 1); otherwise values map one to one.
    injective: strings || numbers,
    encode(value) {
      if (!allowed.has(value as string | number)) {
        throw new CodecError(`${JSON.stringify(value) ?? String(value)} is not a value of ${label}`, 'enum', value);
      }
      return typeof value === 'number' ? { N: numberToText(value) } : { S: value as string };
    },
    decode(value) {
      const decoded = value.S ?? (value.N === undefined ? undefined : Number(value.N));
      if (decoded === undefined) throw storedTypeError(label, storedType === '*' ? 'S or N' : storedType, value);
      if (!allowed.has(decoded)) {
        throw new CodecError(`stored value ${JSON.stringify(decoded)} is not a value of ${label}`, 'enum', decoded);
      }
      return decoded;
    },
  };
}
