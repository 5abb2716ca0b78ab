import type { TableDescription, UpdateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { ResourceInUseError, ResourceNotFoundError, ValidationError, sleep, type Executor } from '@dynamodel/executor';
import { TableMismatchError } from '../errors/item-errors';
import { describeChange, type PlannedTable, type TableChange } from '../schema/table-diff';
import type { Connection } from './connection';
import { defaultConnection } from './default-connection';
import type { TablePlan } from './plan-tables';

export interface ApplyOptions {
  /** Where the tables live; default the default connection (the one the plan was made on). */
  readonly connection?: Connection;
  /** Carry out destructive changes too: index drops; TTL, stream, PITR or deletion protection turned off. */
  readonly allowDrops?: boolean;
  /** Told of each change as it starts, while it is waited for, and when it is done or skipped. */
  readonly onProgress?: (progress: ApplyProgress) => void;
  /** How long to wait for a table or an index to become ACTIVE, per change. Default 30 minutes. */
  readonly timeoutMs?: number;
  /** Stops between changes (and while waiting); a new plan then lists only what remains. */
  readonly signal?: AbortSignal;
}

export interface ApplyProgress {
  readonly table: string;
  readonly change: TableChange;
  /** The change in words (`describeChange`). */
  readonly description: string;
  /** 1-based position of the change among all the plan's changes, and their number. */
  readonly step: number;
  readonly steps: number;
  readonly status: 'started' | 'waiting' | 'done' | 'skipped';
}

export interface ApplyResult {
  readonly applied: readonly { readonly table: string; readonly change: TableChange }[];
  /** Destructive changes left out (no `allowDrops`). */
  readonly skipped: readonly { readonly table: string; readonly change: TableChange }[];
  /** Tables left as they are because some difference cannot be made in place (`PlannedTable.blocked`). */
  readonly blocked: readonly PlannedTable[];
}

/**
 * Carries out a plan in the order DynamoDB allows: per table, one change per request (one global
 * index created or deleted per `UpdateTable`), each waited for until the table and its indexes are
 * ACTIVE before the next. Destructive changes are skipped unless `allowDrops`; a table with a
 * blocked difference is not touched. Interrupted (the signal, a crash), it leaves the tables
 * consistent: planning again lists only what remains.
 */
export async function applyPlan(plan: TablePlan, options: ApplyOptions = {}): Promise<ApplyResult> {
  const connection = options.connection ?? defaultConnection();
  const executor = await connection.executor();
  const applied: { table: string; change: TableChange }[] = [];
  const skipped: { table: string; change: TableChange }[] = [];
  const blocked = plan.tables.filter((table) => table.blocked.length > 0);
  const runnable = plan.tables.filter((table) => table.blocked.length === 0);
  const steps = runnable.reduce((sum, table) => sum + table.changes.length, 0);
  let step = 0;
  for (const table of runnable) {
    // An index replaced (dropped, then created with another key) is left whole when its drop is skipped.
    const kept = new Set<string>();
    for (const change of table.changes) {
      step++;
      const progress = (status: ApplyProgress['status']) =>
        options.onProgress?.({
          table: table.tableName,
          change,
          description: describeChange(change),
          step,
          steps,
          status,
        });
      const keptIndex = change.kind === 'add-index' && kept.has(change.index);
      if ((change.destructive && !options.allowDrops) || keptIndex) {
        if (change.kind === 'drop-index') kept.add(change.index);
        skipped.push({ table: table.tableName, change });
        progress('skipped');
        continue;
      }
      options.signal?.throwIfAborted();
      progress('started');
      await applyChange(executor, table.tableName, change, {
        deadline: Date.now() + (options.timeoutMs ?? 30 * 60_000),
        signal: options.signal,
        waiting: () => progress('waiting'),
      });
      applied.push({ table: table.tableName, change });
      progress('done');
    }
  }
  return { applied, skipped, blocked };
}

interface Waiting {
  readonly deadline: number;
  readonly signal: AbortSignal | undefined;
  readonly waiting: () => void;
}

/** One change: its request, then the wait until DynamoDB has finished it. */
async function applyChange(executor: Executor, tableName: string, change: TableChange, wait: Waiting): Promise<void> {
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
      await tolerating(/already exists|being (created|updated)|in progress/i, () =>
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

/**
 * Sends `request`; an answer saying the change is already made or under way (another applier's) is
 * not an error: the caller waits for the outcome either way.
 */
async function tolerating(already: RegExp, request: () => Promise<unknown>): Promise<void> {
  try {
    await request();
  } catch (error) {
    const concurrent =
      error instanceof ResourceInUseError || (error instanceof ValidationError && already.test(error.message));
    if (!concurrent) throw error;
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
