import type {
  AttributeDefinition,
  GlobalSecondaryIndex,
  KeySchemaElement,
  Projection,
  TableDescription,
} from '@aws-sdk/client-dynamodb';
import { ResourceInUseError, sleep, type Executor } from '@dynamodel/executor';
import { TableMismatchError } from '../errors/item-errors';
import type { ModelSchema } from '../schema/compile-model';
import { globalIndexInput } from '../schema/table-schema';
import { indexWaitHint } from './index-wait-hint';
import { INDEX_BEING_MADE, isConcurrentChange } from './table-changes';

export interface EnsureIndexesOptions {
  /** When to give up waiting for a new index to become ACTIVE (epoch ms). */
  readonly deadline: number;
  readonly signal?: AbortSignal | undefined;
}

/**
 * Brings an existing table's secondary indexes up to the model: each global index the table lacks
 * is created with `UpdateTable` (one per call, as DynamoDB requires) and waited for until ACTIVE.
 * Nothing is ever dropped or changed: an index of the same name with another key or projection, a
 * missing local index (those exist only from `CreateTable`), or a key attribute defined with another
 * type is a `TableMismatchError` listing every difference. Indexes the model does not declare are
 * left alone. Returns the names of the indexes it created.
 */
export async function ensureIndexes(
  executor: Executor,
  schema: ModelSchema,
  tableName: string,
  table: TableDescription,
  options: EnsureIndexesOptions,
): Promise<string[]> {
  const differences = indexDifferences(schema, table);
  if (differences.length > 0) {
    throw new TableMismatchError(
      `${schema.model}: table ${tableName} differs from the model: ${differences.join('; ')}. Dynamodel never ` +
        'drops or changes an index — migrate the table, or rename the index in the model',
      { model: schema.model, table: tableName, differences },
    );
  }
  const added: string[] = [];
  let current = table;
  for (const index of schema.table.globalIndexes) {
    const result = await ensureGlobalIndex(executor, schema, tableName, index, current, options);
    if (result.created) added.push(index.IndexName as string);
    current = result.table;
  }
  // Whatever another process did meanwhile must match too.
  const after = indexDifferences(schema, current);
  if (after.length > 0) {
    throw new TableMismatchError(`${schema.model}: table ${tableName} differs from the model: ${after.join('; ')}`, {
      model: schema.model,
      table: tableName,
      differences: after,
    });
  }
  return added;
}

/** Every way the table's indexes and attribute types differ from the model's, in words. */
export function indexDifferences(schema: ModelSchema, table: TableDescription): string[] {
  const differences: string[] = [];
  const types = new Map((table.AttributeDefinitions ?? []).map((d) => [d.AttributeName, d.AttributeType]));
  for (const definition of schema.table.attributeDefinitions) {
    const actual = types.get(definition.AttributeName);
    if (actual !== undefined && actual !== definition.AttributeType) {
      differences.push(
        `attribute "${definition.AttributeName}" is defined as ${actual} in the table, ${definition.AttributeType} in the model`,
      );
    }
  }
  const globals = new Map((table.GlobalSecondaryIndexes ?? []).map((index) => [index.IndexName, index]));
  const locals = new Map((table.LocalSecondaryIndexes ?? []).map((index) => [index.IndexName, index]));
  for (const index of schema.table.globalIndexes) {
    const name = index.IndexName as string;
    if (locals.has(name)) differences.push(`"${name}" is a local index in the table, a global one in the model`);
    const actual = globals.get(name);
    if (actual) differences.push(...describeDifference(name, index, actual));
  }
  for (const index of schema.table.localIndexes) {
    const name = index.IndexName as string;
    const actual = locals.get(name);
    if (!actual) {
      differences.push(
        `local index "${name}" is missing, and local indexes can only be created with the table` +
          (globals.has(name) ? ' (the table has a global index of that name)' : ''),
      );
    } else differences.push(...describeDifference(name, index, actual));
  }
  return differences;
}

function describeDifference(
  name: string,
  expected: { KeySchema?: KeySchemaElement[] | undefined; Projection?: Projection | undefined },
  actual: { KeySchema?: KeySchemaElement[] | undefined; Projection?: Projection | undefined },
): string[] {
  const differences: string[] = [];
  const keys = (schema: KeySchemaElement[] | undefined) =>
    (schema ?? []).map((element) => `${element.KeyType} ${element.AttributeName}`).join(', ');
  if (keys(expected.KeySchema) !== keys(actual.KeySchema)) {
    differences.push(
      `index "${name}" has key ${keys(actual.KeySchema)} in the table, ${keys(expected.KeySchema)} in the model`,
    );
  }
  const projection = (p: Projection | undefined) =>
    p?.ProjectionType === 'INCLUDE'
      ? `INCLUDE ${[...(p.NonKeyAttributes ?? [])].sort().join(', ')}`
      : (p?.ProjectionType ?? 'ALL');
  if (projection(expected.Projection) !== projection(actual.Projection)) {
    differences.push(
      `index "${name}" projects ${projection(actual.Projection)} in the table, ${projection(expected.Projection)} in the model`,
    );
  }
  return differences;
}

/**
 * Creates one GSI if the table lacks it and waits until it is ACTIVE. The table accepts one index
 * change at a time: while it (or another process's index) is being built, the create waits and is
 * tried again; another process creating the same index is simply waited for.
 */
async function ensureGlobalIndex(
  executor: Executor,
  schema: ModelSchema,
  tableName: string,
  index: GlobalSecondaryIndex,
  table: TableDescription,
  options: EnsureIndexesOptions,
): Promise<{ created: boolean; table: TableDescription }> {
  const indexName = index.IndexName as string;
  let created = false;
  let delay = 50;
  let current = table;
  for (;;) {
    const found = current.GlobalSecondaryIndexes?.find((candidate) => candidate.IndexName === indexName);
    if (found?.IndexStatus === 'ACTIVE' && current.TableStatus === 'ACTIVE') return { created, table: current };
    if (!found && !created) created = await createIndex(executor, schema, tableName, index, options.signal);
    if (Date.now() > options.deadline) {
      throw new ResourceInUseError(
        `index ${indexName} of table ${tableName} did not become ACTIVE in time (status ${found?.IndexStatus ?? 'absent'})` +
          indexWaitHint(current),
        { code: 'IndexNotActive', table: tableName, operation: 'DescribeTable' },
      );
    }
    await sleep(delay, options.signal);
    delay = Math.min(delay * 2, 2_000);
    current = (await executor.send('DescribeTable', { TableName: tableName }, { signal: options.signal })).Table ?? {};
  }
}

/** Sends the create; `false` when the table is busy or another process is creating it (the caller waits). */
async function createIndex(
  executor: Executor,
  schema: ModelSchema,
  tableName: string,
  index: GlobalSecondaryIndex,
  signal: AbortSignal | undefined,
): Promise<boolean> {
  const keyNames = new Set(index.KeySchema?.map((element) => element.AttributeName));
  const definitions: AttributeDefinition[] = schema.table.attributeDefinitions
    .filter((definition) => keyNames.has(definition.AttributeName))
    .map((definition) => ({ ...definition }));
  try {
    await executor.send(
      'UpdateTable',
      {
        TableName: tableName,
        AttributeDefinitions: definitions,
        GlobalSecondaryIndexUpdates: [{ Create: globalIndexInput(schema.table, index) }],
      },
      { signal },
    );
    return true;
  } catch (error) {
    if (isConcurrentChange(error, INDEX_BEING_MADE)) return false;
    throw error;
  }
}
