import type { DeleteItemCommandInput } from '@aws-sdk/client-dynamodb';
import type { Item } from '../../codecs/object-codec';
import type { ModelSchema } from '../../schema/compile-model';
import type { Condition } from '../../expressions/condition';
import { Placeholders } from '../../expressions/placeholders';
import { conditionExpression } from '../condition-expression';
import { checkExpressionSizes } from '../expression-size';

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
  const condition = conditionExpression(
    schema,
    placeholders,
    options.mustExist ? 'present' : undefined,
    options.condition,
  );
  return checkExpressionSizes(schema, {
    TableName: tableName,
    Key: key,
    ReturnValues: 'ALL_OLD',
    ...(condition !== undefined
      ? {
          ConditionExpression: condition,
          ...placeholders.params(),
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
        }
      : {}),
  });
}
