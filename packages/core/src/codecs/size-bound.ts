import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { StoredType } from './codec';

/**
 * An upper bound of an item's size, summed while it is encoded (`ObjectCodec.encode`), so the exact
 * count DynamoDB's way (`itemSize`, a second walk with UTF-8 and number-size arithmetic) runs only
 * for the rare item whose bound passes the 400 KB limit.
 */
export interface SizeBound {
  bytes: number;
}

/** UTF-8 takes at most 3 bytes per UTF-16 code unit (4 per surrogate pair). */
const MAX_BYTES_PER_CHAR = 3;
/** The largest number DynamoDB stores takes 21 bytes (docs/reliability.md §1, measured rule). */
const MAX_NUMBER_BYTES = 21;

/** At least the bytes DynamoDB counts for `value` (name excluded), cheaply. */
export function valueBound(value: AttributeValue): number {
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
    for (const element of value.L) bytes += 1 + valueBound(element);
    return bytes;
  }
  if (value.M !== undefined) {
    let bytes = 3;
    for (const name in value.M) {
      const element = value.M[name];
      if (element !== undefined) bytes += name.length * MAX_BYTES_PER_CHAR + 1 + valueBound(element);
    }
    return bytes;
  }
  return 0;
}

/** The bound of an encoded value `e` as generated code: constant-time for scalars of a known type. */
export function boundExpression(storedType: StoredType, e: string): string {
  switch (storedType) {
    case 'S':
      return `${e}.S.length * ${MAX_BYTES_PER_CHAR}`;
    case 'N':
      return String(MAX_NUMBER_BYTES);
    case 'B':
      return `${e}.B.byteLength`;
    case 'BOOL':
    case 'NULL':
      return '1';
    default:
      return `bound(${e})`;
  }
}
