import type {
  AttributeDefinition,
  CreateTableCommandInput,
  GlobalSecondaryIndex,
  GlobalSecondaryIndexDescription,
  KeySchemaElement,
  Projection,
  StreamViewType,
  TableDescription,
} from '@aws-sdk/client-dynamodb';
import type { TableDefinition } from './table-definition';

/** A table as it is: what `DescribeTable`, `DescribeTimeToLive` and `DescribeContinuousBackups` said. */
export interface LiveTable {
  readonly table: TableDescription | undefined;
  /** The attribute TTL is on (or being turned on) for; `undefined` when it is off. */
  readonly ttl: string | undefined;
  /** Point-in-time recovery, or `'unsupported'` where the endpoint has none (DynamoDB Local). */
  readonly pointInTimeRecovery: boolean | 'unsupported';
}

/** One change a plan makes, in the order it is applied. `destructive` ones need `allowDrops`. */
export type TableChange =
  | { readonly kind: 'create-table'; readonly input: CreateTableCommandInput; readonly destructive: false }
  | {
      readonly kind: 'add-index';
      readonly index: string;
      readonly input: GlobalSecondaryIndex;
      readonly attributeDefinitions: readonly AttributeDefinition[];
      readonly destructive: false;
    }
  | { readonly kind: 'drop-index'; readonly index: string; readonly reason: string; readonly destructive: true }
  | { readonly kind: 'enable-ttl'; readonly attribute: string; readonly destructive: false }
  | { readonly kind: 'disable-ttl'; readonly attribute: string; readonly reason: string; readonly destructive: true }
  | { readonly kind: 'enable-stream'; readonly viewType: StreamViewType; readonly destructive: false }
  | {
      readonly kind: 'disable-stream';
      readonly viewType: StreamViewType;
      readonly reason: string;
      readonly destructive: true;
    }
  | { readonly kind: 'enable-pitr'; readonly destructive: false }
  | { readonly kind: 'disable-pitr'; readonly destructive: true }
  | {
      readonly kind: 'set-billing';
      readonly input: Pick<CreateTableCommandInput, 'BillingMode' | 'ProvisionedThroughput' | 'OnDemandThroughput'>;
      readonly from: string;
      readonly to: string;
      readonly destructive: false;
    }
  | { readonly kind: 'set-deletion-protection'; readonly enabled: boolean; readonly destructive: boolean };

/** A difference no `UpdateTable` can make, and the way out. */
export interface BlockedChange {
  readonly what: string;
  readonly wayOut: string;
}

/** What a plan does to one table. */
export interface PlannedTable {
  readonly tableName: string;
  readonly models: readonly string[];
  readonly exists: boolean;
  /** In the order DynamoDB allows them: one index creation or deletion per `UpdateTable`. */
  readonly changes: readonly TableChange[];
  readonly blocked: readonly BlockedChange[];
  /** What the endpoint cannot tell or do (point-in-time recovery on DynamoDB Local). */
  readonly notes: readonly string[];
}

const keysOf = (schema: readonly KeySchemaElement[] | undefined): string =>
  (schema ?? []).map((element) => `${element.KeyType} ${element.AttributeName}`).join(', ');

const projectionOf = (projection: Projection | undefined): string =>
  projection?.ProjectionType === 'INCLUDE'
    ? `INCLUDE ${[...(projection.NonKeyAttributes ?? [])].sort().join(', ')}`
    : (projection?.ProjectionType ?? 'ALL');

/**
 * The changes that bring a live table to its definition (a pure function: the live state is read
 * apart, `connection/plan-tables.ts`). Index drops, and turning TTL, the stream, point-in-time
 * recovery or deletion protection off, are destructive; a key schema, a local index or an
 * attribute type that differs is blocked, with the way out.
 */
export function diffTable(definition: TableDefinition, live: LiveTable): PlannedTable {
  const { tableName, models, createTable } = definition;
  const changes: TableChange[] = [];
  const blocked: BlockedChange[] = [];
  const notes: string[] = [];
  const table = live.table;
  if (!table) {
    changes.push({ kind: 'create-table', input: createTable, destructive: false });
    if (definition.timeToLive)
      changes.push({ kind: 'enable-ttl', attribute: definition.timeToLive, destructive: false });
    if (definition.pointInTimeRecovery) changes.push({ kind: 'enable-pitr', destructive: false });
    return { tableName, models, exists: false, changes, blocked, notes };
  }

  if (keysOf(table.KeySchema) !== keysOf(createTable.KeySchema)) {
    blocked.push({
      what: `the key is ${keysOf(table.KeySchema)} in the table, ${keysOf(createTable.KeySchema)} in the models`,
      wayOut:
        'keys never change in place: create a table with the new key and copy the items over (a migration), or point the models at the key the table has',
    });
  }
  const liveTypes = new Map((table.AttributeDefinitions ?? []).map((d) => [d.AttributeName, d.AttributeType]));
  for (const definitionOf of createTable.AttributeDefinitions ?? []) {
    const actual = liveTypes.get(definitionOf.AttributeName);
    if (actual !== undefined && actual !== definitionOf.AttributeType) {
      blocked.push({
        what: `attribute "${definitionOf.AttributeName}" is ${actual} in the table, ${definitionOf.AttributeType} in the models`,
        wayOut:
          'a key attribute keeps its type: rename the attribute in the models, or migrate the items to a new table',
      });
    }
  }

  // Local indexes exist only from CreateTable.
  const liveLocals = new Map((table.LocalSecondaryIndexes ?? []).map((index) => [index.IndexName, index]));
  for (const local of createTable.LocalSecondaryIndexes ?? []) {
    const actual = liveLocals.get(local.IndexName);
    if (!actual) {
      blocked.push({
        what: `local index "${local.IndexName}" is missing`,
        wayOut:
          'local indexes are created with their table only: create a new table and migrate, or declare a global index instead',
      });
    } else if (
      keysOf(actual.KeySchema) !== keysOf(local.KeySchema) ||
      projectionOf(actual.Projection) !== projectionOf(local.Projection)
    ) {
      blocked.push({
        what: `local index "${local.IndexName}" is ${keysOf(actual.KeySchema)} (${projectionOf(actual.Projection)}) in the table, ${keysOf(local.KeySchema)} (${projectionOf(local.Projection)}) in the models`,
        wayOut: 'local indexes never change: create a new table and migrate, or rename the index in the models',
      });
    }
  }
  for (const name of liveLocals.keys()) {
    if (!(createTable.LocalSecondaryIndexes ?? []).some((local) => local.IndexName === name)) {
      notes.push(`local index "${name}" is in the table only: kept (local indexes cannot be dropped)`);
    }
  }

  // Global indexes: drops first (a replaced index is dropped, then created again), then additions.
  const wanted = new Map((createTable.GlobalSecondaryIndexes ?? []).map((index) => [index.IndexName as string, index]));
  const liveGlobals = new Map<string, GlobalSecondaryIndexDescription>(
    (table.GlobalSecondaryIndexes ?? []).map((index) => [index.IndexName as string, index]),
  );
  const additions: TableChange[] = [];
  for (const [name, index] of liveGlobals) {
    const target = wanted.get(name);
    if (!target) {
      changes.push({ kind: 'drop-index', index: name, reason: 'the models do not declare it', destructive: true });
    } else if (
      keysOf(index.KeySchema) !== keysOf(target.KeySchema) ||
      projectionOf(index.Projection) !== projectionOf(target.Projection)
    ) {
      changes.push({
        kind: 'drop-index',
        index: name,
        reason: `replaced: ${keysOf(index.KeySchema)} (${projectionOf(index.Projection)}) in the table, ${keysOf(target.KeySchema)} (${projectionOf(target.Projection)}) in the models`,
        destructive: true,
      });
      additions.push(addIndex(createTable, target));
    }
  }
  for (const [name, index] of wanted) if (!liveGlobals.has(name)) additions.push(addIndex(createTable, index));
  changes.push(...additions);

  // TTL, stream, PITR, billing, deletion protection.
  if (definition.timeToLive !== live.ttl) {
    if (live.ttl !== undefined) {
      changes.push({
        kind: 'disable-ttl',
        attribute: live.ttl,
        reason: definition.timeToLive
          ? `the models read TTL from "${definition.timeToLive}"`
          : 'the models declare no TTL',
        destructive: true,
      });
    }
    if (definition.timeToLive)
      changes.push({ kind: 'enable-ttl', attribute: definition.timeToLive, destructive: false });
  }
  const liveStream = table.StreamSpecification?.StreamEnabled ? table.StreamSpecification.StreamViewType : undefined;
  const wantedStream = createTable.StreamSpecification?.StreamEnabled
    ? createTable.StreamSpecification.StreamViewType
    : undefined;
  if (liveStream !== wantedStream) {
    if (liveStream !== undefined) {
      changes.push({
        kind: 'disable-stream',
        viewType: liveStream,
        reason: wantedStream ? `the models want ${wantedStream} (a new stream)` : 'the models declare no stream',
        destructive: true,
      });
    }
    if (wantedStream !== undefined) changes.push({ kind: 'enable-stream', viewType: wantedStream, destructive: false });
  }
  if (live.pointInTimeRecovery === 'unsupported') {
    if (definition.pointInTimeRecovery) notes.push('point-in-time recovery: the endpoint has none (DynamoDB Local)');
  } else if (live.pointInTimeRecovery !== definition.pointInTimeRecovery) {
    changes.push(
      definition.pointInTimeRecovery
        ? { kind: 'enable-pitr', destructive: false }
        : { kind: 'disable-pitr', destructive: true },
    );
  }
  const billing = billingChange(createTable, table);
  if (billing) changes.push(billing);
  const protectedNow = table.DeletionProtectionEnabled === true;
  const protectedWanted = createTable.DeletionProtectionEnabled === true;
  if (protectedNow !== protectedWanted) {
    changes.push({ kind: 'set-deletion-protection', enabled: protectedWanted, destructive: !protectedWanted });
  }
  return { tableName, models, exists: true, changes, blocked, notes };
}

function addIndex(createTable: CreateTableCommandInput, index: GlobalSecondaryIndex): TableChange {
  const keyNames = new Set(index.KeySchema?.map((element) => element.AttributeName));
  return {
    kind: 'add-index',
    index: index.IndexName as string,
    input: index,
    attributeDefinitions: (createTable.AttributeDefinitions ?? []).filter((d) => keyNames.has(d.AttributeName)),
    destructive: false,
  };
}

/** A billing mode, provisioned capacity or on-demand maximum that differs. */
function billingChange(createTable: CreateTableCommandInput, table: TableDescription): TableChange | undefined {
  const liveMode = table.BillingModeSummary?.BillingMode ?? 'PROVISIONED';
  const describe = (
    mode: string | undefined,
    provisioned: { ReadCapacityUnits?: number | undefined; WriteCapacityUnits?: number | undefined } | undefined,
    onDemand: { MaxReadRequestUnits?: number | undefined; MaxWriteRequestUnits?: number | undefined } | undefined,
  ): string => {
    if (mode === 'PROVISIONED') {
      return `provisioned ${provisioned?.ReadCapacityUnits ?? '?'} read / ${provisioned?.WriteCapacityUnits ?? '?'} write units`;
    }
    // The service reports -1 for "no maximum".
    const limit = (units: number | undefined, what: string) =>
      units !== undefined && units > 0 ? `${units} ${what}` : undefined;
    const limits = [
      limit(onDemand?.MaxReadRequestUnits, 'read'),
      limit(onDemand?.MaxWriteRequestUnits, 'write'),
    ].filter((text) => text !== undefined);
    return limits.length > 0 ? `on demand (at most ${limits.join(', ')} units/s)` : 'on demand';
  };
  const from = describe(liveMode, table.ProvisionedThroughput, table.OnDemandThroughput);
  const to = describe(createTable.BillingMode, createTable.ProvisionedThroughput, createTable.OnDemandThroughput);
  if (from === to) return undefined;
  return {
    kind: 'set-billing',
    input: {
      BillingMode: createTable.BillingMode,
      ...(createTable.ProvisionedThroughput ? { ProvisionedThroughput: createTable.ProvisionedThroughput } : {}),
      ...(createTable.OnDemandThroughput ? { OnDemandThroughput: createTable.OnDemandThroughput } : {}),
    },
    from,
    to,
    destructive: false,
  };
}

/** One line per change, for a printed plan. */
export function describeChange(change: TableChange): string {
  switch (change.kind) {
    case 'create-table':
      return `create the table (${keysOf(change.input.KeySchema)}; ${change.input.GlobalSecondaryIndexes?.length ?? 0} global, ${change.input.LocalSecondaryIndexes?.length ?? 0} local indexes)`;
    case 'add-index':
      return `add global index "${change.index}" (${keysOf(change.input.KeySchema)}; ${projectionOf(change.input.Projection)})`;
    case 'drop-index':
      return `drop global index "${change.index}": ${change.reason}`;
    case 'enable-ttl':
      return `turn TTL on for "${change.attribute}"`;
    case 'disable-ttl':
      return `turn TTL off (on "${change.attribute}"): ${change.reason}`;
    case 'enable-stream':
      return `turn the stream on (${change.viewType})`;
    case 'disable-stream':
      return `turn the stream off (${change.viewType}): ${change.reason}`;
    case 'enable-pitr':
      return 'turn point-in-time recovery on';
    case 'disable-pitr':
      return 'turn point-in-time recovery off: the models do not declare it';
    case 'set-billing':
      return `billing: ${change.from} → ${change.to}`;
    case 'set-deletion-protection':
      return `turn deletion protection ${change.enabled ? 'on' : 'off'}`;
  }
}
