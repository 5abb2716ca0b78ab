import { MAX_ITEM_BYTES, ValidationError, attributeValueSize, itemSize } from '@dynamodel/executor';
import { CodecError } from '../codecs/codec';
import type { Item } from '../codecs/object-codec';
import type { SizeBound } from '../codecs/size-bound';
import type { ModelSchema } from '../schema/compile-model';
import { checkKeyValue } from './key';
import { modelValidationError, toValidationError } from './to-validation-error';

/** Fills `undefined` attributes that have a default, on the instance itself (so a generated id is visible). */
export function applyDefaults(schema: ModelSchema, instance: object): void {
  const target = instance as Record<string, unknown>;
  for (const field of schema.withDefaults) {
    if (target[field.property] === undefined) target[field.property] = (field.makeDefault as () => unknown)();
  }
}

/**
 * The stored form of an instance about to be written, after every check DynamoDB would make:
 * types, required attributes, number and string rules, nesting, key rules and the 400 KB item size
 * (measured DynamoDB's way). Throws `ValidationError`; nothing is sent for an invalid item. With
 * `bound` (starting at 0), leaves in it at least the item's size, within 400 KB (the batch engine
 * takes it instead of measuring the item again).
 */
export function encodeItem(schema: ModelSchema, instance: object, bound: SizeBound = { bytes: 0 }): Item {
  applyDefaults(schema, instance);
  let item: Item;
  try {
    item = schema.codec.encode(instance, 0, bound);
  } catch (error) {
    if (error instanceof CodecError && error.rule === 'required' && error.path.length === 1)
      missingAttributes(schema, instance);
    return toValidationError(schema, error);
  }
  const hash = item[schema.hashKey.name];
  if (hash) checkKeyValue(schema, schema.hashKey, hash);
  const range = schema.rangeKey && item[schema.rangeKey.name];
  if (schema.rangeKey && range) checkKeyValue(schema, schema.rangeKey, range);
  for (const field of schema.indexKeyFields) {
    // An index key may be absent (the item is then left out of the index), but not empty or too long.
    const value = item[field.name];
    if (value) checkKeyValue(schema, field, value);
  }
  // The bound is summed while encoding; the exact count runs only for an item that may be too big.
  if (bound.bytes <= MAX_ITEM_BYTES) return item;
  const size = itemSize(item);
  bound.bytes = size;
  if (size > MAX_ITEM_BYTES) {
    const [largest] = schema.fields
      .flatMap((field) => {
        const value = item[field.name];
        return value ? [{ field, bytes: attributeValueSize(value) }] : [];
      })
      .sort((a, b) => b.bytes - a.bytes);
    throw modelValidationError(
      schema,
      `item is ${size} bytes, over DynamoDB's ${MAX_ITEM_BYTES}-byte limit` +
        (largest ? ` (largest attribute: ${largest.field.property}, ${largest.bytes} bytes)` : ''),
      'item-size',
      largest?.field.property,
    );
  }
  return item;
}

/** Names every required attribute the instance lacks, in one error (not only the first). */
function missingAttributes(schema: ModelSchema, instance: object): never {
  const target = instance as Record<string, unknown>;
  const missing = schema.fields
    .filter((field) => field.required && !field.codec.whenAbsent && target[field.property] === undefined)
    .map((field) => field.property);
  throw new ValidationError(
    missing.length === 1
      ? `${schema.model}.${missing[0]}: is required but undefined [required]`
      : `${schema.model}: ${missing.join(', ')} are required but undefined [required]`,
    { model: schema.model, attribute: missing[0], attributes: missing, rule: 'required' },
  );
}
