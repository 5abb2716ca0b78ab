import { ResourceNotFoundError, type ConditionFailedError } from '@dynamodel/executor';
import type { Item } from '../codecs/object-codec';
import { ItemExistsError, ItemNotFoundError } from '../errors/item-errors';
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

/** `getOrFail` found nothing; the message quotes the key (keys only, never item contents). */
export function itemNotFoundError(
  schema: ModelSchema,
  tableName: string,
  key: Item,
  why = `no item with that key in table ${tableName}`,
): ItemNotFoundError {
  const described = Object.fromEntries(
    Object.entries(key).map(([name, value]) => [name, value.S ?? value.N ?? '<binary>']),
  );
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
