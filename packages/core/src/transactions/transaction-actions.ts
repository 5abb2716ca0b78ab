import type { Get, TransactWriteItem, Update } from '@aws-sdk/client-dynamodb';
import type { Item } from '../codecs/object-codec';
import type { Connection } from '../connection/connection';
import type { Condition } from '../expressions/condition';
import { compileProjection } from '../expressions/projection';
import { Placeholders } from '../expressions/placeholders';
import type { UpdateAction } from '../expressions/update';
import { conditionCheckParams } from '../operations/condition-check/condition-check-params';
import { planDelete } from '../operations/delete/delete-plan';
import { keyAttributeNames, keyFromArgs, keyOfItem } from '../operations/key';
import {
  bothConditions,
  expectedCheck,
  heldVersion,
  versionCondition,
  type VersionCheck,
} from '../operations/lifecycle';
import type { SavePlan } from '../operations/save/save-params';
import { modelValidationError } from '../operations/to-validation-error';
import { planPut } from '../operations/put/put-plan';
import { planUpdate } from '../operations/update/update-plan';
import type { Assigned, TrackedWrite } from '../model/tracked-write';
import type { ModelSchema } from '../schema/compile-model';

/** What an action needs of its model's repository: where it goes, and how to decode and record. */
export interface ActionSource<T extends object = object> {
  readonly schema: ModelSchema<T>;
  readonly tableName: string;
  readonly connection: Connection;
  decodeQuietly(item: Item): T | undefined;
  decode(item: Item): T;
  decodePart(item: Item, attributes: ReadonlySet<string>): T;
  /** What a write of `instance` as `item` leaves it known to hold once stored (model/tracked-write.ts). */
  trackedWrite(instance: T, item: Item, assigned: Assigned): TrackedWrite;
  /** Forgets cached items the transaction stored (or may have). */
  invalidate(keys: readonly Item[]): Promise<void>;
}

export type WriteActionKind = 'put' | 'create' | 'update' | 'save' | 'delete' | 'conditionCheck';

/**
 * One write of a transaction (`Tweet.putOp(...)`, `User.updateOp(...)`…): built and checked by the
 * same plans as the single-item operation when it is made, sent by `transact`.
 */
export interface TransactionWrite {
  readonly kind: WriteActionKind;
  readonly source: ActionSource;
  readonly request: TransactWriteItem;
  readonly key: Item;
  readonly versionCheck: VersionCheck | undefined;
  /**
   * The instance the action writes, if any: it takes its new version and records what was sent
   * once the transaction is stored, captured when the action was made.
   */
  readonly tracked: TrackedWrite | undefined;
}

/** One read of `transactGet`, decoding into `R`. */
export interface TransactionGet<R> {
  readonly kind: 'get';
  readonly source: ActionSource;
  readonly request: { readonly Get: Get };
  readonly key: Item;
  readonly decode: (item: Item) => R;
}

/**
 * A single-item request as one action of `TransactWriteItems`: the same members, without the
 * `ReturnValues` a transaction action does not take (the builders already ask for the stored item
 * on a failed condition).
 */
function actionPart<P extends { ReturnValues?: unknown }>(params: P): Omit<P, 'ReturnValues'> {
  const { ReturnValues: _returned, ...part } = params;
  return part;
}

export function putAction<T extends object>(
  source: ActionSource<T>,
  instance: T,
  options: { condition: Condition | undefined; create: boolean },
): TransactionWrite {
  const plan = planPut(source.schema, source.tableName, instance, options);
  return {
    kind: options.create ? 'create' : 'put',
    source: source,
    request: { Put: actionPart(plan.params) },
    key: keyOfItem(source.schema, plan.item),
    versionCheck: plan.versionCheck,
    tracked: source.trackedWrite(instance, plan.item, plan.assigned),
  };
}

export function updateAction(
  source: ActionSource,
  key: Item,
  actions: readonly UpdateAction[],
  options: { condition: Condition | undefined; upsert: boolean | undefined; expectedVersion: number | undefined },
): TransactionWrite {
  const plan = planUpdate(source.schema, source.tableName, key, actions, {
    ...options,
    returnValues: 'NONE',
  });
  return {
    kind: 'update',
    source,
    request: { Update: actionPart(plan.params) as Update },
    key,
    versionCheck: plan.versionCheck,
    tracked: undefined,
  };
}

/**
 * A save (`instance.saveOp()`): the `UpdateItem` that `save()` would send. With nothing to save, a
 * check that the item is still stored, at the version the instance holds.
 */
export function saveAction<T extends object>(
  source: ActionSource<T>,
  instance: T,
  plan: SavePlan | undefined,
  condition: Condition | undefined,
  tracked: TrackedWrite | undefined,
): TransactionWrite {
  const { schema, tableName } = source;
  const base = { kind: 'save' as const, source: source as unknown as ActionSource, tracked };
  if (!plan) {
    const key = keyFromArgs(schema, [instance]);
    const versionCheck = expectedCheck(heldVersion(schema, instance));
    const check = bothConditions(condition, versionCondition(schema, versionCheck));
    return {
      ...base,
      request: { ConditionCheck: conditionCheckParams(schema, tableName, key, check, 'present') },
      key,
      versionCheck,
    };
  }
  if (plan.params.UpdateExpression === undefined) {
    throw modelValidationError(
      schema,
      'this never-stored instance holds nothing but its key, which a transaction cannot save; use createOp() or putOp()',
      'nothing-to-save',
    );
  }
  return {
    ...base,
    request: { Update: actionPart(plan.params) as Update },
    key: plan.params.Key as Item,
    versionCheck: plan.versionCheck,
  };
}

export function deleteAction(
  source: ActionSource,
  key: Item,
  options: { condition: Condition | undefined; mustExist: boolean | undefined; expectedVersion: number | undefined },
): TransactionWrite {
  const plan = planDelete(source.schema, source.tableName, key, options);
  return {
    kind: 'delete',
    source,
    request: { Delete: actionPart(plan.params) },
    key,
    versionCheck: plan.versionCheck,
    tracked: undefined,
  };
}

export function conditionCheckAction(source: ActionSource, key: Item, condition: Condition): TransactionWrite {
  return {
    kind: 'conditionCheck',
    source,
    request: { ConditionCheck: conditionCheckParams(source.schema, source.tableName, key, condition) },
    key,
    versionCheck: undefined,
    tracked: undefined,
  };
}

export function getAction<R>(
  source: ActionSource,
  key: Item,
  projection: readonly string[] | undefined,
): TransactionGet<R> {
  const { schema, tableName } = source;
  if (!projection) {
    return {
      kind: 'get',
      source,
      request: { Get: { TableName: tableName, Key: key } },
      key,
      decode: (item) => source.decode(item) as R,
    };
  }
  const placeholders = new Placeholders();
  const compiled = compileProjection(schema, projection, keyAttributeNames(schema), placeholders);
  const names = placeholders.params().ExpressionAttributeNames;
  return {
    kind: 'get',
    source,
    request: {
      Get: {
        TableName: tableName,
        Key: key,
        ProjectionExpression: compiled.expression,
        ...(names ? { ExpressionAttributeNames: names } : {}),
      },
    },
    key,
    decode: (item) => source.decodePart(item, compiled.names) as R,
  };
}
