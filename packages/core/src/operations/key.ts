import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { ModelSchema } from '../schema/compile-model';
import type { CompiledField } from '../schema/compile-fields';
import { modelValidationError, toValidationError } from './to-validation-error';
import type { Item } from '../codecs/object-codec';
import { CodecError } from '../codecs/codec';

/** A single key value: what a hash or range key can hold before encoding. */
export type KeyValue = string | number | bigint | Uint8Array | Date;

/** DynamoDB's key size limits (docs/reliability.md §1): partition ≤ 2048 bytes, sort ≤ 1024, never empty. */
const MAX_KEY_BYTES = { hash: 2048, range: 1024 } as const;

/** An object holding key properties (or an instance), as opposed to a key value or options. */
export function isKeyObject(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !(value instanceof Date) &&
    !(value instanceof Uint8Array) &&
    !Array.isArray(value)
  );
}

/** How a key is passed, for error messages (built only on the way to throwing). */
function expectedKey({ hashKey, rangeKey }: ModelSchema): string {
  return rangeKey ? `(${hashKey.property}, ${rangeKey.property})` : hashKey.property;
}

/**
 * The `Key` of a request from what the caller passed: a value (hash-only tables), `(hash, range)`,
 * or an object holding the key properties (an instance works too). Encoded by the key fields'
 * codecs and checked against DynamoDB's key rules before anything is sent.
 */
export function keyFromArgs(schema: ModelSchema, args: readonly unknown[]): Item {
  if (schema.entity) return entityKey(schema, args);
  const { hashKey, rangeKey } = schema;
  let hash: unknown;
  let range: unknown;
  if (args.length === 2) {
    if (!rangeKey) {
      throw modelValidationError(
        schema,
        `has a hash key only, so a key is one value (${expectedKey(schema)}), not two`,
        'key-arity',
      );
    }
    [hash, range] = args;
  } else if (args.length === 1 && isKeyObject(args[0])) {
    hash = args[0][hashKey.property];
    range = rangeKey ? args[0][rangeKey.property] : undefined;
    if (hash === undefined) {
      throw modelValidationError(schema, `the key object has no ${hashKey.property}`, 'key-arity', hashKey.property);
    }
    if (rangeKey && range === undefined) {
      throw modelValidationError(
        schema,
        `the key object has no ${rangeKey.property}, the range part of the key`,
        'key-arity',
        rangeKey.property,
      );
    }
  } else if (args.length === 1) {
    if (rangeKey) {
      throw modelValidationError(
        schema,
        `has a composite key: pass ${expectedKey(schema)} or an object holding both`,
        'key-arity',
      );
    }
    hash = args[0];
  } else {
    throw modelValidationError(schema, `expects a key: ${expectedKey(schema)} or an object`, 'key-arity');
  }
  const key: Item = { [hashKey.name]: encodeKeyPart(schema, hashKey, hash) };
  if (rangeKey) key[rangeKey.name] = encodeKeyPart(schema, rangeKey, range);
  return key;
}

/** One key attribute's value, encoded by its codec and checked by DynamoDB's key rules. */
export function encodeKeyPart(schema: ModelSchema, field: CompiledField, value: unknown): AttributeValue {
  if (value === undefined || value === null) {
    throw modelValidationError(schema, `key part is ${String(value)}`, 'required', field.property);
  }
  let encoded: AttributeValue | undefined;
  try {
    encoded = field.codec.encode(value, 0);
  } catch (error) {
    if (error instanceof CodecError) error.path.unshift(field.property);
    toValidationError(schema, error);
  }
  checkKeyValue(schema, field, encoded as AttributeValue);
  return encoded as AttributeValue;
}

/** Non-empty and within the byte limit: the rules DynamoDB applies to table and index key attributes. */
export function checkKeyValue(schema: ModelSchema, field: CompiledField, value: AttributeValue): void {
  // An attribute that is a sort key of some index has the sort key's limit.
  const role = field.role ?? (field.indexes.some((membership) => membership.options.range) ? 'range' : 'hash');
  const limit = MAX_KEY_BYTES[role];
  // UTF-8 is at most 3 bytes per UTF-16 unit: short strings need no exact count.
  const text = value.S;
  if (text !== undefined && text.length > 0 && text.length * 3 <= limit) return;
  const bytes = text !== undefined ? Buffer.byteLength(text) : value.B !== undefined ? value.B.byteLength : -1;
  if (bytes === 0) {
    throw modelValidationError(schema, 'is a key, and DynamoDB rejects empty key values', 'empty-key', field.property);
  }
  if (bytes > limit) {
    throw modelValidationError(
      schema,
      `is a ${role === 'range' ? 'sort' : 'partition'} key of ${bytes} bytes (UTF-8); DynamoDB allows ${limit}`,
      'key-size',
      field.property,
    );
  }
}

/** The stored names of the table's key attributes, hash first. */
export function keyAttributeNames(schema: ModelSchema): string[] {
  return schema.rangeKey ? [schema.hashKey.name, schema.rangeKey.name] : [schema.hashKey.name];
}

/** The key attributes of an encoded item (the `Key` of a request for it). */
export function keyOfItem(schema: ModelSchema, item: Item): Item {
  const key: Item = {};
  for (const field of schema.rangeKey ? [schema.hashKey, schema.rangeKey] : [schema.hashKey]) {
    const value = item[field.name];
    if (value !== undefined) key[field.name] = value;
  }
  return key;
}

/**
 * The `Key` of an entity of a shared table: its templates rendered from an object holding the
 * attributes they name (`{ userId: 'u1' }`, or an instance), checked by DynamoDB's key rules.
 */
function entityKey(schema: ModelSchema, args: readonly unknown[]): Item {
  const entity = schema.entity as NonNullable<ModelSchema['entity']>;
  const needed = [...entity.hashKey.template.properties, ...(entity.rangeKey?.template.properties ?? [])];
  const names = [...new Set(needed)].join(', ');
  if (args.length !== 1 || !isKeyObject(args[0])) {
    throw modelValidationError(
      schema,
      `is an entity of table ${entity.table.name}: pass its key as an object${names ? ` holding ${names}` : ''}`,
      'key-arity',
    );
  }
  const values = args[0];
  const key: Item = {};
  for (const [field, template] of [
    [schema.hashKey, entity.hashKey.template],
    [schema.rangeKey, entity.rangeKey?.template],
  ] as const) {
    if (!field || !template) continue;
    const value: AttributeValue = { S: template.render(values) };
    checkKeyValue(schema, field, value);
    key[field.name] = value;
  }
  return key;
}
