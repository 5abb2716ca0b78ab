import { ResourceNotFoundError, type CancellationReason, type ConditionFailedError } from '@dynamodel/executor';
import type { Item } from '../codecs/object-codec';
import { EntityMismatchError, ItemExistsError, ItemNotFoundError, VersionConflictError } from '../errors/item-errors';
import { keyOfItem } from '../operations/key';
import { lineageOf } from '../single-table/entity-registry';
import type { ModelSchema } from '../schema/compile-model';

/** `create` met a stored item: the error carries it raw and decoded (when it fits the model). */
export function itemExistsError<T>(
  schema: ModelSchema,
  tableName: string,
  error: ConditionFailedError,
  decode: (item: Item) => T | undefined,
): ItemExistsError<T> {
  const current = error.item ? decode(error.item) : undefined;
  return new ItemExistsError<T>(
    `${schema.model}: an item with this key already exists in table ${tableName}; create never overwrites (use put to replace it)`,
    {
      code: error.code,
      model: schema.model,
      table: tableName,
      operation: 'PutItem',
      ...(error.requestId ? { requestId: error.requestId } : {}),
      ...(error.item ? { item: error.item } : {}),
      ...(current ? { current } : {}),
      cause: error,
    },
  );
}

/**
 * The stored item's version, from the item a failed condition returned: `undefined` when none is
 * stored or it has no (readable) version.
 */
function storedVersionOf(schema: ModelSchema, item: Item | undefined): number | undefined {
  const field = schema.lifecycle.version;
  const text = field && item?.[field.name]?.N;
  return text === undefined ? undefined : Number(text);
}

/**
 * Whether a failed conditional write failed on its version check, judged from the stored item it
 * returned (so the caller's own condition failing is not taken for a conflict).
 */
export function isVersionConflict(
  schema: ModelSchema,
  item: Item | undefined,
  expected: number | undefined,
  absent: 'item' | 'version',
): boolean {
  if (!schema.lifecycle.version) return false;
  const stored = storedVersionOf(schema, item);
  if (expected !== undefined) return stored !== expected;
  return absent === 'item' ? item !== undefined : item !== undefined && stored !== undefined;
}

/** "required version 3, but the stored item has version 4": the two sides of a version conflict. */
export function describeVersionConflict(
  schema: ModelSchema,
  item: Item | undefined,
  expected: number | undefined,
): string {
  const stored = storedVersionOf(schema, item);
  const required = expected === undefined ? 'no stored version (a first write)' : `version ${expected}`;
  const found = !item
    ? 'no item is stored'
    : stored === undefined
      ? 'the stored item has no version'
      : `the stored item has version ${stored}`;
  return `required ${required}, but ${found}`;
}

/** A versioned write met another version: says which was required and which is stored. */
export function versionConflictError<T>(
  schema: ModelSchema,
  tableName: string,
  key: Item,
  error: ConditionFailedError,
  expected: number | undefined,
  decode: (item: Item) => T | undefined,
  reasons?: readonly CancellationReason[],
): VersionConflictError<T> {
  const stored = storedVersionOf(schema, error.item);
  const current = error.item ? decode(error.item) : undefined;
  const described = describeKey(key);
  return new VersionConflictError<T>(
    `${schema.model} ${JSON.stringify(described)}: version conflict in table ${tableName}: the write ` +
      `${describeVersionConflict(schema, error.item, expected)}. Nothing was written; read the item again and retry` +
      (reasons ? `. ${error.message}` : ''),
    {
      code: error.code,
      model: schema.model,
      key: described,
      table: tableName,
      ...(error.operation ? { operation: error.operation } : {}),
      ...(error.requestId ? { requestId: error.requestId } : {}),
      expectedVersion: expected,
      storedVersion: stored,
      ...(error.item ? { item: error.item } : {}),
      ...(current !== undefined ? { current } : {}),
      ...(reasons ? { reasons } : {}),
      cause: error.cause instanceof Error && reasons ? error.cause : error,
    },
  );
}

export function describeKey(key: Item): Record<string, string> {
  return Object.fromEntries(Object.entries(key).map(([name, value]) => [name, value.S ?? value.N ?? '<binary>']));
}

/** `getOrFail` found nothing; the message quotes the key (keys only, never item contents). */
export function itemNotFoundError(
  schema: ModelSchema,
  tableName: string,
  key: Item,
  why = `no item with that key in table ${tableName}`,
): ItemNotFoundError {
  const described = describeKey(key);
  return new ItemNotFoundError(`${schema.model} ${JSON.stringify(described)}: ${why}`, {
    model: schema.model,
    table: tableName,
    key: described,
  });
}

/** The model's table does not exist: say how to create it. */
export function missingTableError(
  schema: ModelSchema,
  tableName: string,
  error: ResourceNotFoundError,
): ResourceNotFoundError {
  return new ResourceNotFoundError(
    `${schema.model}: table ${tableName} does not exist. Create it with syncTables([${schema.model}]), ` +
      `or in development connect({ autoCreateTables: true }) (${error.message})`,
    {
      code: error.code,
      table: tableName,
      ...(error.operation ? { operation: error.operation } : {}),
      ...(error.requestId ? { requestId: error.requestId } : {}),
      cause: error,
    },
  );
}

/**
 * A write of an entity refused by its guard (`operations/condition-expression.ts`): the stored item
 * under the key is another entity's. `undefined` when the failed condition was something else (no
 * item came back, or the item is of the writer's lineage).
 */
export function entityMismatchError(
  schema: ModelSchema,
  tableName: string,
  error: ConditionFailedError,
): EntityMismatchError | undefined {
  const entity = schema.entity;
  const item = error.item;
  if (!entity || !item) return undefined;
  const stored = item[entity.entityAttribute];
  const found = stored?.S;
  if (found !== undefined && lineageOf(entity.table, entity.name, entity.cls).names.includes(found)) return undefined;
  const key = describeKey(keyOfItem(schema, item));
  return new EntityMismatchError(
    `${schema.model}: the item under ${JSON.stringify(key)} in table ${tableName} is ` +
      (found === undefined
        ? `no entity's (it has no ${entity.entityAttribute} attribute), not a ${entity.name}; nothing was written`
        : `a ${found}, not a ${entity.name}; nothing was written. Their key templates render the same key: make them differ`),
    { code: error.code, model: schema.model, entity: entity.name, found, key, item, cause: error },
  );
}
