import type { DeleteItemCommandInput, GetItemCommandInput, PutItemCommandInput } from '@aws-sdk/client-dynamodb';
import type { Item } from '../codecs/object-codec';
import type { ModelSchema } from '../schema/compile-model';

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
 */
export function putItemParams(
  schema: ModelSchema,
  tableName: string,
  item: Item,
  options: { ifAbsent?: boolean } = {},
): PutItemCommandInput {
  if (!options.ifAbsent) return { TableName: tableName, Item: item };
  return {
    TableName: tableName,
    Item: item,
    ConditionExpression: 'attribute_not_exists(#key)',
    ExpressionAttributeNames: { '#key': schema.hashKey.name },
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
  };
}

/**
 * A delete that returns the deleted item. `expected` holds stored attribute values the item must
 * have (`#c0 = :c0 AND …`); `mustExist` adds `attribute_exists` on the hash key.
 */
export function deleteItemParams(
  schema: ModelSchema,
  tableName: string,
  key: Item,
  options: { expected?: Item; mustExist?: boolean } = {},
): DeleteItemCommandInput {
  const conditions: string[] = [];
  const names: Record<string, string> = {};
  const values: Item = {};
  if (options.mustExist) {
    conditions.push('attribute_exists(#key)');
    names['#key'] = schema.hashKey.name;
  }
  Object.entries(options.expected ?? {}).forEach(([name, value], i) => {
    conditions.push(`#c${i} = :c${i}`);
    names[`#c${i}`] = name;
    values[`:c${i}`] = value;
  });
  return {
    TableName: tableName,
    Key: key,
    ReturnValues: 'ALL_OLD',
    ...(conditions.length
      ? {
          ConditionExpression: conditions.join(' AND '),
          ExpressionAttributeNames: names,
          ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
        }
      : {}),
  };
}
