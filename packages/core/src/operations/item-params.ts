import type {
  DeleteItemCommandInput,
  GetItemCommandInput,
  PutItemCommandInput,
  UpdateItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import type { Item } from '../codecs/object-codec';
import type { ModelSchema } from '../schema/compile-model';
import { compileCondition } from '../expressions/compile-condition';
import type { Condition } from '../expressions/condition';
import { Placeholders } from '../expressions/placeholders';
import { compileUpdate } from '../expressions/compile-update';
import type { UpdateAction } from '../expressions/update';

// Pure builders of each operation's SDK input, unit-tested without a client (STYLE.md §2).

export function getItemParams(
  tableName: string,
  key: Item,
  options: { consistent?: boolean } = {},
): GetItemCommandInput {
  return options.consistent
    ? { TableName: tableName, Key: key, ConsistentRead: true }
    : { TableName: tableName, Key: key };
}

/**
 * A put. `ifAbsent` makes it a create that never overwrites: the condition names the hash key
 * (absent hash key means no item under this key), and the stored item comes back on failure.
 * `condition` must also hold for the put to happen.
 */
export function putItemParams(
  schema: ModelSchema,
  tableName: string,
  item: Item,
  options: { ifAbsent?: boolean; condition?: Condition } = {},
): PutItemCommandInput {
  if (!options.ifAbsent && !options.condition) return { TableName: tableName, Item: item };
  const placeholders = new Placeholders();
  const terms: string[] = [];
  if (options.ifAbsent) terms.push(`attribute_not_exists(${placeholders.name(schema.hashKey.name)})`);
  if (options.condition) terms.push(compileCondition(schema, options.condition, placeholders));
  return {
    TableName: tableName,
    Item: item,
    ConditionExpression: terms.join(' AND '),
    ...placeholders.params(),
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
  };
}

/**
 * A delete that returns the deleted item. `condition` must hold for it to happen; `mustExist` adds
 * `attribute_exists` on the hash key.
 */
export function deleteItemParams(
  schema: ModelSchema,
  tableName: string,
  key: Item,
  options: { condition?: Condition; mustExist?: boolean } = {},
): DeleteItemCommandInput {
  const placeholders = new Placeholders();
  const terms: string[] = [];
  if (options.mustExist) terms.push(`attribute_exists(${placeholders.name(schema.hashKey.name)})`);
  if (options.condition) terms.push(compileCondition(schema, options.condition, placeholders));
  return {
    TableName: tableName,
    Key: key,
    ReturnValues: 'ALL_OLD',
    ...(terms.length > 0
      ? {
          ConditionExpression: terms.join(' AND '),
          ...placeholders.params(),
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
        }
      : {}),
  };
}

/**
 * An update of some attributes, returning the item as it is after it. Unless `upsert`, the item must
 * exist (an update would otherwise create an item holding only the updated attributes). `idempotent`
 * says whether the request may be re-sent after a lost answer: only absolute `SET`/`REMOVE`s, with no
 * condition of the caller's (the existence check is met again by a re-sent absolute update).
 */
export function updateItemParams(
  schema: ModelSchema,
  tableName: string,
  key: Item,
  actions: readonly UpdateAction[],
  options: { condition?: Condition; upsert?: boolean } = {},
): { params: UpdateItemCommandInput; idempotent: boolean } {
  const placeholders = new Placeholders();
  const update = compileUpdate(schema, actions, placeholders);
  const terms: string[] = [];
  if (!options.upsert) terms.push(`attribute_exists(${placeholders.name(schema.hashKey.name)})`);
  if (options.condition) terms.push(compileCondition(schema, options.condition, placeholders));
  return {
    params: {
      TableName: tableName,
      Key: key,
      UpdateExpression: update.expression,
      ...(terms.length > 0
        ? { ConditionExpression: terms.join(' AND '), ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const }
        : {}),
      ...placeholders.params(),
      ReturnValues: 'ALL_NEW',
    },
    idempotent: update.idempotent && !options.condition,
  };
}
