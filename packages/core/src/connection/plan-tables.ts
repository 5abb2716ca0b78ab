import { describeChange, diffTable, type PlannedTable } from '../schema/table-diff';
import { tableDefinitions, type DefinitionSource } from '../schema/table-definition';
import type { Connection } from './connection';
import { defaultConnection } from './default-connection';
import { readLiveTable } from './live-table';

/** What `planTables` found: per table, the changes that bring it to the models. Nothing was sent but reads. */
export interface TablePlan {
  readonly tables: readonly PlannedTable[];
  /** Whether any change is to be made (what a CI check fails on). */
  readonly pending: boolean;
  /** Whether some change needs `allowDrops` (an index dropped; TTL, stream, PITR or deletion protection off). */
  readonly destructive: boolean;
  /** Whether some difference cannot be made in place (see each table's `blocked`, with the way out). */
  readonly blocked: boolean;
  /** The plan as text, a line per change: what `dynamodel tables plan` prints. */
  format(): string;
}

export interface PlanOptions {
  /** Where the tables live (its prefix applies); default the default connection. */
  readonly connection?: Connection;
  readonly signal?: AbortSignal;
}

/**
 * Compares the models' tables with the live ones and lists what would be created, added, changed
 * or dropped, and what cannot be changed in place. Reads only (`DescribeTable`,
 * `DescribeTimeToLive`, `DescribeContinuousBackups`); `applyPlan` carries it out.
 */
export async function planTables(
  models: DefinitionSource | readonly DefinitionSource[],
  options: PlanOptions = {},
): Promise<TablePlan> {
  const connection = options.connection ?? defaultConnection();
  const definitions = tableDefinitions(models, { prefix: connection.prefix });
  const executor = await connection.executor();
  const tables = await Promise.all(
    definitions.map(async (definition) =>
      diffTable(definition, await readLiveTable(executor, definition.tableName, options.signal)),
    ),
  );
  return planOf(tables);
}

/** A plan of already compared tables. */
export function planOf(tables: readonly PlannedTable[]): TablePlan {
  return Object.freeze({
    tables,
    pending: tables.some((table) => table.changes.length > 0 || table.blocked.length > 0),
    destructive: tables.some((table) => table.changes.some((change) => change.destructive)),
    blocked: tables.some((table) => table.blocked.length > 0),
    format: () => formatPlan(tables),
  });
}

function formatPlan(tables: readonly PlannedTable[]): string {
  const lines: string[] = [];
  for (const table of tables) {
    const state = !table.exists
      ? 'to create'
      : table.changes.length + table.blocked.length === 0
        ? 'up to date'
        : 'to change';
    lines.push(`table ${table.tableName} (${table.models.join(', ')}): ${state}`);
    for (const change of table.changes)
      lines.push(
        `  ${change.destructive ? '-' : '+'} ${describeChange(change)}${change.destructive ? ' [needs allowDrops]' : ''}`,
      );
    for (const blocked of table.blocked) lines.push(`  ! ${blocked.what}\n      way out: ${blocked.wayOut}`);
    for (const note of table.notes) lines.push(`  · ${note}`);
  }
  return lines.join('\n');
}
