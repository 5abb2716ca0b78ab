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
import { checkExpressionSizes } from '../expression-size';
import { encodeItem } from '../encode-item';
import { checkKeyValue } from '../key';
import { modelValidationError, toValidationError } from '../to-validation-error';
import { updateItemParams } from '../update/update-params';
import { bothConditions, heldVersion, lifecycleActions, versionCondition, type VersionCheck } from '../lifecycle';
import type { CompiledField } from '../../schema/compile-fields';

/** The request a `save()` sends, and what the instance is stored as once it succeeds. */
export interface SavePlan {
  readonly params: UpdateItemCommandInput;
  readonly idempotent: boolean;
  /** The properties the request writes (`SET` or `REMOVE`). */
  readonly changed: readonly string[];
  /** The item as the instance holds it now (for a projected instance, only what it holds). */
  readonly current: Item;
  /** For a projected instance: what it is known to hold once the save succeeds. */
  readonly partialAfter: { readonly item: Item; readonly attributes: ReadonlySet<string> } | undefined;
  /** What the library wrote besides the changes (version, `updatedAt`): the instance takes it once stored. */
  readonly assigned: readonly (readonly [property: string, value: unknown])[];
  /** The version the request requires, for a `@Version` model. */
  readonly versionCheck: VersionCheck | undefined;
  /** Whether the request requires the item to be stored (a read instance's save): a failed check means it was deleted. */
  readonly mustExist: boolean;
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
  options: { condition?: Condition | undefined; now?: Date } = {},
): SavePlan | undefined {
  const { version, createdAt, updatedAt } = schema.lifecycle;
  const projected = before?.attributes;
  if (version && projected && !projected.has(version.name)) {
    // Without the version it was read with, the save could not be checked against later writes.
    throw modelValidationError(
      schema,
      'is the @Version attribute, and this partial instance was read without it, so save() cannot ' +
        'check it: include it in the projection, or use update() with expectedVersion',
      'version-not-read',
      version.property,
    );
  }
  // A whole instance is checked as a put would check it (required attributes, 400 KB); a projected
  // one lacks attributes by design, so only the values it holds are encoded and checked.
  const current = projected ? encodeHeld(schema, instance) : encodeItem(schema, instance);
  const key: Item = { [schema.hashKey.name]: keyPart(schema, current, schema.hashKey.name) };
  if (schema.rangeKey) key[schema.rangeKey.name] = keyPart(schema, current, schema.rangeKey.name);
  const actions: UpdateAction[] = [];
  const changed: string[] = [];
  schema.fields.forEach((field, index) => {
    // The library's own attributes are written below, when something else changed.
    if (field === version || field === updatedAt) return;
    const now = current[field.name];
    if (field.role) {
      if (before && !before.same(schema, index, now)) keyChanged(schema, field.property);
      return;
    }
    if (!before) {
      if (now === undefined) return;
      actions.push(setAction(instance, field));
    } else {
      if (projected && !projected.has(field.name) && now === undefined) return; // not read, not set: unknown
      if (before.same(schema, index, now)) return;
      actions.push(now === undefined ? { kind: 'remove', path: field.property } : setAction(instance, field));
    }
    changed.push(field.property);
  });

  if (actions.length === 0 && before) return undefined;

  // A save of an instance read from an item without a version requires that it still has none.
  // An instance whose item may be absent (a write's outcome was unknown) writes without requiring it.
  const mustExist = before !== undefined && before.mayBeAbsent !== true;
  const now = options.now ?? new Date();
  const expected = version ? heldVersion(schema, instance) : undefined;
  const versionCheck: VersionCheck | undefined = version
    ? { expected, absent: mustExist ? 'version' : 'item' }
    : undefined;
  const assigned: [string, unknown][] = [];
  if (version) assigned.push([version.property, (expected ?? 0) + 1]);
  if (updatedAt) assigned.push([updatedAt.property, new Date(now.getTime())]);
  // `createdAt` is set where absent; the instance knows it is now only when the save required absence.
  const created = createdAt && (instance as Record<string, unknown>)[createdAt.property] === undefined;
  if (created && versionCheck?.absent === 'item' && expected === undefined) {
    assigned.push([createdAt.property, new Date(now.getTime())]);
  }
  for (const [property, value] of assigned) {
    const field = schema.byProperty.get(property) as CompiledField;
    current[field.name] = field.codec.encode(value, 0) as NonNullable<Item[string]>;
    if (!changed.includes(property)) changed.push(property);
  }
  const written = lifecycleActions(schema, actions, now, version ? { next: (expected ?? 0) + 1 } : undefined);
  const condition = bothConditions(options.condition, versionCondition(schema, versionCheck));

  const partialAfter = projected ? grownProjection(schema, current, before, changed) : undefined;
  if (written.length === 0) {
    return {
      params: keyOnlyUpsert(schema, tableName, key, condition),
      idempotent: !condition,
      changed,
      current,
      partialAfter,
      assigned,
      versionCheck,
      mustExist,
    };
  }
  const { params, idempotent } = updateItemParams(schema, tableName, key, written, {
    condition,
    upsert: !mustExist,
    returnValues: 'NONE',
  });
  return { params, idempotent, changed, current, partialAfter, assigned, versionCheck, mustExist };
}

/** Sets an attribute to the instance's value; a computed one (a single-table key) to what it computes. */
function setAction(instance: object, field: CompiledField): UpdateAction {
  const value = field.compute ? field.compute(instance) : (instance as Record<string, unknown>)[field.property];
  return { kind: 'set', path: field.property, value };
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

function keyChanged(schema: ModelSchema, property: string): never {
  throw modelValidationError(
    schema,
    'changed since the instance was read or written: save() writes that item, so a new key is ' +
      'another item — use put() to store it there (and delete() the old one)',
    'key-changed',
    property,
  );
}

/** The stored form of the values a projected instance holds, checked by each attribute's codec. */
function encodeHeld(schema: ModelSchema, instance: object): Item {
  const item: Item = {};
  for (const field of schema.fields) {
    if (field.compute) {
      encodeComputed(schema, instance, field, item);
      continue;
    }
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

/**
 * A computed attribute of a partial instance (a single-table key): computed when the instance holds
 * every property it is computed from, unknown (left out) when it holds none of them. Holding some
 * but not all is refused: a change to one of them would leave the stored attribute stale.
 */
function encodeComputed(schema: ModelSchema, instance: object, field: CompiledField, item: Item): void {
  const from = field.computedFrom ?? [];
  const missing = from.filter((property) => (instance as Record<string, unknown>)[property] === undefined);
  if (missing.length === from.length && from.length > 0 && !field.role) return;
  if (missing.length > 0) {
    throw modelValidationError(
      schema,
      `is computed from ${from.join(', ')}, and this partial instance was read without ${missing.join(', ')}: include ${missing.length === 1 ? 'it' : 'them'} in the projection to save()`,
      'projection',
      field.property,
    );
  }
  const value = (field.compute as (source: object) => unknown)(instance);
  if (value === undefined) return; // an index key the entity has no template for
  const encoded = field.codec.encode(value, 0);
  if (encoded !== undefined) setOwn(item, field.name, encoded);
}

/** What a projected instance is known to hold after the save: what it was read with, grown by what was written. */
function grownProjection(
  schema: ModelSchema,
  current: Item,
  before: StoredState | undefined,
  changed: readonly string[],
): { item: Item; attributes: ReadonlySet<string> } {
  const item: Item = { ...before?.item };
  const attributes = new Set(before?.attributes);
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
  return checkExpressionSizes(schema, {
    TableName: tableName,
    Key: key,
    ...(expression !== undefined
      ? {
          ConditionExpression: expression,
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
          ...placeholders.params(),
        }
      : {}),
  });
}
