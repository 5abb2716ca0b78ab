import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { MAX_BYTES_PER_CHAR, MAX_NUMBER_BYTES, attributeValueBound } from '@dynamodel/executor';
import type { Codec, StoredType } from './codec';

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

/**
 * An element of a container encoded by `codec`, its bound added to `size` (when given): by the codec
 * itself when it `sizes`, else measured here. What lists, maps and sets call for each element.
 */
export function encodeCounted(
  codec: Codec,
  value: unknown,
  depth: number,
  size: SizeBound | undefined,
): AttributeValue | undefined {
  if (size === undefined || codec.sizes) return codec.encode(value, depth, size);
  const encoded = codec.encode(value, depth);
  if (encoded !== undefined) size.bytes += attributeValueBound(encoded);
  return encoded;
}

/** The bound of a set's stored element (a string, a number's text, or bytes). */
export function setElementBound(element: unknown, elementType: 'S' | 'N' | 'B'): number {
  if (elementType === 'S') return (element as string).length * MAX_BYTES_PER_CHAR;
  if (elementType === 'N') return MAX_NUMBER_BYTES;
  return (element as Uint8Array).byteLength;
}

/** DynamoDB counts 3 bytes for a map or list, and 1 byte for each of its elements (`attributeValueSize` in `@dynamodel/executor`). */
export const CONTAINER_BYTES = 3;
