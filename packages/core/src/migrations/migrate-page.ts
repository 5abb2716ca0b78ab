import {
  ConditionFailedError,
  OutcomeUnknownError,
  ValidationError,
  batchWrite,
  type Executor,
} from '@dynamodel/executor';
import type { Item } from '../codecs/object-codec';
import type { DeadLetter } from './dead-letters';
import {
  keyOf,
  migrateItem,
  migrationUpdate,
  type MigrationStepPlan,
  type MigrationTarget,
  type WriteGuard,
} from './migration-item';
import { zeroCounts, type RunCounts } from './migration-store';
import { inSettledPool } from './settled-pool';

/** How a run writes migrated items. */
export interface PageWriting {
  readonly executor: Executor;
  readonly tableName: string;
  readonly target: MigrationTarget;
  /**
   * `conditional`: one `UpdateItem` per item, conditioned on the item being as read (safe beside
   * live writers and a worker that lost its lease). `batch`: `BatchWriteItem` through the batch
   * engine, whole items: faster, for tables nothing else writes meanwhile. `none`: a dry run.
   */
  readonly write: 'conditional' | 'batch' | 'none';
  readonly guard: WriteGuard;
  /** Writes in flight at once for one page. */
  readonly concurrency: number;
  /** The caller's: aborts writes in flight. */
  readonly signal: AbortSignal | undefined;
  /**
   * The run's or the segment's stop (a failure elsewhere, a lost lease), with the caller's signal:
   * once it fires no write starts, and those in flight are waited for rather than aborted — an
   * aborted write may still be applied after the run has told its caller it stopped.
   */
  readonly stop: AbortSignal | undefined;
}

/** What became of a page's items. */
export interface PageOutcome {
  readonly counts: RunCounts;
  /** Items not migrated, for the dead-letter report. */
  readonly failures: readonly Omit<DeadLetter, 'model' | 'version' | 'direction' | 'dryRun'>[];
}

/** How often an item changed by another writer between read and write is read and transformed again. */
const MAX_RACES = 5;

/** Transforms a page of scanned items and writes the migrated ones. */
export async function migratePage(
  plan: MigrationStepPlan,
  writing: PageWriting,
  scanned: readonly Item[],
): Promise<PageOutcome> {
  const counts = zeroCounts();
  const failures: { key: Item; item: Item; reason: string }[] = [];
  const fail = (item: Item, reason: string): void => {
    counts.deadLettered++;
    failures.push({ key: keyOf(writing.target, item), item, reason });
  };
  const items = scanned.filter(writing.target.owns);
  counts.scanned = items.length;
  const results = await inSettledPool(
    items,
    writing.write === 'batch' ? Infinity : writing.concurrency,
    async (item) => {
      const result = await migrateItem(plan, writing.target, item);
      if (result.kind !== 'write' || writing.write !== 'conditional') return result;
      return writeConditionally(plan, writing, item, result);
    },
  );
  const batched: { read: Item; item: Item; unchanged: boolean }[] = [];
  results.forEach((result, index) => {
    const item = items[index] as Item;
    switch (result.kind) {
      case 'not-due':
        counts.notDue++;
        break;
      case 'left-out':
        counts.leftOut++;
        break;
      case 'failed':
        fail(item, result.reason);
        break;
      case 'write':
        if (writing.write === 'batch') batched.push({ read: item, item: result.item, unchanged: result.unchanged });
        else {
          counts.migrated++;
          if (result.unchanged) counts.unchanged++;
        }
    }
  });
  if (batched.length > 0) {
    writing.stop?.throwIfAborted();
    const report = await batchWrite(writing.executor, writing.tableName, batched, {
      keyAttributes: writing.target.keyNames,
      concurrency: writing.concurrency,
      keepFailures: Infinity,
      ...(writing.signal ? { signal: writing.signal } : {}),
      toRequest: (entry) => ({ PutRequest: { Item: entry.item } }),
    });
    const failed = new Set(report.failures.map((failure) => failure.input));
    for (const failure of report.failures) {
      fail(
        failure.input.read,
        `not written: ${failure.reason.message}${failure.reason instanceof OutcomeUnknownError ? ' (it may be stored: the answer was lost)' : ''}`,
      );
    }
    if (report.notAttempted > 0) writing.signal?.throwIfAborted();
    for (const entry of batched) {
      if (failed.has(entry)) continue;
      counts.migrated++;
      if (entry.unchanged) counts.unchanged++;
    }
  }
  return { counts, failures };
}

/**
 * One item's conditional write. A condition failure means another writer changed the item since it
 * was read: it is read again (strongly consistent) and, if still due, transformed and written again.
 */
async function writeConditionally(
  plan: MigrationStepPlan,
  writing: PageWriting,
  read: Item,
  migration: Extract<Awaited<ReturnType<typeof migrateItem>>, { kind: 'write' }>,
): Promise<Awaited<ReturnType<typeof migrateItem>>> {
  let current = read;
  let result: Awaited<ReturnType<typeof migrateItem>> = migration;
  for (let attempt = 0; attempt < MAX_RACES; attempt++) {
    if (result.kind !== 'write') return result;
    writing.stop?.throwIfAborted();
    try {
      await writing.executor.send(
        'UpdateItem',
        migrationUpdate(writing.tableName, writing.target, current, result.item, writing.guard),
        // Re-sendable: a re-sent write finds the version changed and fails its condition, which
        // is then read as "not due".
        { idempotent: true, ...(writing.signal ? { signal: writing.signal } : {}) },
      );
      return result;
    } catch (error) {
      if (error instanceof ValidationError) {
        // The item guard names every attribute; DynamoDB allows 4 KB of expression.
        const hint =
          writing.guard === 'item' && /expression size/i.test(error.message)
            ? " (the item has too many attributes for guard 'item': run with guard 'version')"
            : '';
        return { kind: 'failed', reason: `not written: ${error.message}${hint}` };
      }
      if (!(error instanceof ConditionFailedError)) throw error;
    }
    const output = await writing.executor.send(
      'GetItem',
      { TableName: writing.tableName, Key: keyOf(writing.target, current), ConsistentRead: true },
      { idempotent: true, ...(writing.signal ? { signal: writing.signal } : {}) },
    );
    if (!output.Item) return { kind: 'not-due' }; // deleted meanwhile: nothing left to migrate
    current = output.Item;
    result = await migrateItem(plan, writing.target, current);
  }
  return { kind: 'failed', reason: `changed by other writers between read and write ${MAX_RACES} times in a row` };
}
