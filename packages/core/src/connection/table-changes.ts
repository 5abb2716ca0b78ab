import type { TableDescription, UpdateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { ResourceInUseError, ResourceNotFoundError, ValidationError, sleep, type Executor } from '@dynamodel/executor';
import { TableMismatchError } from '../errors/item-errors';
import type { TableChange } from '../schema/table-diff';

/** How long a change may take, and who is told while it is waited for. */
export interface Waiting {
  readonly deadline: number;
  readonly signal: AbortSignal | undefined;
  readonly waiting: () => void;
}

/** One change: its request, then the wait until DynamoDB has finished it. */
export async function applyChange(
  executor: Executor,
  tableName: string,
  change: TableChange,
  wait: Waiting,
): Promise<void> {
  const { signal } = wait;
  const update = (input: Omit<UpdateTableCommandInput, 'TableName'>) =>
    executor.send('UpdateTable', { TableName: tableName, ...input }, { signal });
  switch (change.kind) {
    case 'create-table':
      try {
        await executor.send('CreateTable', change.input, { signal });
      } catch (error) {
        // Created meanwhile by another process (or by this plan before an interruption): wait for it.
        if (!(error instanceof ResourceInUseError)) throw error;
      }
      return settled(executor, tableName, wait, () => true);
    case 'add-index':
      await whenIdle(executor, tableName, wait);
      // Another applier (a second process, a plan retried after a crash) may have asked first.
      await tolerating(INDEX_BEING_MADE, () =>
        update({
          AttributeDefinitions: [...change.attributeDefinitions],
          GlobalSecondaryIndexUpdates: [{ Create: change.input }],
        }),
      );
      await settled(executor, tableName, wait, (table) =>
        (table.GlobalSecondaryIndexes ?? []).some((index) => index.IndexName === change.index),
      );
      return checkIndexKey(executor, tableName, change, signal);
    case 'drop-index':
      await whenIdle(executor, tableName, wait);
      await tolerating(/does not exist|not found|being deleted|in progress/i, () =>
        update({ GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: change.index } }] }),
      );
      return settled(executor, tableName, wait, (table) =>
        (table.GlobalSecondaryIndexes ?? []).every((index) => index.IndexName !== change.index),
      );
    case 'enable-ttl':
    case 'disable-ttl':
      await executor.send(
        'UpdateTimeToLive',
        {
          TableName: tableName,
          TimeToLiveSpecification: { AttributeName: change.attribute, Enabled: change.kind === 'enable-ttl' },
        },
        { signal },
      );
      return;
    case 'enable-stream':
      await update({ StreamSpecification: { StreamEnabled: true, StreamViewType: change.viewType } });
      return settled(executor, tableName, wait, () => true);
    case 'disable-stream':
      await update({ StreamSpecification: { StreamEnabled: false } });
      return settled(executor, tableName, wait, () => true);
    case 'enable-pitr':
    case 'disable-pitr':
      await executor.send(
        'UpdateContinuousBackups',
        {
          TableName: tableName,
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: change.kind === 'enable-pitr' },
        },
        { signal },
      );
      return;
    case 'set-billing':
      await update({ ...change.input });
      return settled(executor, tableName, wait, () => true);
    case 'set-deletion-protection':
      await update({ DeletionProtectionEnabled: change.enabled });
      return settled(executor, tableName, wait, () => true);
  }
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
 * Sends `request`; an answer saying the change is already made or under way (another applier's) is
 * not an error: the caller waits for the outcome either way.
 */
async function tolerating(already: RegExp, request: () => Promise<unknown>): Promise<void> {
  try {
    await request();
  } catch (error) {
    if (!isConcurrentChange(error, already)) throw error;
  }
}

/** Waits until the table and every index are ACTIVE and `done` holds for the table. */
async function settled(
  executor: Executor,
  tableName: string,
  wait: Waiting,
  done: (table: TableDescription) => boolean,
): Promise<void> {
  let delay = 50;
  for (;;) {
    let table: TableDescription | undefined;
    try {
      table = (await executor.send('DescribeTable', { TableName: tableName }, { signal: wait.signal })).Table;
    } catch (error) {
      if (!(error instanceof ResourceNotFoundError)) throw error;
    }
    if (table && isIdle(table) && done(table)) return;
    if (Date.now() > wait.deadline) {
      throw new ResourceInUseError(
        `table ${tableName} did not settle in time (status ${table?.TableStatus ?? 'absent'})`,
        { code: 'TableNotActive', table: tableName, operation: 'DescribeTable' },
      );
    }
    wait.waiting();
    await sleep(delay, wait.signal);
    delay = Math.min(delay * 2, 5_000);
  }
}

/** A table accepts one index change at a time: wait until nothing is being built or deleted. */
function whenIdle(executor: Executor, tableName: string, wait: Waiting): Promise<void> {
  return settled(executor, tableName, wait, () => true);
}

function isIdle(table: TableDescription): boolean {
  return (
    table.TableStatus === 'ACTIVE' &&
    (table.GlobalSecondaryIndexes ?? []).every((index) => index.IndexStatus === 'ACTIVE')
  );
}
