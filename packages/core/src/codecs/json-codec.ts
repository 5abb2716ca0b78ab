import { convertToAttr, convertToNative } from '@aws-sdk/util-dynamodb';
import type { NativeAttributeValue } from '@aws-sdk/util-dynamodb';
import { CodecError, type Codec } from './codec';
import { checkAttributeValue } from './check-attribute-value';

/**
 * The escape hatch: any JSON-like value (objects, arrays, strings, finite numbers, booleans, null)
 * stored as DynamoDB's native map/list/scalars through the SDK's own converter, then checked
 * against DynamoDB's rules. No types are checked beyond that; prefer a typed attribute.
 */
export const Json: Codec<unknown> = {
  storedType: '*',
  label: 'JSON value',
  encode(value, depth) {
    if (value === undefined) return undefined;
    let encoded;
    try {
      encoded = convertToAttr(value as NativeAttributeValue, {
        removeUndefinedValues: true,
        convertClassInstanceToMap: true,
      });
    } catch (error) {
      throw new CodecError(`cannot be stored as JSON: ${(error as Error).message}`, 'json', value);
    }
    checkAttributeValue(encoded, depth);
    return encoded;
  },
  decode(value) {
    try {
      return convertToNative(value) as unknown;
    } catch (error) {
      throw new CodecError(`stored value cannot be read as JSON: ${(error as Error).message}`, 'stored-type', value);
    }
  },
};
