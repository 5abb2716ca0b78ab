import type { TableDescription } from '@aws-sdk/client-dynamodb';
import { ResourceInUseError, ResourceNotFoundError, sleep, type Executor } from '@dynamodel/executor';
import { TableMismatchError } from '../errors/item-errors';
import type { ModelSchema } from '../schema/compile-model';
import { definitionOf } from '../schema/table-definition';
import { diffTable, type LiveTable, type PlannedTable, type TableChange } from '../schema/table-diff';
import { indexDifferences } from './index-differences';
import { readLiveTable } from './live-table';
import { applyChange, reportNoPointInTimeRecovery, type Waiting } from './table-changes';

/**
 * What `syncTables` did to one table: `created` it (and waited until ACTIVE, TTL enabled), found it
 * `existed` as the models describe it (TTL enabled where it was off), or `indexes-added`: created the
 * global indexes a model gained, one at a time, each waited for until ACTIVE.
 */
export type TableSyncResult = 'created' | 'existed' | 'indexes-added';

export interface EnsureTableOptions {
  /** How long to wait for the table to become ACTIVE. Default 5 minutes. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

/** How many times the table is planned again after applying (another process may have changed it meanwhile). */
const MAX_ROUNDS = 4;

/**
 * "Plan, then apply the safe part" for one model's table: the same comparison as `planTables`
 * (`schema/table-diff.ts`), and of its changes only those that lose nothing — create the table,
 * add a global index, turn TTL, the stream, point-in-time recovery or deletion protection on —
 * applied as `applyPlan` applies them (`connection/table-changes.ts`). Idempotent and safe when
 * several processes do it at once: a table or index another process is making is waited for,
 * never made twice. What it will not do is an error before anything is sent: a key, a local index
 * or an index of the same name that differs, TTL on another attribute or a stream of another view
 * type is a `TableMismatchError` saying how (`planTables`/`applyPlan` change what can be changed).
 * Indexes the model does not declare are left alone.
 */
export async function ensureTable(
  executor: Executor,
  schema: ModelSchema,
  tableName: string,
  options: EnsureTableOptions = {},
): Promise<TableSyncResult> {
  const wait: Waiting = {
    deadline: Date.now() + (options.timeoutMs ?? 300_000),
    signal: options.signal,
    waiting: () => undefined,
  };
  const definition = definitionOf(tableName, [schema]);
  let result: TableSyncResult = 'existed';
  let toldNoRecovery = false;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const live = await readSettledTable(executor, tableName, wait);
    const planned = diffTable(definition, live);
    refuseUnsafe(schema, tableName, planned, live);
    const safe = planned.changes.filter(isSafe);
    if (safe.length === 0) {
      if (definition.pointInTimeRecovery && live.pointInTimeRecovery === 'unsupported' && !toldNoRecovery) {
        reportNoPointInTimeRecovery(executor, tableName, 'DescribeContinuousBackups is unknown to it');
      }
      return result;
    }
    for (const change of safe) {
      const outcome = await applyChange(executor, tableName, change, wait);
      if (outcome === 'unsupported') toldNoRecovery = true;
      // Made by another process meanwhile (`already`): this one waited for it, and says `existed`.
      if (outcome !== 'done') continue;
      if (change.kind === 'create-table') result = 'created';
      else if (change.kind === 'add-index' && result === 'existed') result = 'indexes-added';
    }
  }
  throw new TableMismatchError(
    `${schema.model}: table ${tableName} still differs from the model after ${MAX_ROUNDS} rounds of changes: plan it (planTables) to see how`,
    { model: schema.model, table: tableName },
  );
}

/** The changes `syncTables` makes: those that add and lose nothing. */
function isSafe(change: TableChange): boolean {
  switch (change.kind) {
    case 'create-table':
    case 'add-index':
    case 'enable-ttl':
    case 'enable-pitr':
    case 'enable-stream':
      return true;
    case 'set-deletion-protection':
      return change.enabled;
    default:
      // Drops and turning things off need allowDrops; billing changes are limited in number per
      // day by DynamoDB, so they are planned and applied on purpose (planTables/applyPlan).
      return false;
  }
}

/** A difference `syncTables` would have to lose something to make is a `TableMismatchError`, before anything is sent. */
function refuseUnsafe(schema: ModelSchema, tableName: string, planned: PlannedTable, live: LiveTable): void {
  const table = live.table;
  if (!table) return;
  checkKeySchema(schema, tableName, table);
  // An index of the model that differs in the table (key, projection, global or local), a missing
  // local index, a key attribute of another type: in the words of indexDifferences, or else of the plan.
  const found = indexDifferences(schema, table);
  if (found.length > 0 || planned.blocked.length > 0) {
    const differences = found.length > 0 ? found : planned.blocked.map((blocked) => blocked.what);
    throw new TableMismatchError(
      `${schema.model}: table ${tableName} differs from the model: ${differences.join('; ')}. Dynamodel never ` +
        'drops or changes an index — migrate the table, or rename the index in the model',
      { model: schema.model, table: tableName, differences },
    );
  }
  const ttlOff = planned.changes.find((change) => change.kind === 'disable-ttl');
  const ttlOn = planned.changes.find((change) => change.kind === 'enable-ttl');
  if (ttlOff && ttlOn) {
    throw new TableMismatchError(
      `${schema.model}: table ${tableName} has TTL on "${ttlOff.attribute}", but the model declares "${ttlOn.attribute}"`,
      { model: schema.model, table: tableName },
    );
  }
  const streamOff = planned.changes.find((change) => change.kind === 'disable-stream');
  const streamOn = planned.changes.find((change) => change.kind === 'enable-stream');
  if (streamOff && streamOn) {
    throw new TableMismatchError(
      `${schema.model}: table ${tableName} has a ${streamOff.viewType} stream, but the model declares ${streamOn.viewType}; ` +
        'changing it makes a new stream: apply it with planTables/applyPlan({ allowDrops: true })',
      {
        model: schema.model,
        table: tableName,
        differences: [`stream ${streamOff.viewType} in the table, ${streamOn.viewType} in the model`],
      },
    );
  }
}

/**
 * The table once nothing is under way: absent (or gone, if it was being deleted), or ACTIVE with
 * every index ACTIVE — a table or index another process is making is waited for, not planned.
 */
async function readSettledTable(executor: Executor, tableName: string, wait: Waiting): Promise<LiveTable> {
  let delay = 50;
  for (;;) {
    let table: TableDescription | undefined;
    try {
      table = (await executor.send('DescribeTable', { TableName: tableName }, { signal: wait.signal })).Table;
    } catch (error) {
      if (!(error instanceof ResourceNotFoundError)) throw error;
    }
    const idle =
      table?.TableStatus === 'ACTIVE' &&
      (table.GlobalSecondaryIndexes ?? []).every((index) => index.IndexStatus === 'ACTIVE');
    if (!table || idle) return readLiveTable(executor, tableName, wait.signal);
    if (Date.now() > wait.deadline) {
      throw new ResourceInUseError(
        `table ${tableName} did not become ACTIVE in time (status ${table.TableStatus ?? 'unknown'})`,
        { code: 'TableNotActive', table: tableName, operation: 'DescribeTable' },
      );
    }
    await sleep(delay, wait.signal);
    delay = Math.min(delay * 2, 2_000);
  }
}

function checkKeySchema(schema: ModelSchema, tableName: string, table: TableDescription): void {
  const describeKeys = (
    keys: readonly { AttributeName?: string; KeyType?: string }[],
    types: Map<string, string>,
  ): string =>
    keys.map((key) => `${key.KeyType} ${key.AttributeName} (${types.get(key.AttributeName ?? '') ?? '?'})`).join(', ');
  const actualTypes = new Map(
    (table.AttributeDefinitions ?? []).map((d) => [d.AttributeName ?? '', d.AttributeType ?? '']),
  );
  const expectedTypes = new Map(
    schema.table.attributeDefinitions.map((d) => [d.AttributeName ?? '', d.AttributeType ?? '']),
  );
  const actual = describeKeys(table.KeySchema ?? [], actualTypes);
  const expected = describeKeys(schema.table.keySchema, expectedTypes);
  if (actual !== expected) {
    throw new TableMismatchError(
      `${schema.model}: table ${tableName} exists with key ${actual}, but the model declares ${expected}; ` +
        'Dynamodel never changes an existing table — migrate it, or point the model at another table',
      { model: schema.model, table: tableName },
    );
  }
}
