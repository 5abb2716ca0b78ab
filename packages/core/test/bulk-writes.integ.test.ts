import 'reflect-metadata';
import { DynamoDBClient, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { DynamoExecutor, OutcomeUnknownError, ValidationError, BatchAbortedError } from '@dynamodel/executor';
import { startFaultProxy, type FaultProxy } from '@dynamodel/local/fault-proxy';
import { localTestConfig, uniqueTablePrefix } from '@dynamodel/local/jest';
import {
  Attribute,
  CreatedAt,
  Defaults,
  HashKey,
  ItemExistsError,
  Model,
  Table,
  Version,
  VersionConflictError,
  createConnection,
  type BatchFailure,
  type BulkProgress,
  type Connection,
} from '../src';

// Issue 25 §5: bulk conditional writes. An import of a versioned model had to hand-write a pool of
// 50,000 create calls, and a duplicate key ~40k lines apart overwrote the first silently. createMany
// and putMany: a bounded pool of conditional PutItems with a lossless per-item report.

@Table({ name: 'listings' })
class Listing extends Model {
  declare [Defaults]?: 'created';
  @HashKey() id!: string;
  @Attribute() title!: string;
  @Attribute() line!: number;
  @Version() version?: number;
  @CreatedAt() created!: Date;
}

const config = localTestConfig();
const raw = new DynamoDBClient(config);
let proxy: FaultProxy;
let executor: DynamoExecutor;
let connection: Connection;
const CONCURRENCY = 12;
const listings = () => Listing.using(connection);

beforeAll(async () => {
  proxy = await startFaultProxy({ target: config.endpoint, seed: 25 });
  executor = new DynamoExecutor({ ...config, endpoint: proxy.endpoint, maxAttempts: 10 });
  connection = createConnection({ executor, prefix: uniqueTablePrefix('bulk'), concurrency: 64 });
  await connection.syncTables([Listing]);
});
afterAll(async () => {
  await connection.close();
  executor.destroy();
  raw.destroy();
  await proxy.close();
});

/** Every stored item of the table, by id. */
async function storedItems(): Promise<Map<string, Record<string, AttributeValue>>> {
  const items = new Map<string, Record<string, AttributeValue>>();
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await raw.send(
      new ScanCommand({ TableName: listings().tableName, ConsistentRead: true, ExclusiveStartKey: start }),
    );
    for (const item of page.Items ?? []) items.set(item.id?.S as string, item);
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

async function* lines(count: number, from = 0): AsyncGenerator<{ id: string; title: string; line: number }> {
  for (let i = from; i < from + count; i++) {
    if (i % 100 === 0) await new Promise((resolve) => setImmediate(resolve)); // a stream, not an array
    yield { id: `l${i}`, title: `title ${i}`, line: i };
  }
}

describe('createMany', () => {
  it('creates 3,000 versioned items from a stream through throttling and lost answers: each stored once, version 1, every input accounted for', async () => {
    proxy.reset();
    proxy.setRates({ operations: ['PutItem'], rates: { pte: 0.05, resetAfter: 0.02, resetBefore: 0.02, '500': 0.02 } });
    const progress: BulkProgress[] = [];
    const failures: BatchFailure<Listing, unknown>[] = [];
    const report = await listings().createMany(lines(3_000), {
      concurrency: CONCURRENCY,
      onProgress: (p) => progress.push(p),
      onFailure: (f) => failures.push(f),
    });
    proxy.setRates();
    expect(report.written + report.failed + report.notAttempted).toBe(3_000);
    expect(report.notAttempted).toBe(0);
    // Lost answers of creates are resolved by reading the key back; only a create that lost its
    // answer three times in a row stays unresolved, and then it is OutcomeUnknownError, never a
    // false ItemExistsError or a silent loss.
    expect(report.failed).toBe(report.outcomeUnknown);
    expect(report.written).toBeGreaterThan(2_950);
    for (const failure of failures) expect(failure.reason).toBeInstanceOf(OutcomeUnknownError);
    expect(failures).toHaveLength(report.failed);
    expect(proxy.records.some((record) => record.mode === 'resetAfter')).toBe(true);
    // The pool never had more than `concurrency` writes in flight.
    expect(proxy.maxInFlight).toBeLessThanOrEqual(CONCURRENCY * 2); // a create's read-back may overlap its put
    const unknown = new Set(failures.map((failure) => failure.index));
    const stored = await storedItems();
    for (let i = 0; i < 3_000; i++) {
      const item = stored.get(`l${i}`);
      if (unknown.has(i) && !item) continue; // an unresolved create that did not land
      // Every stored item once, as given, at version 1 (a create is never applied twice).
      expect(item).toMatchObject({ title: { S: `title ${i}` }, line: { N: String(i) }, version: { N: '1' } });
      expect(item?.created?.S).toBeDefined();
    }
    expect(progress.at(-1)).toMatchObject({ written: report.written, failed: report.failed, inFlight: 0 });
    expect(progress.at(-1)?.itemsPerSecond).toBeGreaterThan(0);
  }, 120_000);

  it('never overwrites: a key taken in the table is ItemExistsError, a key given twice is reported, and both stored items stay', async () => {
    proxy.reset();
    await listings().create({ id: 'taken', title: 'original', line: -1 });
    const input = [
      { id: 'd1', title: 'first', line: 1 },
      { id: 'taken', title: 'intruder', line: 2 },
      { id: 'd2', title: 'x', line: 3 },
      { id: 'd1', title: 'second', line: 4 }, // the same key again, later in the input
    ];
    const report = await listings().createMany(input);
    expect(report).toMatchObject({ written: 2, failed: 2, notAttempted: 0 });
    const byIndex = new Map(report.failures.map((failure) => [failure.index, failure]));
    expect(byIndex.get(1)?.reason).toBeInstanceOf(ItemExistsError);
    expect(byIndex.get(1)?.key).toEqual({ id: 'taken' });
    expect(byIndex.get(3)?.reason).toMatchObject({ name: 'ValidationError', rule: 'duplicate-key', model: 'Listing' });
    expect(byIndex.get(3)?.attempts).toBe(0);
    expect((await listings().getOrFail('taken', { consistent: true })).title).toBe('original');
    expect((await listings().getOrFail('d1', { consistent: true })).title).toBe('first');

    // From a stream, a repeat far apart fails on its condition: reported, never overwriting.
    async function* far(): AsyncGenerator<{ id: string; title: string; line: number }> {
      yield { id: 'far', title: 'first', line: 0 };
      yield* lines(200, 10_000);
      yield { id: 'far', title: 'second', line: 1 };
    }
    const streamed = await listings().createMany(far());
    expect(streamed).toMatchObject({ written: 201, failed: 1 });
    expect(streamed.failures[0]).toMatchObject({ index: 201, reason: expect.any(ItemExistsError) });
    expect((await listings().getOrFail('far', { consistent: true })).title).toBe('first');
  });

  it('refuses a bad input alone, before sending; keepFailures bounds the result while onFailure sees all', async () => {
    proxy.reset();
    const input = [
      { id: 'ok1', title: 't', line: 1 },
      { id: 'bad1', title: 't', line: Number.NaN },
      { id: 'bad2', title: 't', line: 2, colour: 'red' } as never,
      { id: 'ok2', title: 't', line: 3 },
    ];
    const seen: BatchFailure<Listing, unknown>[] = [];
    const report = await listings().createMany(input, { keepFailures: 1, onFailure: (f) => seen.push(f) });
    expect(report).toMatchObject({ written: 2, failed: 2 });
    expect(report.failures).toHaveLength(1);
    expect(seen.map((f) => [f.index, (f.reason as ValidationError).rule, f.attempts])).toEqual([
      [1, 'finite', 0],
      [2, 'unknown-property', 0],
    ]);
  });

  it('abort: BatchAbortedError with a report that accounts for every input', async () => {
    proxy.reset();
    proxy.setRates({ operations: ['PutItem'], rates: {} });
    proxy.enqueue(...Array.from({ length: 40 }, () => ({ mode: { slow: 50 } }) as const));
    const controller = new AbortController();
    const input = Array.from({ length: 500 }, (_, i) => ({ id: `ab${i}`, title: 't', line: i }));
    const run = listings().createMany(input, {
      concurrency: 4,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.written >= 10) controller.abort();
      },
    });
    const error = (await run.catch((e: unknown) => e)) as BatchAbortedError<{
      written: number;
      failed: number;
      outcomeUnknown: number;
      notAttempted: number;
    }>;
    expect(error).toBeInstanceOf(BatchAbortedError);
    const { written, failed, notAttempted, outcomeUnknown } = error.report;
    expect(written + failed + notAttempted).toBe(500);
    expect(notAttempted).toBeGreaterThan(400);
    // Writes aborted in flight may have landed: outcome unknown, never "not written".
    expect(outcomeUnknown).toBe(failed);
    const stored = await storedItems();
    const landed = input.filter((item) => stored.has(item.id)).length;
    expect(landed).toBeGreaterThanOrEqual(written);
    expect(landed).toBeLessThanOrEqual(written + outcomeUnknown);
  });

  it('itemTimeoutMs: a write slower than it is reported as outcome unknown, the rest written', async () => {
    proxy.reset();
    proxy.enqueue({ mode: { slow: 1_500 } });
    const report = await listings().createMany(
      Array.from({ length: 20 }, (_, i) => ({ id: `to${i}`, title: 't', line: i })),
      { concurrency: 1, itemTimeoutMs: 500 },
    );
    expect(report).toMatchObject({ written: 19, failed: 1, outcomeUnknown: 1 });
    expect(report.failures[0]?.reason).toBeInstanceOf(OutcomeUnknownError);
    expect(report.failures[0]?.index).toBe(0);
  });
});

describe('putMany', () => {
  it("checks each instance's version: stale ones are VersionConflictError, current ones take the next version", async () => {
    proxy.reset();
    await listings().createMany(Array.from({ length: 10 }, (_, i) => ({ id: `pm${i}`, title: 'v1', line: i })));
    const read = await listings().batchGet(
      Array.from({ length: 10 }, (_, i) => `pm${i}`),
      { consistent: true },
    );
    const instances = read.items as Listing[];
    // Someone else moves three of them on.
    for (const i of [2, 5, 7]) await listings().update(`pm${i}`, { title: 'theirs' });
    for (const instance of instances) instance.title = 'mine';
    const report = await listings().putMany(instances);
    expect(report).toMatchObject({ written: 7, failed: 3 });
    expect(report.failures.map((f) => f.index).sort()).toEqual([2, 5, 7]);
    for (const failure of report.failures) expect(failure.reason).toBeInstanceOf(VersionConflictError);
    expect(instances.map((instance) => instance.version)).toEqual([2, 2, 1, 2, 2, 1, 2, 1, 2, 2]);
    expect((await listings().getOrFail('pm5', { consistent: true })).title).toBe('theirs');
    expect((await listings().getOrFail('pm4', { consistent: true })).title).toBe('mine');
  });

  it('applies a condition to every item', async () => {
    proxy.reset();
    const report = await listings().putMany(
      [
        { id: 'c1', title: 'new', line: 1 },
        { id: 'pm4', title: 'overwrite?', line: 4, version: 2 },
      ],
      { condition: (c) => c.notExists('title') },
    );
    expect(report).toMatchObject({ written: 1, failed: 1 });
    expect(report.failures[0]?.index).toBe(1);
  });
});
