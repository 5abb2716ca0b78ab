import type { DeleteItemCommandInput } from '@aws-sdk/client-dynamodb';
import type { Item } from '../../codecs/object-codec';
import type { Condition } from '../../expressions/condition';
import type { ModelSchema } from '../../schema/compile-model';
import { bothConditions, expectedCheck, versionCondition } from '../lifecycle';
import type { WritePlan } from '../write-plan';
import { deleteItemParams } from './delete-params';

/** A delete of the item under `key`; with `expectedVersion`, only of that version. */
export function planDelete(
  schema: ModelSchema,
  tableName: string,
  key: Item,
  options: { condition?: Condition | undefined; mustExist?: boolean | undefined; expectedVersion: number | undefined },
): WritePlan<DeleteItemCommandInput> {
  const versionCheck = expectedCheck(options.expectedVersion);
  const condition = bothConditions(options.condition, versionCondition(schema, versionCheck));
  // Built before sending, so a bad condition is refused before anything is sent.
  const params = deleteItemParams(schema, tableName, key, {
    ...(condition ? { condition } : {}),
    ...(options.mustExist ? { mustExist: true } : {}),
  });
  return {
    params,
    // Deleting twice deletes once; a conditional delete is not re-sent after a lost answer. An
    // entity's guard alone (condition-expression.ts) is met again by the re-sent request.
    idempotent: condition === undefined && !options.mustExist,
    versionCheck,
    assigned: [],
  };
}
