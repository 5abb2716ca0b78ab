import type { DescribeTableCommandOutput, TableDescription } from '@aws-sdk/client-dynamodb';
import {
  ResourceInUseError,
  ResourceNotFoundError,
  ServiceError,
  ValidationError,
  sleep,
  type Executor,
} from '@dynamodel/executor';
import { TableMismatchError } from '../errors/item-errors';
import type { ModelSchema } from '../schema/compile-model';
import { createTableInput } from '../schema/table-schema';
import { ensureIndexes } from './ensure-indexes';
import { readLiveTable } from './live-table';
import { applyChange } from './table-changes';
import { definitionOf } from '../schema/table-definition';
import { diffTable } from '../schema/table-diff';

/** What `syncTables` did to a table: created it, found it as the model needs it, or added indexes to it. */
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

/**
 * Creates the model's table when it does not exist, waits until it is ACTIVE and enables TTL.
 * Idempotent and safe when several processes do it at once: a table another process is creating
 * is waited for, never re-created. An existing table gets the global indexes it lacks and is
 * otherwise never changed; if its keys or indexes differ from the model's, `TableMismatchError`
 * says how.
 */
export async function ensureTable(
  executor: Executor,
  schema: ModelSchema,
  tableName: string,
  options: EnsureTableOptions = {},
): Promise<TableSyncResult> {
  let result: TableSyncResult = 'existed';
  const deadline = Date.now() + (options.timeoutMs ?? 300_000);
  let delay = 50;
  for (;;) {
    const table = await describe(executor, tableName, options.signal);
    if (!table) {
      // Absent (or gone while being deleted): create it. ResourceInUse means another process is.
      try {
        await executor.send('CreateTable', createTableInput(schema.table, tableName), { signal: options.signal });
        result = 'created';
      } catch (error) {
        if (!(error instanceof ResourceInUseError)) throw error;
      }
    } else if (table.TableStatus === 'ACTIVE') {
      checkKeySchema(schema, tableName, table);
      const added = await ensureIndexes(executor, schema, tableName, table, { deadline, signal: options.signal });
      if (added.length > 0 && result === 'existed') result = 'indexes-added';
      break;
    }
    if (Date.now() > deadline) {
      throw new ResourceInUseError(
        `table ${tableName} did not become ACTIVE in time (status ${table?.TableStatus ?? 'absent'})`,
        { code: 'TableNotActive', table: tableName, operation: 'DescribeTable' },
      );
    }
    await sleep(delay, options.signal);
    delay = Math.min(delay * 2, 2_000);
  }
  if (schema.table.ttlAttribute) {
    await ensureTtl(executor, schema, tableName, schema.table.ttlAttribute, options.signal);
  }
  if (schema.table.pointInTimeRecovery) await ensurePointInTimeRecovery(executor, tableName, options.signal);
  await applySafeSettings(executor, schema, tableName, options);
  return result;
}

/**
 * The rest of "plan, then apply the safe part" (`schema/table-diff.ts`): a stream the models declare
 * and the table lacks is turned on, and so is deletion protection. A stream of another view type
 * would be a new stream, so it is a `TableMismatchError`; turning anything off, billing changes and
 * index drops are left to `planTables`/`applyPlan`.
 */
async function applySafeSettings(
  executor: Executor,
  schema: ModelSchema,
  tableName: string,
  options: EnsureTableOptions,
): Promise<void> {
  const planned = diffTable(
    definitionOf(tableName, [schema]),
    await readLiveTable(executor, tableName, options.signal),
  );
  const wantedStream = planned.changes.find((change) => change.kind === 'enable-stream');
  const otherStream = planned.changes.find((change) => change.kind === 'disable-stream');
  if (wantedStream && otherStream) {
    throw new TableMismatchError(
      `${schema.model}: table ${tableName} has a ${otherStream.viewType} stream, but the model declares ${wantedStream.viewType}; ` +
        'changing it makes a new stream: apply it with planTables/applyPlan({ allowDrops: true })',
      {
        model: schema.model,
        table: tableName,
        differences: [`stream ${otherStream.viewType} in the table, ${wantedStream.viewType} in the model`],
      },
    );
  }
  const safe = planned.changes.filter(
    (change) => change.kind === 'enable-stream' || (change.kind === 'set-deletion-protection' && change.enabled),
  );
  const deadline = Date.now() + (options.timeoutMs ?? 300_000);
  for (const change of safe) {
    await applyChange(executor, tableName, change, { deadline, signal: options.signal, waiting: () => undefined });
  }
}

/**
 * Turns point-in-time recovery on where it is off (never off: a plan that drops it must say so).
 * An endpoint without it (DynamoDB Local answers `UnknownOperationException`) is reported as a
 * `table-setting` event, and the table is used without it.
 */
async function ensurePointInTimeRecovery(executor: Executor, tableName: string, signal?: AbortSignal): Promise<void> {
  try {
    const { ContinuousBackupsDescription: backups } = await executor.send(
      'DescribeContinuousBackups',
      { TableName: tableName },
      { signal },
    );
    if (backups?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus === 'ENABLED') return;
    await executor.send(
      'UpdateContinuousBackups',
      { TableName: tableName, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } },
      { signal },
    );
  } catch (error) {
    if (!(error instanceof ServiceError) || error.code !== 'UnknownOperationException') throw error;
    executor.events?.emit({
      type: 'table-setting',
      table: tableName,
      setting: 'pointInTimeRecovery',
      status: 'unsupported',
      reason: `the endpoint has no point-in-time recovery (${error.message})`,
    });
  }
}

async function describe(
  executor: Executor,
  tableName: string,
  signal?: AbortSignal,
): Promise<TableDescription | undefined> {
  try {
    const output: DescribeTableCommandOutput = await executor.send(
      'DescribeTable',
      { TableName: tableName },
      { signal },
    );
    return output.Table;
  } catch (error) {
    if (error instanceof ResourceNotFoundError) return undefined;
    throw error;
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

async function ensureTtl(
  executor: Executor,
  schema: ModelSchema,
  tableName: string,
  attribute: string,
  signal?: AbortSignal,
): Promise<void> {
  const current = async (): Promise<{ status?: string; attribute?: string }> => {
    const output = await executor.send('DescribeTimeToLive', { TableName: tableName }, { signal });
    const ttl = output.TimeToLiveDescription;
    return { status: ttl?.TimeToLiveStatus, attribute: ttl?.AttributeName };
  };
  let ttl = await current();
  if (ttl.status === 'ENABLED' || ttl.status === 'ENABLING') {
    if (ttl.attribute === attribute) return;
    throw new TableMismatchError(
      `${schema.model}: table ${tableName} has TTL on "${ttl.attribute}", but the model declares "${attribute}"`,
      { model: schema.model, table: tableName },
    );
  }
  try {
    await executor.send(
      'UpdateTimeToLive',
      { TableName: tableName, TimeToLiveSpecification: { Enabled: true, AttributeName: attribute } },
      { signal },
    );
  } catch (error) {
    // Another process enabled it between our describe and update: the service says it is already on.
    if (!(error instanceof ValidationError)) throw error;
    ttl = await current();
    if ((ttl.status === 'ENABLED' || ttl.status === 'ENABLING') && ttl.attribute === attribute) return;
    throw error;
  }
}
