import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/** DynamoDB's item size limit: 400 KB = 409,600 bytes, names included. */
export const MAX_ITEM_BYTES = 409_600;

const utf8 = (text: string): number => Buffer.byteLength(text, 'utf8');

/**
 * Bytes a number occupies, by the rule measured on DynamoDB (docs/reliability.md §1; the documented
 * formula under-counts): 1 exponent byte, plus one byte per base-100 digit pair (aligned at the
 * decimal point) from the first to the last significant digit, plus 1 if negative.
 */
export function numberSize(text: string): number {
  const match = /^\s*([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\s*$/.exec(text);
  if (!match) return 21; // not a number DynamoDB accepts; count the maximum and let validation say why
  const [, sign, whole = '', fraction = '', exponent = '0'] = match;
  const digits = (whole + fraction).replace(/^0+/, '');
  if (digits.replace(/0+$/, '') === '') return 1; // zero
  const leadingZeros = (whole + fraction).length - digits.length;
  // Power of ten of the first significant digit.
  const firstPower = whole.length - 1 - leadingZeros + Number(exponent);
  const significant = digits.replace(/0+$/, '');
  const lastPower = firstPower - (significant.length - 1);
  const pairs = Math.floor(firstPower / 2) - Math.floor(lastPower / 2) + 1;
  return 1 + pairs + (sign === '-' ? 1 : 0);
}

/** Bytes of one attribute value, as DynamoDB counts them (names excluded). */
export function attributeValueSize(value: AttributeValue): number {
  if (value.S !== undefined) return utf8(value.S);
  if (value.N !== undefined) return numberSize(value.N);
  if (value.B !== undefined) return value.B.byteLength;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.SS !== undefined) return value.SS.reduce((sum, s) => sum + utf8(s), 0);
  if (value.NS !== undefined) return value.NS.reduce((sum, n) => sum + numberSize(n), 0);
  if (value.BS !== undefined) return value.BS.reduce((sum, b) => sum + b.byteLength, 0);
  if (value.L !== undefined) return value.L.reduce((sum, element) => sum + attributeValueSize(element) + 1, 3);
  if (value.M !== undefined) {
    return Object.entries(value.M).reduce(
      (sum, [name, element]) => sum + utf8(name) + attributeValueSize(element) + 1,
      3,
    );
  }
  return 0;
}

/** UTF-8 takes at most 3 bytes per UTF-16 code unit (4 per surrogate pair). */
export const MAX_BYTES_PER_CHAR = 3;
/** The largest number DynamoDB stores takes 21 bytes (docs/reliability.md §1, measured rule). */
export const MAX_NUMBER_BYTES = 21;

/**
 * At least the bytes DynamoDB counts for `value` (name excluded), without UTF-8 or number-size
 * arithmetic: a string counts 3 bytes per UTF-16 unit, a number its largest size. When an item's
 * bound is within the 400 KB limit, so is the item, and the exact count (`itemSize`) is not needed.
 */
export function attributeValueBound(value: AttributeValue): number {
  if (value.S !== undefined) return value.S.length * MAX_BYTES_PER_CHAR;
  if (value.N !== undefined) return MAX_NUMBER_BYTES;
  if (value.B !== undefined) return value.B.byteLength;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.SS !== undefined) {
    let bytes = 0;
    for (const element of value.SS) bytes += element.length * MAX_BYTES_PER_CHAR;
    return bytes;
  }
  if (value.NS !== undefined) return value.NS.length * MAX_NUMBER_BYTES;
  if (value.BS !== undefined) {
    let bytes = 0;
    for (const element of value.BS) bytes += element.byteLength;
    return bytes;
  }
  if (value.L !== undefined) {
    let bytes = 3;
    for (const element of value.L) bytes += 1 + attributeValueBound(element);
    return bytes;
  }
  if (value.M !== undefined) {
    let bytes = 3;
    for (const name in value.M) {
      const element = value.M[name];
      if (element !== undefined) bytes += name.length * MAX_BYTES_PER_CHAR + 1 + attributeValueBound(element);
    }
    return bytes;
  }
  return 0;
}

/** At least the bytes of a whole item (`attributeValueBound` of each attribute, names at 3 bytes a unit). */
export function itemSizeBound(item: Record<string, AttributeValue>): number {
  let bytes = 0;
  for (const name in item) {
    const value = item[name];
    if (value !== undefined) bytes += name.length * MAX_BYTES_PER_CHAR + attributeValueBound(value);
  }
  return bytes;
}

/** Bytes of a whole item: every attribute name (UTF-8) plus its value. */
export function itemSize(item: Record<string, AttributeValue>): number {
  let size = 0;
  for (const name in item) {
    const value = item[name];
    if (value !== undefined) size += utf8(name) + attributeValueSize(value);
  }
  return size;
}
