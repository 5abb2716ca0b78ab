import type { UpdateItemCommandInput } from '@aws-sdk/client-dynamodb';
import { CodecError } from '../../codecs/codec';
import { missingError, notNullableError, runValidate, type Item } from '../../codecs/field-codec';
import { NULL_VALUE } from '../../codecs/scalar-codecs';
import { setOwn } from '../../codecs/own-property';
import type { Condition } from '../../expressions/condition';
import { Placeholders } from '../../expressions/placeholders';
import type { UpdateAction } from '../../expressions/update';
import type { StoredState } from '../../model/stored-state';
import type { ModelSchema } from '../../schema/compile-model';
import { conditionExpression } from '../condition-expression';
import { encodeItem } from '../encode-item';
import { checkKeyValue } from '../key';
import { sameValue } from '../same-item';
import { modelValidationError, toValidationError } from '../to-validation-error';
import { updateItemParams } from '../update/update-params';

/** The request a `save()` sends, and what the instance is stored as once it succeeds. */
export interface SavePlan {
  readonly params: UpdateItemCommandInput;
  readonly idempotent: boolean;
  /** The properties the request writes (`SET` or `REMOVE`). */
  readonly changed: readonly string[];
  readonly stored: StoredState;
}

/**
 * What `save()` sends: an `UpdateItem` of the declared attributes that differ from `before` (what
 * the instance was read or last written as), compared as stored values. `undefined` when nothing
 * changed: nothing is sent.
 * - Attributes the model does not declare are never named, so another program's data survives.
 * - An instance that was read must still be stored (`attribute_exists` on the hash key): an update
 *   of a deleted item would create one holding only the changed attributes.
 * - An instance never stored (from `build`) sets every attribute it holds and removes nothing, so
 *   it creates the item or adds to the stored one; `put` is the whole-item replace.
 * - A projected instance compares only the attributes its read returned, plus any it now holds.
 * - Changing a key attribute of a stored instance is refused: that would be another item.
 */
export function saveParams(
  schema: ModelSchema,
  tableName: string,
  instance: object,
  before: StoredState | undefined,
  options: { condition?: Condition | undefined } = {},
): SavePlan | undefined {
  const projected = before?.attributes;
  // A whole instance is checked as a put would check it (required attributes, 400 KB); a projected
  // one lacks attributes by design, so only the values it holds are encoded and checked.
  const current = projected ? encodeHeld(schema, instance) : encodeItem(schema, instance);
  const key: Item = { [schema.hashKey.name]: keyPart(schema, current, schema.hashKey.name) };
  if (schema.rangeKey) key[schema.rangeKey.name] = keyPart(schema, current, schema.rangeKey.name);
  if (before) checkSameKey(schema, key, before.item);

  const actions: UpdateAction[] = [];
  const changed: string[] = [];
  for (const field of schema.fields) {
    if (field.role) continue;
    const now = current[field.name];
    if (!before) {
      if (now !== undefined) actions.push(setAction(instance, field.property));
    } else if (!(projected && !projected.has(field.name) && now === undefined)) {
      if (sameValue(now, before.item[field.name])) continue;
      actions.push(now === undefined ? { kind: 'remove', path: field.property } : setAction(instance, field.property));
    } else continue;
    changed.push(field.property);
  }

  const stored = storedAfter(schema, current, before, changed);
  if (actions.length === 0) {
    if (before) return undefined;
    return {
      params: keyOnlyUpsert(schema, tableName, key, options.condition),
      idempotent: !options.condition,
      changed,
      stored,
    };
  }
  const { params, idempotent } = updateItemParams(schema, tableName, key, actions, {
    condition: options.condition,
    upsert: before === undefined,
    returnValues: 'NONE',
  });
  return { params, idempotent, changed, stored };
}

function setAction(instance: object, property: string): UpdateAction {
  return { kind: 'set', path: property, value: (instance as Record<string, unknown>)[property] };
}

function keyPart(schema: ModelSchema, item: Item, name: string): NonNullable<Item[string]> {
  const value = item[name];
  const field = schema.fields.find((candidate) => candidate.name === name);
  if (value === undefined || !field) {
    throw modelValidationError(schema, 'is part of the key, so save() needs it', 'required', field?.property ?? name);
  }
  checkKeyValue(schema, field, value);
  return value;
}

function checkSameKey(schema: ModelSchema, key: Item, stored: Item): void {
  for (const field of [schema.hashKey, schema.rangeKey]) {
    if (field && !sameValue(key[field.name], stored[field.name])) {
      throw modelValidationError(
        schema,
        'changed since the instance was read: save() writes the item it was read from, so a new key ' +
          'is another item — use put() to store it there (and delete() the old one)',
        'key-changed',
        field.property,
      );
    }
  }
}

/** The stored form of the values a projected instance holds, checked by each attribute's codec. */
function encodeHeld(schema: ModelSchema, instance: object): Item {
  const item: Item = {};
  for (const field of schema.fields) {
    const value = (instance as Record<string, unknown>)[field.property];
    try {
      if (value === undefined) {
        if (field.role) throw missingError();
        continue;
      }
      if (value === null) {
        if (!field.nullable) throw notNullableError();
        item[field.name] = NULL_VALUE;
        continue;
      }
      const encoded = field.codec.encode(value, 0);
      if (field.validate) runValidate(field.validate, value);
      if (encoded !== undefined) setOwn(item, field.name, encoded);
    } catch (error) {
      if (error instanceof CodecError) error.path.unshift(field.property);
      toValidationError(schema, error);
    }
  }
  return item;
}

/** What the instance is stored as after the save: the whole current item, or the projection grown by what was written. */
function storedAfter(
  schema: ModelSchema,
  current: Item,
  before: StoredState | undefined,
  changed: readonly string[],
): StoredState {
  if (!before?.attributes) return { item: current };
  const item: Item = { ...before.item };
  const attributes = new Set(before.attributes);
  for (const property of changed) {
    const field = schema.byProperty.get(property);
    if (!field) continue;
    attributes.add(field.name);
    const value = current[field.name];
    if (value === undefined) delete item[field.name];
    else setOwn(item, field.name, value);
  }
  return { item, attributes };
}

/** A never-stored instance with nothing but its key: an `UpdateItem` without an update creates the item if absent and changes nothing otherwise. */
function keyOnlyUpsert(
  schema: ModelSchema,
  tableName: string,
  key: Item,
  condition: Condition | undefined,
): UpdateItemCommandInput {
  const placeholders = new Placeholders();
  const expression = conditionExpression(schema, placeholders, undefined, condition);
  return {
    TableName: tableName,
    Key: key,
    ...(expression !== undefined
      ? {
          ConditionExpression: expression,
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
          ...placeholders.params(),
        }
      : {}),
  };
}
