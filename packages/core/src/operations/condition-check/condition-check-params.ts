import type { ConditionCheck } from '@aws-sdk/client-dynamodb';
import type { Item } from '../../codecs/object-codec';
import type { Condition } from '../../expressions/condition';
import { Placeholders } from '../../expressions/placeholders';
import type { ModelSchema } from '../../schema/compile-model';
import { conditionExpression, type Existence } from '../condition-expression';
import { checkExpressionSizes } from '../expression-size';

/**
 * A transaction's condition check: the item under `key` must meet `condition` (an absent item meets
 * only conditions an absent item can meet, such as `notExists`), and `existence` when given. Writes
 * nothing.
 */
export function conditionCheckParams(
  schema: ModelSchema,
  tableName: string,
  key: Item,
  condition: Condition | undefined,
  existence?: Existence,
): ConditionCheck {
  const placeholders = new Placeholders();
  // A check always has a condition: the caller's, or the existence one.
  const expression = conditionExpression(schema, placeholders, existence, condition) as string;
  return checkExpressionSizes(schema, {
    TableName: tableName,
    Key: key,
    ConditionExpression: expression,
    ...placeholders.params(),
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
  });
}
