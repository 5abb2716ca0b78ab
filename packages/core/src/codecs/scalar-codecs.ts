import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { CodecError, fromJsonError, storedTypeError, typeError, type Codec } from './codec';
import { bigintToText, numberToText, textToBigint } from './number-text';

// `String.prototype.isWellFormed` is in Node 20 but not in TypeScript's ES2023 library.
const isWellFormed = (text: string): boolean => (text as unknown as { isWellFormed(): boolean }).isWellFormed();

/** Strings must be valid UTF-16, or their UTF-8 form would silently carry U+FFFD instead. */
export function checkString(value: unknown, label = 'string'): string {
  if (typeof value !== 'string') throw typeError(label, value);
  if (!isWellFormed(value)) {
    throw new CodecError('string holds a lone UTF-16 surrogate, which has no UTF-8 form', 'lone-surrogate', value);
  }
  return value;
}

export const stringCodec: Codec<string> = {
  storedType: 'S',
  label: 'string',
  injective: true,
  encode: (value) => ({ S: checkString(value) }),
  decode(value) {
    if (value.S === undefined) throw storedTypeError('string', 'S', value);
    return value.S;
  },
};

export const numberCodec: Codec<number> = {
  storedType: 'N',
  label: 'number',
  injective: true,
  arithmetic: true,
  encode(value) {
    if (typeof value !== 'number') throw typeError('number', value);
    return { N: numberToText(value) };
  },
  decode(value) {
    if (value.N === undefined) throw storedTypeError('number', 'N', value);
    return Number(value.N);
  },
};

export const bigintCodec: Codec<bigint> = {
  storedType: 'N',
  label: 'bigint',
  injective: true,
  arithmetic: true,
  encode(value) {
    if (typeof value !== 'bigint') throw typeError('bigint', value);
    return { N: bigintToText(value) };
  },
  decode(value) {
    if (value.N === undefined) throw storedTypeError('bigint', 'N', value);
    return textToBigint(value.N);
  },
  fromJson(value) {
    if (typeof value === 'bigint') return value;
    if ((typeof value === 'string' && /^-?\d+$/.test(value)) || Number.isSafeInteger(value)) {
      return BigInt(value as string | number);
    }
    throw fromJsonError('bigint', value, 'a string of digits');
  },
};

const TRUE: AttributeValue = Object.freeze({ BOOL: true });
const FALSE: AttributeValue = Object.freeze({ BOOL: false });

export const booleanCodec: Codec<boolean> = {
  storedType: 'BOOL',
  label: 'boolean',
  encode(value) {
    if (typeof value !== 'boolean') throw typeError('boolean', value);
    return value ? TRUE : FALSE;
  },
  decode(value) {
    if (value.BOOL === undefined) throw storedTypeError('boolean', 'BOOL', value);
    return value.BOOL;
  },
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A string that must be a UUID (any version), stored as S. Pair with `default: uuid` for generated ids. */
export const Uuid: Codec<string> = {
  storedType: 'S',
  label: 'UUID string',
  injective: true,
  encode(value) {
    if (typeof value !== 'string' || !UUID.test(value)) {
      throw typeof value === 'string'
        ? new CodecError(`"${value.slice(0, 40)}" is not a UUID`, 'uuid', value)
        : typeError('UUID string', value);
    }
    return { S: value };
  },
  decode: stringCodec.decode,
};

/** `{ NULL: true }` for a nullable attribute set to `null`. */
export const NULL_VALUE: AttributeValue = Object.freeze({ NULL: true });
