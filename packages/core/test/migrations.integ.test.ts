import 'reflect-metadata';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BatchWriteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
  UpdateItemCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { localTestConfig, uniqueTablePrefix } from '@dynamodel/local/jest';
import { wrapExecutor, createDynamoExecutor } from '@dynamodel/executor';
import {
  Attribute,
  Entity,
  MigrationError,
  Model,
  createConnection,
  deadLettersToFile,
  defineMigration,
  defineTable,
  migrator,
  type Connection,
  type DeadLetter,
  type MigrationProgress,
} from '../src';
import { Person, addDisplay, personItem, splitName } from './support/migration-models';
import { Versioned } from './support/migration-versioned';

// Issue 27 §3 against DynamoDB Local: versioned migrations with their history in DynamoDB, run over
// parallel scan segments with checkpoints, each item migrated once (conditioned on its version),
// dry runs, dead letters, down, and a rate limit. The crash and three-worker tests are in
// migration-workers.integ.test.ts.

type Stored = Record<string, AttributeValue>;
const config = localTestConfig();
const raw = new DynamoDBClient(config);
let connection: Connection;
let prefix: string;
const table = () => `${prefix}migrated_people`;

async function load(items: readonly Stored[], tableName = table()): Promise<void> {
  for (let i = 0; i < items.length; i += 25) {
    let pending: Record<string, { PutRequest: { Item: Stored } }[]> | undefined = {
      [tableName]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })),
    };
    while (pending && Object.keys(pending).length > 0) {
      const output = await raw.send(new BatchWriteItemCommand({ RequestItems: pending }));
      pending = output.UnprocessedItems as typeof pending;
    }
  }
}

async function scanAll(tableName = table()): Promise<Map<string, Stored>> {
  const items = new Map<string, Stored>();
  let start: Stored | undefined;
  do {
    const page = await raw.send(
      new ScanCommand({ TableName: tableName, ConsistentRead: true, ...(start ? { ExclusiveStartKey: start } : {}) }),
    );
    for (const item of page.Items ?? []) items.set(`${item.pk?.S ?? ''}${item.sk?.S ?? ''}${item.id?.S ?? ''}`, item);
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

const people = (count: number) => Array.from({ length: count }, (_, i) => personItem(i));

beforeEach(async () => {
  prefix = uniqueTablePrefix('migrations');
  connection = createConnection({ ...config, prefix });
  await connection.syncTables([Person]);
});
afterEach(async () => {
  await connection.close();
});
afterAll(() => raw.destroy());

describe('apply, status and down', () => {
  test('every item is migrated once; the history says applied; a second apply runs nothing', async () => {
    await load(people(1_500));
    const migrations = migrator(Person, [splitName, addDisplay], { connection });
    expect((await migrations.outstanding()).map((m) => m.version)).toEqual([2, 3]);

    const progress: MigrationProgress[] = [];
    const reports = await migrations.apply({
      segments: 6,
      parallel: 3,
      pageSize: 100,
      onProgress: (p) => progress.push(p),
    });
    expect(reports.map((r) => [r.version, r.state, r.counts.scanned, r.counts.migrated])).toEqual([
      [2, 'applied', 1_500, 1_500],
      [3, 'applied', 1_500, 1_500],
    ]);
    expect(reports[0]?.deadLetters).toEqual([]);
    const stored = await scanAll();
    expect(stored.size).toBe(1_500);
    for (const [, item] of stored) {
      const i = Number(item.id?.S?.slice(1));
      expect(item).toEqual({
        id: { S: item.id?.S },
        first: { S: `First${i}` },
        last: { S: `Last${i}` },
        display: { S: `FIRST${i} LAST${i}` },
        n: { N: String(i + 1) },
        _v: { N: '3' },
      });
    }
    // Progress: every page told, segments counted, a pace and an estimate of the time left.
    const last = progress.filter((p) => p.version === 2).at(-1);
    expect(last).toMatchObject({ direction: 'up', dryRun: false, segments: 6, segmentsDone: 6, scanned: 1_500 });
    expect(last?.itemsPerSecond).toBeGreaterThan(0);
    expect(last?.estimatedItems).toBe(1_500);
    expect(progress.some((p) => p.etaMs !== undefined && p.etaMs > 0)).toBe(true);

    const status = await migrations.status();
    expect(status.map((s) => [s.version, s.state, s.declared, s.lastRun?.counts?.migrated])).toEqual([
      [2, 'applied', true, 1_500],
      [3, 'applied', true, 1_500],
    ]);
    expect(await migrations.outstanding()).toEqual([]);
    expect(await migrations.apply()).toEqual([]);
  });

  test('down restores the previous shape, item for item; apply then runs it again', async () => {
    const original = people(400);
    await load(original);
    const migrations = migrator(Person, [splitName, addDisplay], { connection });
    await migrations.apply({ segments: 3 });
    const reverted = await migrations.down({ to: 1, segments: 3 });
    expect(reverted.map((r) => [r.version, r.direction, r.state, r.counts.migrated])).toEqual([
      [3, 'down', 'reverted', 400],
      [2, 'down', 'reverted', 400],
    ]);
    const stored = await scanAll();
    expect(stored.size).toBe(400);
    for (const item of original) expect(stored.get(item.id.S)).toEqual(item);
    expect((await migrations.status()).map((s) => s.state)).toEqual(['outstanding', 'outstanding']);

    // Down to 2 keeps migration 2; items written by the new code (already of version 3) are kept too.
    await migrations.apply();
    await migrations.down({ to: 2 });
    expect((await migrations.status()).map((s) => s.state)).toEqual(['applied', 'outstanding']);
    expect((await scanAll()).get('p000007')).toEqual({
      id: { S: 'p000007' },
      first: { S: 'First7' },
      last: { S: 'Last7' },
      n: { N: '8' },
      _v: { N: '2' },
    });
  });

  test('items already of the version (written by the new code) are left alone', async () => {
    await load(people(200));
    await load([{ id: { S: 'new1' }, first: { S: 'Ada' }, last: { S: 'L' }, n: { N: '0' }, _v: { N: '2' } }]);
    const [report] = await migrator(Person, [splitName], { connection }).apply({ segments: 2 });
    expect(report?.counts).toMatchObject({ scanned: 201, migrated: 200, notDue: 1 });
    expect((await scanAll()).get('new1')?.n).toEqual({ N: '0' });
  });

  test('a migration merged in below an applied one, or reverting without a down, is refused before anything is written', async () => {
    await load(people(50));
    const four = defineMigration({ version: 4, description: 'four', up: (item) => ({ ...item, four: true }) });
    await migrator(Person, [splitName, four], { connection }).apply();
    const before = await scanAll();

    // A branch merged migration 3 after 4 was applied: 3's items are past it, so it would be skipped.
    const three = defineMigration({ version: 3, description: 'three', up: (item) => item, down: (item) => item });
    const merged = migrator(Person, [splitName, three, four], { connection });
    expect((await merged.outstanding()).map((m) => m.version)).toEqual([3]);
    await expect(merged.apply()).rejects.toMatchObject({ name: 'MigrationError', code: 'history', version: 3 });
    await expect(merged.apply()).rejects.toThrow(/migration 3.*outstanding while migration 4 is applied/);

    // 4 declares no down; a list without 4 does not know it at all.
    await expect(merged.down({ to: 1 })).rejects.toMatchObject({ code: 'history', version: 4 });
    const older = migrator(Person, [splitName], { connection });
    expect((await older.status()).map((s) => [s.version, s.state, s.declared])).toEqual([
      [2, 'applied', true],
      [4, 'applied', false],
    ]);
    await expect(older.down({ to: 1 })).rejects.toThrow(/in the history but not among the migrations given/);
    expect(await scanAll()).toEqual(before);
  });
});

describe('dry runs and dead letters', () => {
  test('a dry run counts what would change and writes nothing, nor any history', async () => {
    await load([...people(300), { id: { S: 'bad' }, name: { S: 'poison' }, n: { N: '1' } }]);
    await load([{ id: { S: 'done' }, first: { S: 'A' }, last: { S: 'B' }, n: { N: '0' }, _v: { N: '2' } }]);
    const before = await scanAll();
    const migrations = migrator(Person, [splitName], { connection });
    const report = await migrations.dryRun({ segments: 4 });
    expect(report).toMatchObject({ version: 2, direction: 'up', dryRun: true, runId: undefined, state: undefined });
    expect(report.counts).toEqual({
      scanned: 302,
      migrated: 300,
      unchanged: 0,
      notDue: 1,
      leftOut: 0,
      deadLettered: 1,
    });
    expect(report.deadLetters).toEqual([
      expect.objectContaining({
        key: { id: { S: 'bad' } },
        dryRun: true,
        reason: 'up threw: cannot split a poisoned name',
      }),
    ]);
    expect(await scanAll()).toEqual(before);
    expect((await migrations.status())[0]).toMatchObject({ state: 'outstanding', lastRun: undefined });
  });

  test("a failing transform's items go to the dead-letter file, are left as they were, and a fixed run migrates them", async () => {
    const poisoned = [3, 77, 150].map((i) => ({ ...personItem(i), name: { S: 'poison' } }));
    await load([...people(200), ...poisoned]);
    const file = join(mkdtempSync(join(tmpdir(), 'dead-letters-')), 'people.jsonl');
    const migrations = migrator(Person, [splitName], { connection });
    const [report] = await migrations.apply({ segments: 4, deadLetters: deadLettersToFile(file) });
    expect(report).toMatchObject({ state: 'incomplete', deadLetters: [] });
    expect(report?.counts).toMatchObject({ scanned: 200, migrated: 197, deadLettered: 3 });
    const letters = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as DeadLetter);
    expect(letters.map((letter) => letter.key.id?.S).sort()).toEqual(['p000003', 'p000077', 'p000150']);
    for (const letter of letters) {
      expect(letter).toMatchObject({ model: 'Person', version: 2, direction: 'up', dryRun: false });
      expect(letter.reason).toBe('up threw: cannot split a poisoned name');
      expect(letter.item).toEqual({ ...personItem(Number(letter.key.id?.S?.slice(1))), name: { S: 'poison' } });
    }
    const stored = await scanAll();
    for (const item of poisoned) expect(stored.get(item.id.S)).toEqual(item);
    expect((await migrations.status())[0]?.state).toBe('incomplete');

    // The data fixed, the migration runs again: only the three items are due.
    for (const item of poisoned)
      await raw.send(new PutItemCommand({ TableName: table(), Item: personItem(Number(item.id.S.slice(1))) }));
    const [again] = await migrations.apply({ segments: 4 });
    expect(again).toMatchObject({ state: 'applied' });
    expect(again?.counts).toMatchObject({ scanned: 200, migrated: 3, notDue: 197, deadLettered: 0 });
    expect((await scanAll()).get('p000077')?.n).toEqual({ N: '78' });
  });

  test('a transform that changes the key, returns no item or returns what cannot be stored is a dead letter', async () => {
    await load(people(4));
    const bad = defineMigration({
      version: 2,
      description: 'bad',
      up: (item) => {
        if (item.id === 'p000000') return { ...item, id: 'moved' };
        if (item.id === 'p000001') return 'nope' as unknown as Record<string, unknown>;
        if (item.id === 'p000002') return { ...item, big: 'x'.repeat(410_000) };
        return undefined; // p000003: left out
      },
    });
    const [report] = await migrator(Person, [bad], { connection }).apply();
    expect(report?.counts).toMatchObject({ scanned: 4, migrated: 0, leftOut: 1, deadLettered: 3 });
    const reasons: Record<string, string> = Object.fromEntries(
      report?.deadLetters.map((l) => [l.key.id?.S, l.reason]) ?? [],
    );
    expect(reasons.p000000).toMatch(/changed the key attribute id/);
    expect(reasons.p000001).toBe('up returned string, not an item (or undefined)');
    expect(reasons.p000002).toMatch(/^not written: .*(size|large)/i);
    expect(await scanAll()).toEqual(new Map(people(4).map((item) => [item.id.S, item])));
  });

  test('a failure in one segment stops the others before apply rejects: nothing goes on writing', async () => {
    await load([...people(2_000), { id: { S: 'bad' }, name: { S: 'poison' }, n: { N: '1' } }]);
    const run = migrator(Person, [splitName], { connection }).apply({
      segments: 8,
      parallel: 8,
      pageSize: 25,
      deadLetters: () => Promise.reject(new Error('disk full')),
    });
    await expect(run).rejects.toMatchObject({ code: 'dead-letter' });
    const after = await scanAll();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await scanAll()).toEqual(after);
  });

  test('a dead-letter sink that throws stops the run; nothing reported is lost', async () => {
    await load([...people(20), { id: { S: 'bad' }, name: { S: 'poison' }, n: { N: '1' } }]);
    const migrations = migrator(Person, [splitName], { connection });
    const run = migrations.apply({
      segments: 1,
      deadLetters: () => {
        throw new Error('disk full');
      },
    });
    await expect(run).rejects.toMatchObject({ name: 'MigrationError', code: 'dead-letter' });
    expect((await migrations.status())[0]?.state).toBe('running');
    // The page with the failure was not checkpointed: a run with a working sink reports it.
    const letters: DeadLetter[] = [];
    const [report] = await migrations.apply({ deadLetters: (letter) => void letters.push(letter) });
    expect(letters.map((l) => l.key.id?.S)).toEqual(['bad']);
    expect(report?.state).toBe('incomplete');
  });
});

describe('writes beside other writers', () => {
  test('an item another writer changes between read and write is read again and migrated from what it holds then', async () => {
    await load(people(10));
    let interfered = false;
    const racing = defineMigration({
      version: 2,
      description: 'racing',
      up: async (item) => {
        if (item.id === 'p000004' && !interfered) {
          interfered = true;
          await raw.send(
            new UpdateItemCommand({
              TableName: table(),
              Key: { id: { S: 'p000004' } },
              UpdateExpression: 'SET #name = :name',
              ExpressionAttributeNames: { '#name': 'name' },
              ExpressionAttributeValues: { ':name': { S: 'Changed Meanwhile' } },
            }),
          );
        }
        return splitName.up(item);
      },
    });
    const [report] = await migrator(Person, [racing], { connection }).apply({ segments: 1 });
    expect(report?.counts).toMatchObject({ scanned: 10, migrated: 10 });
    const item = (await raw.send(new GetItemCommand({ TableName: table(), Key: { id: { S: 'p000004' } } }))).Item;
    expect(item).toMatchObject({ first: { S: 'Changed' }, last: { S: 'Meanwhile' }, n: { N: '5' }, _v: { N: '2' } });
  });

  test('attributes another writer adds meanwhile survive the migration of the item', async () => {
    await load(people(3));
    const racing = defineMigration({
      version: 2,
      description: 'adds',
      up: async (item) => {
        await raw.send(
          new UpdateItemCommand({
            TableName: table(),
            Key: { id: { S: String(item.id) } },
            UpdateExpression: 'SET #extra = :extra',
            ExpressionAttributeNames: { '#extra': 'extra' },
            ExpressionAttributeValues: { ':extra': { S: 'kept' } },
          }),
        );
        return { ...item, touched: true };
      },
    });
    const [report] = await migrator(Person, [racing], { connection }).apply({ segments: 1, guard: 'version' });
    expect(report?.counts.migrated).toBe(3);
    for (const [, item] of await scanAll())
      expect(item).toMatchObject({ extra: { S: 'kept' }, touched: { BOOL: true } });
  });

  test("an item too wide for the item guard is a dead letter that says to use guard 'version', which migrates it", async () => {
    const wide: Stored = { ...personItem(1) };
    for (let i = 0; i < 400; i++) wide[`attribute_${i}`] = { N: String(i) };
    await load([wide]);
    const migrations = migrator(Person, [splitName], { connection });
    const [refused] = await migrations.apply();
    expect(refused?.deadLetters.map((letter) => letter.reason)).toEqual([
      expect.stringMatching(/expression size.*too many attributes for guard 'item': run with guard 'version'/i),
    ]);
    const [report] = await migrations.apply({ guard: 'version' });
    expect(report?.counts).toMatchObject({ migrated: 1, deadLettered: 0 });
    expect((await scanAll()).get('p000001')).toMatchObject({ attribute_399: { N: '399' }, _v: { N: '2' } });
  });

  test('batch writes migrate whole items through the batch engine', async () => {
    await load(people(700));
    const [report] = await migrator(Person, [splitName], { connection }).apply({ write: 'batch', segments: 3 });
    expect(report?.counts).toMatchObject({ scanned: 700, migrated: 700 });
    for (const [, item] of await scanAll()) {
      expect(item._v).toEqual({ N: '2' });
      expect(item.name).toBeUndefined();
    }
  });
});

describe('entities of a shared table', () => {
  const app = defineTable({ name: 'migrated_app', hash: 'pk', range: 'sk' });

  @Entity(app, { name: 'Customer', keys: { pk: 'CUSTOMER#{customerId}', sk: 'PROFILE' } })
  class Customer extends Model {
    @Attribute({ type: String }) customerId!: string;
  }

  @Entity(app, { name: 'Invoice', keys: { pk: 'CUSTOMER#{customerId}', sk: 'INVOICE#{invoiceId}' } })
  class Invoice extends Model {
    @Attribute({ type: String }) customerId!: string;
    @Attribute({ type: String }) invoiceId!: string;
  }

  test("only the entity's items are migrated; its history is its own", async () => {
    await connection.syncTables([Customer, Invoice]);
    const tableName = `${prefix}migrated_app`;
    const customers = Array.from({ length: 60 }, (_, i) => ({
      pk: { S: `CUSTOMER#c${i}` },
      sk: { S: 'PROFILE' },
      _et: { S: 'Customer' },
      customerId: { S: `c${i}` },
      name: { S: `Ada${i} Lovelace` },
      n: { N: '0' },
    }));
    const invoices = Array.from({ length: 90 }, (_, i) => ({
      pk: { S: `CUSTOMER#c${i % 60}` },
      sk: { S: `INVOICE#i${i}` },
      _et: { S: 'Invoice' },
      customerId: { S: `c${i % 60}` },
      invoiceId: { S: `i${i}` },
      name: { S: 'not a person' },
    }));
    await load([...customers, ...invoices], tableName);
    const [report] = await migrator(Customer, [splitName], { connection }).apply({ segments: 3 });
    expect(report?.counts).toMatchObject({ scanned: 60, migrated: 60 });
    const stored = await scanAll(tableName);
    for (const invoice of invoices) expect(stored.get(`${invoice.pk.S}${invoice.sk.S}`)).toEqual(invoice);
    expect(stored.get('CUSTOMER#c5PROFILE')).toMatchObject({
      first: { S: 'Ada5' },
      _v: { N: '2' },
      _et: { S: 'Customer' },
    });
    expect((await migrator(Invoice, [splitName], { connection }).status())[0]?.state).toBe('outstanding');
  });
});

describe('bad options and definitions', () => {
  test('are refused with a MigrationError before anything is sent', async () => {
    expect(() => defineMigration({ version: 1, description: 'x', up: (item) => item })).toThrow(
      /version must be a whole number of at least 2/,
    );
    expect(() => defineMigration({ version: 2, description: ' ', up: (item) => item })).toThrow(MigrationError);
    expect(() => defineMigration({ version: 2, description: 'x', up: 'no' as never })).toThrow(/up must be a function/);
    expect(() => migrator(Person, [splitName, splitName])).toThrow(
      /Person migration 2: two migrations have this version/,
    );
    expect(() => migrator(Person, [{ version: 2 } as never])).toThrow(
      /migrations\[0\] was not made by defineMigration/,
    );
    await load(people(5));
    const migrations = migrator(Person, [splitName], { connection });
    for (const options of [
      { segments: 0 },
      { rate: { writes: -1 } },
      { leaseMs: 10 },
      { write: 'fast' as never },
      { pageSize: 0 },
    ]) {
      await expect(migrations.apply(options)).rejects.toMatchObject({ name: 'MigrationError', code: 'options' });
    }
    expect((await scanAll()).get('p000001')).toEqual(personItem(1));
    expect((await migrations.status())[0]?.state).toBe('outstanding');
  });

  test('a model that reads items only up to an older version is not migrated past it', async () => {
    await connection.syncTables([Versioned]);
    await expect(migrator(Versioned, [splitName, addDisplay], { connection }).apply()).rejects.toThrow(
      /reads items up to version 2 \(upgrades.version\): declare version 3 before migrating/,
    );
  });
});

describe('rate limit', () => {
  test('writes stay within 10% of the limit over 30 seconds', async () => {
    await load(people(2_400));
    const writes: { at: number; units: number }[] = [];
    const base = createDynamoExecutor(config);
    const observed = wrapExecutor(base, async (operation, input, options, next) => {
      const output = await next(operation, input, options);
      if (operation === 'UpdateItem' && (input as { TableName?: string }).TableName === table()) {
        const consumed = (output as { ConsumedCapacity?: { CapacityUnits?: number } }).ConsumedCapacity;
        writes.push({ at: performance.now(), units: consumed?.CapacityUnits ?? Number.NaN });
      }
      return output;
    });
    const limited = createConnection({ executor: observed, prefix });
    const stop = new AbortController();
    const started = performance.now();
    const timer = setTimeout(() => stop.abort(), 30_000);
    const run = migrator(Person, [splitName], { connection: limited }).apply({
      segments: 4,
      parallel: 4,
      pageSize: 50,
      rate: { writes: 40 },
      signal: stop.signal,
    });
    await expect(run).rejects.toThrow();
    clearTimeout(timer);
    const elapsedS = (performance.now() - started) / 1000;
    const units = writes.filter((w) => w.at - started <= 30_000).reduce((sum, w) => sum + w.units, 0);
    const perSecond = units / Math.min(elapsedS, 30);
    expect(new Set(writes.map((w) => w.units))).toEqual(new Set([1]));
    console.log(
      `rate limit: ${perSecond.toFixed(2)} write units/s over ${Math.min(elapsedS, 30).toFixed(1)} s (limit 40)`,
    );
    expect(perSecond).toBeGreaterThan(36);
    expect(perSecond).toBeLessThan(44);
    await limited.close();
    base.destroy();
  }, 60_000);
});
