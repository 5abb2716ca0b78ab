import type { WriteRequest } from '@aws-sdk/client-dynamodb';
import type { SizedWriteRequest } from '@dynamodel/executor';
import type { Item } from '../../codecs/object-codec';
import type { ModelSchema } from '../../schema/compile-model';
import { encodeItem } from '../encode-item';
import { stampTimestamps } from '../lifecycle';
import { keyFromArgs } from '../key';

/**
 * The `PutRequest` of one instance: timestamps stamped, encoded and checked exactly as `put` does
 * (`ValidationError` otherwise), with the size bound the encoder summed, so the batch engine does
 * not walk the item again. No version: batches refuse versioned models.
 */
export function putRequest(schema: ModelSchema, instance: object): SizedWriteRequest {
  stampTimestamps(schema, instance);
  const bound = { bytes: 0 };
  const Item = encodeItem(schema, instance, bound);
  return { request: { PutRequest: { Item } }, sizeBound: bound.bytes };
}

/** The `DeleteRequest` of one key (a value, or an object holding the key properties). */
export function deleteRequest(schema: ModelSchema, key: unknown): WriteRequest {
  return { DeleteRequest: { Key: keyFromArgs(schema, [key]) } };
}

/** A stored key as the model's key properties (`{ userId: 'u1', postId: 3 }`), for reports. */
export function keyProperties(schema: ModelSchema, key: Item): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const field of schema.rangeKey ? [schema.hashKey, schema.rangeKey] : [schema.hashKey]) {
    const value = key[field.name];
    if (value !== undefined) properties[field.property] = field.codec.decode(value);
  }
  return properties;
}
