import type { PutItemCommandInput } from '@aws-sdk/client-dynamodb';
import type { Item } from '../../codecs/object-codec';
import type { ModelSchema } from '../../schema/compile-model';
import type { Condition } from '../../expressions/condition';
import { Placeholders } from '../../expressions/placeholders';
import { conditionExpression } from '../condition-expression';
import { checkExpressionSizes } from '../expression-size';

/**
 * A put. `ifAbsent` makes it a create that never overwrites: the condition names the hash key
 * (absent hash key means no item under this key), and the stored item comes back on failure.
 * `condition` must also hold for the put to happen.
 */
export function putItemParams(
  schema: ModelSchema,
  tableName: string,
  item: Item,
  options: { ifAbsent?: boolean | undefined; condition?: Condition | undefined } = {},
): PutItemCommandInput {
  if (!options.ifAbsent && !options.condition && !schema.entity) return { TableName: tableName, Item: item };
  const placeholders = new Placeholders();
  const condition = conditionExpression(
    schema,
    placeholders,
    options.ifAbsent ? 'absent' : undefined,
    options.condition,
  );
  return checkExpressionSizes(schema, {
    TableName: tableName,
    Item: item,
    ConditionExpression: condition,
    ...placeholders.params(),
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
  });
}
