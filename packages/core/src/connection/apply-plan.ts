import { describeChange, type PlannedTable, type TableChange } from '../schema/table-diff';
import type { Connection } from './connection';
import { defaultConnection } from './default-connection';
import type { TablePlan } from './plan-tables';
import { applyChange } from './table-changes';

export interface ApplyOptions {
  /** Where the tables live; default the default connection (the one the plan was made on). */
  readonly connection?: Connection | undefined;
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
  /** `unsupported`: the endpoint cannot make the change (point-in-time recovery on DynamoDB Local). */
  readonly status: 'started' | 'waiting' | 'done' | 'skipped' | 'unsupported';
}

export interface ApplyResult {
  readonly applied: readonly { readonly table: string; readonly change: TableChange }[];
  /** Destructive changes left out (no `allowDrops`). */
  readonly skipped: readonly { readonly table: string; readonly change: TableChange }[];
  /** Tables left as they are because some difference cannot be made in place (`PlannedTable.blocked`). */
  readonly blocked: readonly PlannedTable[];
  /** Changes the endpoint cannot make (point-in-time recovery on DynamoDB Local); the rest went on. */
  readonly unsupported: readonly { readonly table: string; readonly change: TableChange }[];
}

/**
 * Carries out a plan in the order DynamoDB allows: per table, one change per request (one global
 * index created or deleted per `UpdateTable`), each waited for until the table and its indexes are
 * ACTIVE before the next. Destructive changes are skipped unless `allowDrops`; a table with a
 * blocked difference is not touched. Interrupted (the signal, a crash), it leaves the tables
 * consistent: planning again lists only what remains.
 */
export async function applyPlan(plan: TablePlan, options: ApplyOptions = {}): Promise<ApplyResult> {
  const executor = await (options.connection ?? defaultConnection()).executor();
  const applied: { table: string; change: TableChange }[] = [];
  const skipped: { table: string; change: TableChange }[] = [];
  const unsupported: { table: string; change: TableChange }[] = [];
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
      const outcome = await applyChange(executor, table.tableName, change, {
        deadline: Date.now() + (options.timeoutMs ?? 30 * 60_000),
        signal: options.signal,
        waiting: () => progress('waiting'),
      });
      if (outcome === 'unsupported') {
        unsupported.push({ table: table.tableName, change });
        progress('unsupported');
        continue;
      }
      applied.push({ table: table.tableName, change });
      progress('done');
    }
  }
  return { applied, skipped, blocked, unsupported };
}
