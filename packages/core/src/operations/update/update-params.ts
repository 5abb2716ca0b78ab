import type { ReturnValue, UpdateItemCommandInput } from '@aws-sdk/client-dynamodb';
import type { Item } from '../../codecs/object-codec';
import type { ModelSchema } from '../../schema/compile-model';
import type { Condition } from '../../expressions/condition';
import { Placeholders } from '../../expressions/placeholders';
import { compileUpdate } from '../../expressions/compile-update';
import type { UpdateAction } from '../../expressions/update';
import { conditionExpression } from '../condition-expression';
import { checkExpressionSizes } from '../expression-size';

export interface UpdateParamsOptions {
  readonly condition?: Condition | undefined;
  /** Create the item when there is none; otherwise it must exist. */
  readonly upsert?: boolean | undefined;
  /** What comes back; default `ALL_NEW`. */
  readonly returnValues?: ReturnValue | undefined;
}

/**
 * An update of some attributes. Unless `upsert`, the item must exist (an update would otherwise
 * create an item holding only the updated attributes). `idempotent` says whether the request may be
 * re-sent after a lost answer: only absolute `SET`/`REMOVE`s, with no condition of the caller's (the
 * existence check is met again by a re-sent absolute update).
 */
export function updateItemParams(
  schema: ModelSchema,
  tableName: string,
  key: Item,
  actions: readonly UpdateAction[],
  options: UpdateParamsOptions = {},
): { params: UpdateItemCommandInput; idempotent: boolean } {
  const placeholders = new Placeholders();
  const update = compileUpdate(schema, actions, placeholders);
  const condition = conditionExpression(
    schema,
    placeholders,
    options.upsert ? undefined : 'present',
    options.condition,
  );
  const returnValues = options.returnValues ?? 'ALL_NEW';
  return {
    params: checkExpressionSizes(schema, {
      TableName: tableName,
      Key: key,
      UpdateExpression: update.expression,
      ...(condition !== undefined
        ? { ConditionExpression: condition, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const }
        : {}),
      ...placeholders.params(),
      ...(returnValues === 'NONE' ? {} : { ReturnValues: returnValues }),
    }),
    idempotent: update.idempotent && !options.condition,
  };
}
