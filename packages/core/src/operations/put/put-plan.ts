import type { PutItemCommandInput } from '@aws-sdk/client-dynamodb';
import type { Item } from '../../codecs/object-codec';
import type { Condition } from '../../expressions/condition';
import type { ModelSchema } from '../../schema/compile-model';
import { encodeItem } from '../encode-item';
import { bothConditions, heldVersion, stampTimestamps, versionCondition, type VersionCheck } from '../lifecycle';
import type { WritePlan } from '../write-plan';
import { putItemParams } from './put-params';

const NOTHING_ASSIGNED: WritePlan<unknown>['assigned'] = Object.freeze([]);

/**
 * A whole-item put of `instance`: timestamps stamped, encoded and checked, and for a `@Version`
 * model the next version written on the condition that the stored item holds the instance's (or,
 * for an instance never written, that no item is stored). `create` requires absence and writes 1.
 */
export function planPut(
  schema: ModelSchema,
  tableName: string,
  instance: object,
  options: { condition?: Condition | undefined; create?: boolean; now?: Date | undefined },
): WritePlan<PutItemCommandInput> & { readonly item: Item } {
  stampTimestamps(schema, instance, options.now);
  const item = encodeItem(schema, instance);
  const version = schema.lifecycle.version;
  const expected = options.create ? undefined : heldVersion(schema, instance);
  const next = (expected ?? 0) + 1;
  if (version) item[version.name] = { N: String(next) };
  const versionCheck: VersionCheck | undefined = version && !options.create ? { expected, absent: 'item' } : undefined;
  const condition = bothConditions(options.condition, versionCondition(schema, versionCheck));
  const params = putItemParams(schema, tableName, item, { ifAbsent: options.create, condition });
  return {
    params,
    item,
    // An unconditional put is a whole-item replace: sending it twice stores the same item
    // (docs/reliability.md §4). A conditional one is not re-sent after a lost answer; an entity's
    // guard alone (condition-expression.ts) is met again by the re-sent put.
    idempotent: condition === undefined && !options.create,
    versionCheck,
    assigned: version ? [[version.property, next]] : NOTHING_ASSIGNED,
  };
}
