import { MAX_BYTES_PER_CHAR, MAX_NUMBER_BYTES } from '@dynamodel/executor';
import type { StoredType } from './codec';

/**
 * An upper bound of an item's size, summed while it is encoded (`ObjectCodec.encode`), so the exact
 * count DynamoDB's way (`itemSize`, a second walk with UTF-8 and number-size arithmetic) runs only
 * for the rare item whose bound passes the 400 KB limit. Values of no fixed type are bounded by
 * `attributeValueBound` (`@dynamodel/executor`), the batch engine's rule too.
 */
export interface SizeBound {
  bytes: number;
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
