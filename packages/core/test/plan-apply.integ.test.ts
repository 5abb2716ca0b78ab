import 'reflect-metadata';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { localTestConfig, uniqueTablePrefix } from '@dynamodel/local/jest';
import {
  Attribute,
  HashKey,
  Index,
  Model,
  Table,
  TableMismatchError,
  applyPlan,
  createConnection,
  planTables,
  type ApplyProgress,
  type Connection,
} from '../src';
import { busyOnceExecutor } from './support/busy-once-executor';
import { gatedExecutor, type GatedExecutor } from './support/gated-executor';

// Issue 27 §2 against DynamoDB Local: a plan of the differences between the models and the live
// tables, applied one index per UpdateTable in order, interruptible and re-plannable, never
// dropping anything unless drops are allowed.

@Table({ name: 'plan_items' })
class ItemV1 extends Model {
  @HashKey() id!: string;
  @Attribute() a!: string;
  @Attribute() b!: string;
  @Attribute() c!: string;
  @Attribute() d!: string;
  @Attribute() e!: string;
  @Attribute() f!: string;
}

@Table({ name: 'plan_items' })
class ItemV2 extends ItemV1 {}
for (const name of ['a', 'b', 'c'] as const) Index(`by_${name}`, { hash: true })(ItemV2.prototype, name);

@Table({ name: 'plan_items' })
class ItemV3 extends ItemV2 {}
for (const name of ['d', 'e', 'f'] as const) Index(`by_${name}`, { hash: true })(ItemV3.prototype, name);

/** ItemV3 without by_a. */
@Table({ name: 'plan_items', stream: 'NEW_IMAGE', ttl: 'expires' })
class ItemV4 extends Model {
  @HashKey() id!: string;
  @Index('by_b', { hash: true }) @Attribute() b!: string;
  @Index('by_c', { hash: true }) @Attribute() c!: string;
  @Index('by_d', { hash: true }) @Attribute() d!: string;
  @Index('by_e', { hash: true }) @Attribute() e!: string;
  @Index('by_f', { hash: true }) @Attribute() f!: string;
  @Attribute({ type: Number, optional: true }) expires?: number;
}

@Table({ name: 'plan_items' })
class OtherKey extends Model {
  @HashKey() otherId!: string;
}

const config = localTestConfig();
const raw = new DynamoDBClient(config);
let executor: GatedExecutor;
let connection: Connection;

beforeAll(async () => {
  executor = gatedExecutor(config);
  connection = createConnection({ executor, prefix: uniqueTablePrefix('plan') });
  await connection.syncTables([ItemV1]);
});
afterAll(async () => {
  executor.destroy();
  await connection.close();
  raw.destroy();
});

const indexesNow = async () =>
  (
    (await raw.send(new DescribeTableCommand({ TableName: connection.tableName(ItemV1.schema()) }))).Table
      ?.GlobalSecondaryIndexes ?? []
  )
    .map((index) => index.IndexName)
    .sort();
const updateTables = () =>
  executor.calls
    .filter((call) => call.operation === 'UpdateTable')
    .map(
      (call) =>
        (
          call.input as {
            GlobalSecondaryIndexUpdates?: { Create?: { IndexName?: string }; Delete?: { IndexName?: string } }[];
          }
        ).GlobalSecondaryIndexUpdates?.[0],
    );

describe('planTables and applyPlan', () => {
  it('plans nothing for a table as the models describe it', async () => {
    const plan = await planTables(ItemV1, { connection });
    expect(plan.pending).toBe(false);
    expect(plan.format()).toMatch(/plan_items \(ItemV1\): up to date/);
  });

  it('adds three indexes one UpdateTable at a time, in order, each waited for', async () => {
    const plan = await planTables(ItemV2, { connection });
    expect(plan.tables[0]?.changes.map((change) => change.kind)).toEqual(['add-index', 'add-index', 'add-index']);
    expect(plan.format()).toContain('+ add global index "by_a" (HASH a; ALL)');
    const before = executor.calls.length;
    const progress: ApplyProgress[] = [];
    const result = await applyPlan(plan, { connection, onProgress: (event) => progress.push(event) });
    expect(result.applied).toHaveLength(3);
    const updates = executor.calls.slice(before).filter((call) => call.operation === 'UpdateTable');
    expect(
      updates.map(
        (call) =>
          (call.input as { GlobalSecondaryIndexUpdates: { Create: { IndexName: string } }[] })
            .GlobalSecondaryIndexUpdates[0]?.Create.IndexName,
      ),
    ).toEqual(['by_a', 'by_b', 'by_c']);
    // Each index was ACTIVE before the next one was asked for.
    const done = progress.filter((event) => event.status === 'done').map((event) => `${event.step}/${event.steps}`);
    expect(done).toEqual(['1/3', '2/3', '3/3']);
    expect(await indexesNow()).toEqual(['by_a', 'by_b', 'by_c']);
    expect((await planTables(ItemV2, { connection })).pending).toBe(false);
  });

  it('interrupted after its first index, a new plan lists only what remains', async () => {
    const plan = await planTables(ItemV3, { connection });
    expect(plan.tables[0]?.changes).toHaveLength(3);
    const stop = new AbortController();
    const applying = applyPlan(plan, {
      connection,
      signal: stop.signal,
      onProgress: (event) => {
        if (event.status === 'done') stop.abort();
      },
    });
    await expect(applying).rejects.toThrow();
    expect(await indexesNow()).toEqual(['by_a', 'by_b', 'by_c', 'by_d']);
    const remaining = await planTables(ItemV3, { connection });
    expect(
      remaining.tables[0]?.changes.map((change) => (change.kind === 'add-index' ? change.index : change.kind)),
    ).toEqual(['by_e', 'by_f']);
    await applyPlan(remaining, { connection });
    expect((await planTables(ItemV3, { connection })).pending).toBe(false);
  });

  it('keeps an index the models no longer declare unless drops are allowed; turns the stream and TTL on', async () => {
    const plan = await planTables(ItemV4, { connection });
    expect(plan.destructive).toBe(true);
    expect(plan.tables[0]?.changes.map((change) => change.kind)).toEqual(['drop-index', 'enable-ttl', 'enable-stream']);
    expect(plan.format()).toMatch(/- drop global index "by_a": the models do not declare it \[needs allowDrops\]/);
    const kept = await applyPlan(plan, { connection });
    expect(kept.skipped.map(({ change }) => change.kind)).toEqual(['drop-index']);
    expect(await indexesNow()).toContain('by_a');
    const { Table } = await raw.send(new DescribeTableCommand({ TableName: connection.tableName(ItemV4.schema()) }));
    expect(Table?.StreamSpecification).toMatchObject({ StreamEnabled: true, StreamViewType: 'NEW_IMAGE' });

    const before = updateTables().length;
    await applyPlan(await planTables(ItemV4, { connection }), { connection, allowDrops: true });
    expect(updateTables().slice(before)).toEqual([{ Delete: { IndexName: 'by_a' } }]);
    expect(await indexesNow()).toEqual(['by_b', 'by_c', 'by_d', 'by_e', 'by_f']);
    const settled = await planTables(ItemV4, { connection });
    expect(settled.pending).toBe(false);
  });

  it('a key that differs is blocked, with the way out, and applying leaves the table alone', async () => {
    const plan = await planTables(OtherKey, { connection });
    expect(plan.blocked).toBe(true);
    expect(plan.tables[0]?.blocked[0]).toMatchObject({
      what: 'the key is HASH id in the table, HASH otherId in the models',
      wayOut: expect.stringMatching(/create a table with the new key and copy the items over/),
    });
    const before = executor.calls.length;
    const result = await applyPlan(plan, { connection, allowDrops: true });
    expect(result.blocked).toHaveLength(1);
    expect(result.applied).toEqual([]);
    expect(executor.calls.slice(before).filter((call) => call.operation !== 'DescribeTable')).toEqual([]);
  });

  it('two appliers of one plan at once (two processes) both finish, each index made once', async () => {
    @Table({ name: 'plan_concurrent' })
    class Base extends Model {
      @HashKey() id!: string;
      @Attribute() x!: string;
      @Attribute() y!: string;
    }
    @Table({ name: 'plan_concurrent' })
    class Grown extends Model {
      @HashKey() id!: string;
      @Index('by_x', { hash: true }) @Attribute() x!: string;
      @Index('by_y', { hash: true }) @Attribute() y!: string;
    }
    await applyPlan(await planTables(Base, { connection }), { connection });
    const plan = await planTables(Grown, { connection });
    const other = createConnection({ ...config, prefix: connection.prefix });
    try {
      const results = await Promise.all([applyPlan(plan, { connection }), applyPlan(plan, { connection: other })]);
      expect(results.map((result) => result.applied.length)).toEqual([2, 2]);
    } finally {
      await other.close();
    }
    expect((await planTables(Grown, { connection })).pending).toBe(false);
  });

  it('an index replaced by one of the same name with another key: both steps need allowDrops', async () => {
    @Table({ name: 'plan_replace' })
    class Before extends Model {
      @HashKey() id!: string;
      @Index('by_owner', { hash: true }) @Attribute() owner!: string;
      @Attribute() team!: string;
    }
    @Table({ name: 'plan_replace' })
    class After extends Model {
      @HashKey() id!: string;
      @Attribute() owner!: string;
      @Index('by_owner', { hash: true }) @Attribute() team!: string;
    }
    await applyPlan(await planTables(Before, { connection }), { connection });
    const plan = await planTables(After, { connection });
    expect(plan.tables[0]?.changes.map((change) => change.kind)).toEqual(['drop-index', 'add-index']);
    expect(plan.format()).toMatch(
      /drop global index "by_owner": replaced: HASH owner \(ALL\) in the table, HASH team \(ALL\) in the models/,
    );
    const kept = await applyPlan(plan, { connection });
    expect(kept.skipped.map(({ change }) => change.kind)).toEqual(['drop-index', 'add-index']);
    expect(kept.applied).toEqual([]);
    await applyPlan(plan, { connection, allowDrops: true });
    const described = await raw.send(new DescribeTableCommand({ TableName: connection.tableName(After.schema()) }));
    expect(described.Table?.GlobalSecondaryIndexes?.[0]?.KeySchema).toEqual([
      { AttributeName: 'team', KeyType: 'HASH' },
    ]);
  });

  it('syncTables applies the safe part: a stream and deletion protection declared later; another stream view is refused', async () => {
    @Table({ name: 'plan_sync' })
    class Plain extends Model {
      @HashKey() id!: string;
    }
    @Table({ name: 'plan_sync', stream: 'KEYS_ONLY', deletionProtection: true })
    class Streamed extends Model {
      @HashKey() id!: string;
    }
    @Table({ name: 'plan_sync', stream: 'NEW_IMAGE' })
    class OtherView extends Model {
      @HashKey() id!: string;
    }
    await connection.syncTables([Plain]);
    await connection.syncTables([Streamed]);
    const described = await raw.send(new DescribeTableCommand({ TableName: connection.tableName(Plain.schema()) }));
    expect(described.Table).toMatchObject({
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' },
      DeletionProtectionEnabled: true,
    });
    const error = await connection.syncTables([OtherView]).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TableMismatchError);
    expect((error as Error).message).toMatch(/has a KEYS_ONLY stream, but the model declares NEW_IMAGE/);
    // Turning protection off (for the cleanup) is destructive: only applyPlan with allowDrops does it.
    await applyPlan(await planTables(OtherView, { connection }), { connection, allowDrops: true });
    expect((await planTables(OtherView, { connection })).pending).toBe(false);
  });

  it('plans a table that does not exist as a creation with its TTL', async () => {
    @Table({ name: 'plan_new', ttl: 'expires' })
    class Fresh extends Model {
      @HashKey() id!: string;
      @Attribute({ type: Number, optional: true }) expires?: number;
    }
    const plan = await planTables(Fresh, { connection });
    expect(plan.tables[0]?.changes.map((change) => change.kind)).toEqual(['create-table', 'enable-ttl']);
    await applyPlan(plan, { connection });
    expect((await planTables(Fresh, { connection })).pending).toBe(false);
  });

  it('a change the endpoint cannot make (point-in-time recovery on DynamoDB Local) is reported, and the rest goes on', async () => {
    @Table({ name: 'plan_pitr', pointInTimeRecovery: true, ttl: 'expires' })
    class Recovered extends Model {
      @HashKey() id!: string;
      @Attribute({ type: Number, optional: true }) expires?: number;
    }
    const events: string[] = [];
    connection.events.on('table-setting', (event) => events.push(`${event.setting} ${event.status}`));
    const statuses: string[] = [];
    const result = await applyPlan(await planTables(Recovered, { connection }), {
      connection,
      onProgress: (progress) => {
        if (progress.status !== 'waiting') statuses.push(`${progress.change.kind} ${progress.status}`);
      },
    });
    expect(result.applied.map((entry) => entry.change.kind)).toEqual(['create-table', 'enable-ttl']);
    expect(result.unsupported.map((entry) => entry.change.kind)).toEqual(['enable-pitr']);
    expect(statuses).toEqual([
      'create-table started',
      'create-table done',
      'enable-ttl started',
      'enable-ttl done',
      'enable-pitr started',
      'enable-pitr unsupported',
    ]);
    expect(events).toEqual(['pointInTimeRecovery unsupported']);
    // Planned again, the table is up to date, with a note on what the endpoint lacks.
    const again = await planTables(Recovered, { connection });
    expect(again.pending).toBe(false);
    expect(again.tables[0]?.notes).toEqual(['point-in-time recovery: the endpoint has none (DynamoDB Local)']);
  });

  it('syncTables refuses a table whose TTL is on another attribute, and changes nothing', async () => {
    @Table({ name: 'plan_ttl', ttl: 'expires' })
    class Expiring extends Model {
      @HashKey() id!: string;
      @Attribute({ type: Number, optional: true }) expires?: number;
    }
    @Table({ name: 'plan_ttl', ttl: 'deadline' })
    class OtherTtl extends Model {
      @HashKey() id!: string;
      @Attribute({ type: Number, optional: true }) deadline?: number;
    }
    await connection.syncTables([Expiring]);
    const error = await connection.syncTables([OtherTtl]).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TableMismatchError);
    expect((error as Error).message).toMatch(/has TTL on "expires", but the model declares "deadline"/);
    expect((await planTables(Expiring, { connection })).pending).toBe(false);
  });

  it('an index creation refused as "in use" is sent again once the table is idle, not waited for (regression)', async () => {
    @Table({ name: 'plan_busy' })
    class Unindexed extends Model {
      @HashKey() id!: string;
      @Attribute() a!: string;
    }
    @Table({ name: 'plan_busy' })
    class Indexed extends Model {
      @HashKey() id!: string;
      @Index('by_a', { hash: true }) @Attribute() a!: string;
    }
    const busyOnce = busyOnceExecutor(config);
    const busy = createConnection({ executor: busyOnce.executor, prefix: uniqueTablePrefix('plan_busy') });
    await busy.syncTables([Unindexed]);
    // Before, the refusal was taken for another applier's creation and waited for until the deadline.
    const result = await applyPlan(await planTables(Indexed, { connection: busy }), {
      connection: busy,
      timeoutMs: 20_000,
    });
    expect(result.applied.map((entry) => entry.change.kind)).toEqual(['add-index']);
    expect(busyOnce.refused()).toBe(1);
    await busy.close();
    busyOnce.destroy();
  });
});
