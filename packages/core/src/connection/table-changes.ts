import type { TableDescription, UpdateTableCommandInput } from '@aws-sdk/client-dynamodb';
import {
  ResourceInUseError,
  ResourceNotFoundError,
  ServiceError,
  ValidationError,
  sleep,
  type Executor,
} from '@dynamodel/executor';
import { TableMismatchError } from '../errors/item-errors';
import { indexWaitHint } from './index-wait-hint';
import type { TableChange } from '../schema/table-diff';

/** How long a change may take, and who is told while it is waited for. */
export interface Waiting {
  readonly deadline: number;
  readonly signal: AbortSignal | undefined;
  readonly waiting: () => void;
}

/**
 * What became of a change: made by this request (`done`), found made or under way by another
 * applier and waited for (`already`), or not possible on this endpoint (`unsupported`: point-in-time
 * recovery on DynamoDB Local; a `table-setting` event says so, and the table is used without it).
 */
export type ChangeOutcome = 'done' | 'already' | 'unsupported';

/** One change: its request, then the wait until DynamoDB has finished it. */
export async function applyChange(
  executor: Executor,
  tableName: string,
  change: TableChange,
  wait: Waiting,
): Promise<ChangeOutcome> {
  const { signal } = wait;
  const update = (input: Omit<UpdateTableCommandInput, 'TableName'>) =>
    executor.send('UpdateTable', { TableName: tableName, ...input }, { signal });
  switch (change.kind) {
    case 'create-table': {
      let outcome: ChangeOutcome = 'done';
      try {
        await executor.send('CreateTable', change.input, { signal });
      } catch (error) {
        // Created meanwhile by another process (or by this plan before an interruption): wait for it.
        if (!(error instanceof ResourceInUseError)) throw error;
        outcome = 'already';
      }
      await settled(executor, tableName, wait, () => true);
      return outcome;
    }
    case 'add-index': {
      const hasIndex = (table: TableDescription) =>
        (table.GlobalSecondaryIndexes ?? []).some((index) => index.IndexName === change.index);
      // Another applier (a second process, a plan retried after a crash) may have asked first.
      const made = await untilAccepted(executor, tableName, wait, hasIndex, INDEX_BEING_MADE, () =>
        update({
          AttributeDefinitions: [...change.attributeDefinitions],
          GlobalSecondaryIndexUpdates: [{ Create: change.input }],
        }),
      );
      await settled(executor, tableName, wait, hasIndex);
      await checkIndexKey(executor, tableName, change, signal);
      return made ? 'done' : 'already';
    }
    case 'drop-index': {
      const gone = (table: TableDescription) =>
        (table.GlobalSecondaryIndexes ?? []).every((index) => index.IndexName !== change.index);
      const made = await untilAccepted(
        executor,
        tableName,
        wait,
        gone,
        /does not exist|not found|being deleted|in progress/i,
        () => update({ GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: change.index } }] }),
      );
      await settled(executor, tableName, wait, gone);
      return made ? 'done' : 'already';
    }
    case 'enable-ttl':
    case 'disable-ttl':
      await setTimeToLive(executor, tableName, change.attribute, change.kind === 'enable-ttl', signal);
      return 'done';
    case 'enable-stream':
      await update({ StreamSpecification: { StreamEnabled: true, StreamViewType: change.viewType } });
      await settled(executor, tableName, wait, () => true);
      return 'done';
    case 'disable-stream':
      await update({ StreamSpecification: { StreamEnabled: false } });
      await settled(executor, tableName, wait, () => true);
      return 'done';
    case 'enable-pitr':
    case 'disable-pitr':
      return setPointInTimeRecovery(executor, tableName, change.kind === 'enable-pitr', signal);
    case 'set-billing':
      await update({ ...change.input });
      await settled(executor, tableName, wait, () => true);
      return 'done';
    case 'set-deletion-protection':
      await update({ DeletionProtectionEnabled: change.enabled });
      await settled(executor, tableName, wait, () => true);
      return 'done';
  }
}

/**
 * Turns TTL on or off for `attribute`. Another applier that did the same first makes DynamoDB
 * refuse the request (a `ValidationError`): what is described then decides whether that is done.
 */
async function setTimeToLive(
  executor: Executor,
  tableName: string,
  attribute: string,
  enabled: boolean,
  signal: AbortSignal | undefined,
): Promise<void> {
  try {
    await executor.send(
      'UpdateTimeToLive',
      { TableName: tableName, TimeToLiveSpecification: { AttributeName: attribute, Enabled: enabled } },
      { signal },
    );
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    const { TimeToLiveDescription: ttl } = await executor.send(
      'DescribeTimeToLive',
      { TableName: tableName },
      { signal },
    );
    const on = ttl?.TimeToLiveStatus === 'ENABLED' || ttl?.TimeToLiveStatus === 'ENABLING';
    if (enabled ? !(on && ttl?.AttributeName === attribute) : on) throw error;
  }
}

/** Point-in-time recovery on or off; `unsupported` (and a `table-setting` event) where the endpoint has none. */
async function setPointInTimeRecovery(
  executor: Executor,
  tableName: string,
  enabled: boolean,
  signal: AbortSignal | undefined,
): Promise<ChangeOutcome> {
  try {
    await executor.send(
      'UpdateContinuousBackups',
      { TableName: tableName, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: enabled } },
      { signal },
    );
    return 'done';
  } catch (error) {
    if (!(error instanceof ServiceError) || error.code !== 'UnknownOperationException') throw error;
    reportNoPointInTimeRecovery(executor, tableName, error.message);
    return 'unsupported';
  }
}

/** Tells the connection's listeners that the endpoint has no point-in-time recovery (DynamoDB Local). */
export function reportNoPointInTimeRecovery(executor: Executor, tableName: string, detail: string): void {
  executor.events?.emit({
    type: 'table-setting',
    table: tableName,
    setting: 'pointInTimeRecovery',
    status: 'unsupported',
    reason: `the endpoint has no point-in-time recovery (${detail})`,
  });
}

/** The index made (by this applier or another) has the key asked for, or the table does not match the models. */
async function checkIndexKey(
  executor: Executor,
  tableName: string,
  change: Extract<TableChange, { kind: 'add-index' }>,
  signal: AbortSignal | undefined,
): Promise<void> {
  const { Table } = await executor.send('DescribeTable', { TableName: tableName }, { signal });
  const made = Table?.GlobalSecondaryIndexes?.find((index) => index.IndexName === change.index);
  const keys = (schema: { AttributeName?: string | undefined; KeyType?: string | undefined }[] | undefined) =>
    (schema ?? []).map((element) => `${element.KeyType} ${element.AttributeName}`).join(', ');
  if (keys(made?.KeySchema) !== keys(change.input.KeySchema)) {
    throw new TableMismatchError(
      `table ${tableName}: index "${change.index}" is ${keys(made?.KeySchema)}, not ${keys(change.input.KeySchema)} as planned: plan again`,
      { model: 'applyPlan', table: tableName, differences: [`index "${change.index}" has another key`] },
    );
  }
}

/** What DynamoDB says to a creation of an index that exists or is being made (another process's). */
export const INDEX_BEING_MADE = /already exists|being (created|updated)|in progress/i;

/** Whether `error` says an index change is already made or under way, rather than that it failed. */
export function isConcurrentChange(error: unknown, already: RegExp): boolean {
  return error instanceof ResourceInUseError || (error instanceof ValidationError && already.test(error.message));
}

/**
 * Sends an index change once the table is idle, until DynamoDB accepts it (`true`) or the change is
 * found made (`false`: another applier's). A refusal saying the table or index is busy is not an
 * error, but neither does it mean that someone is making this change: the request is sent again
 * once the table is idle, rather than the change waited for (which, after a refusal for any other
 * busy reason, would wait for an index nobody is making until the deadline).
 */
async function untilAccepted(
  executor: Executor,
  tableName: string,
  wait: Waiting,
  made: (table: TableDescription) => boolean,
  already: RegExp,
  request: () => Promise<unknown>,
): Promise<boolean> {
  for (let delay = 50; ; delay = Math.min(delay * 2, 2_000)) {
    const table = await whenIdle(executor, tableName, wait);
    if (made(table)) return false;
    try {
      await request();
      return true;
    } catch (error) {
      if (!isConcurrentChange(error, already)) throw error;
    }
    if (Date.now() > wait.deadline) {
      throw new ResourceInUseError(`table ${tableName} kept refusing the change as busy until the deadline`, {
        code: 'TableNotActive',
        table: tableName,
        operation: 'UpdateTable',
      });
    }
    wait.waiting();
    await sleep(delay, wait.signal);
  }
}

/** Waits until the table and every index are ACTIVE and `done` holds for the table. */
async function settled(
  executor: Executor,
  tableName: string,
  wait: Waiting,
  done: (table: TableDescription) => boolean,
): Promise<TableDescription> {
  let delay = 50;
  for (;;) {
    let table: TableDescription | undefined;
    try {
      table = (await executor.send('DescribeTable', { TableName: tableName }, { signal: wait.signal })).Table;
    } catch (error) {
      if (!(error instanceof ResourceNotFoundError)) throw error;
    }
    if (table && isIdle(table) && done(table)) return table;
    if (Date.now() > wait.deadline) {
      throw new ResourceInUseError(
        `table ${tableName} did not settle in time (status ${table?.TableStatus ?? 'absent'})` + indexWaitHint(table),
        { code: 'TableNotActive', table: tableName, operation: 'DescribeTable' },
      );
    }
    wait.waiting();
    await sleep(delay, wait.signal);
    delay = Math.min(delay * 2, 5_000);
  }
}

/** A table accepts one index change at a time: wait until nothing is being built or deleted. */
function whenIdle(executor: Executor, tableName: string, wait: Waiting): Promise<TableDescription> {
  return settled(executor, tableName, wait, () => true);
}

function isIdle(table: TableDescription): boolean {
  return (
    table.TableStatus === 'ACTIVE' &&
    (table.GlobalSecondaryIndexes ?? []).every((index) => index.IndexStatus === 'ACTIVE')
  );
}
