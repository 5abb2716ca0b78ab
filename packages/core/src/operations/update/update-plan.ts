import type { ReturnValue, UpdateItemCommandInput } from '@aws-sdk/client-dynamodb';
import type { Item } from '../../codecs/object-codec';
import type { Condition } from '../../expressions/condition';
import type { UpdateAction } from '../../expressions/update';
import type { ModelSchema } from '../../schema/compile-model';
import { bothConditions, expectedCheck, lifecycleActions, versionCondition } from '../lifecycle';
import type { WritePlan } from '../write-plan';
import { updateItemParams } from './update-params';

/**
 * An update of the item under `key`: the caller's actions plus the library's (`updatedAt`,
 * `createdAt` where absent, the version), and for a `@Version` model either a check of
 * `expectedVersion` or an increment whatever the version was (so writers holding an older one
 * still conflict).
 */
export function planUpdate(
  schema: ModelSchema,
  tableName: string,
  key: Item,
  actions: readonly UpdateAction[],
  options: {
    condition?: Condition | undefined;
    upsert?: boolean | undefined;
    returnValues?: ReturnValue | undefined;
    expectedVersion: number | undefined;
    /** The time of `updatedAt`/`createdAt` (default: read when the model has them). */
    now?: Date | undefined;
  },
): WritePlan<UpdateItemCommandInput> & { readonly written: readonly UpdateAction[] } {
  const expected = options.expectedVersion;
  const written = lifecycleActions(
    schema,
    actions,
    options.now,
    expected === undefined ? 'increment' : { next: expected + 1 },
  );
  const versionCheck = expectedCheck(expected);
  const condition = bothConditions(options.condition, versionCondition(schema, versionCheck));
  const { params, idempotent } = updateItemParams(schema, tableName, key, written, {
    condition,
    upsert: options.upsert,
    returnValues: options.returnValues,
  });
  return {
    params,
    idempotent,
    versionCheck,
    assigned: [],
    written,
  };
}
