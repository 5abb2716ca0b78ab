import 'reflect-metadata';
import { DynamoDBClient, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { DynamoExecutor, OutcomeUnknownError } from '@dynamodel/executor';
import { startFaultProxy, type FaultProxy } from '@dynamodel/local/fault-proxy';
import { localTestConfig, uniqueTablePrefix } from '@dynamodel/local/jest';
import {
  Attribute,
  BatchAbortedError,
  HashKey,
  Keys,
  Model,
  RangeKey,
  Table,
  ValidationError,
  createConnection,
  type Connection,
} from '../src';
import { recordingExecutor, type RecordingExecutor } from './support/recording-executor';

// Issue 12 §1: model batches on the executor's batch engine, against DynamoDB Local (and through
// the fault proxy for unprocessed items, throttling and lost answers).

@Table({ name: 'books' })
class Book extends Model {
  declare [Keys]?: 'isbn';
  @HashKey() isbn!: string;
  @Attribute() title!: string;
  @Attribute() pages!: number;
  @Attribute({ type: Set, of: String, optional: true }) tags?: Set<string>;
  @Attribute({ optional: true }) published?: Date;
}

@Table({ name: 'chapters' })
class Chapter extends Model {
  declare [Keys]?: ['isbn', 'number'];
  @HashKey() isbn!: string;
  @RangeKey() number!: number;
  @Attribute() heading!: string;
}

const config = localTestConfig();
const raw = new DynamoDBClient(config);
let recorder: RecordingExecutor;
let connection: Connection;
let proxy: FaultProxy;
let proxied: DynamoExecutor;
let faulty: Connection;
const books = () => Book.using(connection);

const isbn = (i: number): string => `isbn-${String(i).padStart(6, '0')}`;
const book = (i: number) => ({
  isbn: isbn(i),
  title: `Book ${i} — “${'x'.repeat(i % 50)}”`,
  pages: 100 + (i % 900),
  ...(i % 3 === 0 ? { tags: new Set([`t${i % 7}`, 'all']) } : {}),
  ...(i % 5 === 0 ? { published: new Date(Date.UTC(2000, 0, 1) + i * 86_400_000) } : {}),
});

/** What a stored `book(i)` reads back as: an absent set is an empty one. */
const stored = (i: number) => ({ tags: new Set<string>(), ...book(i) });

async function scanTable(tableName: string): Promise<Map<string, Record<string, AttributeValue>>> {
  const found = new Map<string, Record<string, AttributeValue>>();
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await raw.send(
      new ScanCommand({ TableName: tableName, ConsistentRead: true, ExclusiveStartKey: start }),
    );
    for (const item of page.Items ?? []) found.set(`${item.isbn?.S}/${item.number?.N ?? ''}`, item);
    start = page.LastEvaluatedKey;
  } while (start);
  return found;
}

beforeAll(async () => {
  recorder = recordingExecutor(config);
  connection = createConnection({ executor: recorder, prefix: uniqueTablePrefix('batches') });
  proxy = await startFaultProxy({ target: config.endpoint, seed: 12 });
  proxied = new DynamoExecutor({ ...config, endpoint: proxy.endpoint, maxSockets: 32 });
  faulty = createConnection({ executor: proxied, prefix: uniqueTablePrefix('batches_faults') });
  await connection.syncTables([Book, Chapter]);
  await faulty.syncTables([Book]);
});
afterEach(() => proxy.reset());
afterAll(async () => {
  recorder.destroy();
  proxied.destroy();
  raw.destroy();
  await proxy.close();
  await connection.close();
  await faulty.close();
});

describe('batchPut', () => {
  it('stores 9,997 of 10,000 books and names the 3 invalid ones by position, attribute and rule, never sending them', async () => {
    const inputs: object[] = Array.from({ length: 10_000 }, (_, i) => book(i));
    inputs[17] = { ...book(17), pages: 'many' }; // wrong type
    inputs[4_242] = { isbn: isbn(4_242), pages: 10 }; // title missing
    inputs[9_998] = { ...book(9_998), pages: Number.NaN }; // not storable
    const before = recorder.count('BatchWriteItem');
    const progress: number[] = [];
    const rates: number[] = [];
    const streamed: number[] = [];
    const report = await books().batchPut(inputs as ReturnType<typeof book>[], {
      onProgress: (p) => {
        progress.push(p.written);
        rates.push(p.itemsPerSecond);
      },
      // Every failure as it happens (issue 25 §5), even beyond what the result keeps.
      onFailure: (failure) => streamed.push(failure.index),
      keepFailures: 2,
    });

    expect(report).toMatchObject({ written: 9_997, failed: 3, outcomeUnknown: 0, notAttempted: 0 });
    expect(
      report.failures.map((f) => [
        f.index,
        f.attempts,
        (f.reason as ValidationError).attribute,
        (f.reason as ValidationError).rule,
      ]),
    ).toEqual([
      [17, 0, 'pages', 'type'],
      [4_242, 0, 'title', 'required'],
    ]);
    expect(streamed).toEqual([17, 4_242, 9_998]);
    expect(rates.at(-1)).toBeGreaterThan(0);
    for (const failure of report.failures) {
      expect(failure.reason).toBeInstanceOf(ValidationError);
      expect(failure.reason.message).toMatch(/^Book\./);
      expect(failure.input).toBe(inputs[failure.index]);
    }
    expect(recorder.count('BatchWriteItem') - before).toBe(report.calls);
    expect(report.calls).toBe(400); // 9,997 items in groups of 25
    expect(progress.at(-1)).toBe(9_997);

    const items = await scanTable(books().tableName);
    expect(items.size).toBe(9_997);
    for (let i = 0; i < 10_000; i++) {
      const item = items.get(`${isbn(i)}/`);
      if (i === 17 || i === 4_242 || i === 9_998) {
        expect(item).toBeUndefined();
        continue;
      }
      // Every stored item decodes back to exactly what was given.
      expect({ ...books().decode(item as Record<string, AttributeValue>) }).toEqual(stored(i));
    }
  });

  it('takes instances and an async stream, writes each once, and reports a key repeated in an array', async () => {
    async function* stream(): AsyncGenerator<Book> {
      for (let i = 20_000; i < 21_000; i++) {
        if (i % 100 === 0) await new Promise((resolve) => setTimeout(resolve, 1)); // a source that waits on I/O
        yield Book.build(book(i));
      }
    }
    const streamed = await books().batchPut(stream());
    expect(streamed).toMatchObject({ written: 1_000, failed: 0 });

    const repeated = await books().batchPut([book(30_000), book(30_001), { ...book(30_000), title: 'second' }]);
    expect(repeated.written).toBe(2);
    expect(repeated.failures.map((f) => [f.index, (f.reason as ValidationError).rule, f.key])).toEqual([
      [2, 'duplicate-key', { isbn: isbn(30_000) }],
    ]);
    expect((await books().getOrFail(isbn(30_000))).title).toBe(book(30_000).title);
  });

  it('measures each item once while encoding it: a 300 KB title is written, a 410 KB one is refused by attribute before sending', async () => {
    const before = recorder.count('BatchWriteItem');
    const report = await books().batchPut([
      { ...book(40_000), title: 'x'.repeat(300_000) }, // its bound (3 bytes a character) is over 400 KB; its size is not
      { ...book(40_001), title: 'y'.repeat(410_000) },
      book(40_002),
    ]);

    expect(report).toMatchObject({ written: 2, failed: 1 });
    const [failure] = report.failures;
    expect([failure?.index, failure?.attempts]).toEqual([1, 0]);
    expect(failure?.reason).toMatchObject({ name: 'ValidationError', attribute: 'title', rule: 'item-size' });
    expect(failure?.reason.message).toMatch(/^Book.title: item is \d+ bytes, over DynamoDB's 409600-byte limit/);
    expect(recorder.count('BatchWriteItem') - before).toBe(1);
    expect((await books().getOrFail(isbn(40_000))).title).toHaveLength(300_000);
    expect(await books().get(isbn(40_001))).toBeUndefined();
  });

  it('writes every item exactly once through unprocessed answers, throttling and lost answers', async () => {
    proxy.setRates({
      operations: ['BatchWriteItem'],
      rates: { unprocessed: 0.3, pte: 0.1, '500': 0.05, resetAfter: 0.03 },
    });
    const report = await Book.using(faulty).batchPut(
      Array.from({ length: 3_000 }, (_, i) => book(i)),
      { maxAttempts: 30 },
    );
    proxy.setRates();
    // Re-sending an applied put stores the same item again, so nothing may be left unknown or failed.
    expect(report).toMatchObject({ written: 3_000, failed: 0, outcomeUnknown: 0 });
    expect(report.resent).toBeGreaterThan(0);
    const items = await scanTable(Book.using(faulty).tableName);
    expect(items.size).toBe(3_000);
    for (let i = 0; i < 3_000; i++) {
      expect({ ...Book.using(faulty).decode(items.get(`${isbn(i)}/`) as Record<string, AttributeValue>) }).toEqual(
        stored(i),
      );
    }
  });

  it('itemTimeoutMs: items not written within it are reported failed, instead of retried for minutes (issue 25 §5)', async () => {
    proxy.reset();
    // Every call comes back with nothing processed: the items are re-sent until their time is up.
    proxy.setRates({ operations: ['BatchWriteItem'], rates: { unprocessed: 1 } });
    proxy.enqueue(...Array.from({ length: 200 }, () => ({ mode: { unprocessed: 0 } }) as const));
    const started = Date.now();
    const report = await Book.using(faulty).batchPut(
      Array.from({ length: 10 }, (_, i) => book(90_000 + i)),
      { itemTimeoutMs: 300, maxAttempts: 1_000 },
    );
    proxy.setRates();
    proxy.reset();
    expect(report).toMatchObject({ written: 0, failed: 10, notAttempted: 0 });
    // 1,000 attempts with backoff would take minutes: the items gave up once their time was up.
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('rejects an aborted batch with a report that accounts for every input', async () => {
    const controller = new AbortController();
    const inputs = Array.from({ length: 5_000 }, (_, i) => book(50_000 + i));
    const run = books().batchPut(inputs, {
      signal: controller.signal,
      onProgress: (p) => p.written >= 500 && controller.abort(),
    });
    const error = (await run.catch((e: unknown) => e)) as BatchAbortedError<{
      written: number;
      failed: number;
      notAttempted: number;
      failures: { reason: unknown }[];
    }>;
    expect(error).toBeInstanceOf(BatchAbortedError);
    const { written, failed, notAttempted } = error.report;
    expect(written + failed + notAttempted).toBe(5_000);
    expect(notAttempted).toBeGreaterThan(0);
    // Failed ones were in flight at the abort: they may be stored, and say so.
    expect(error.report.failures.every((f) => f.reason instanceof OutcomeUnknownError)).toBe(true);
  });
});

describe('batchDelete', () => {
  it('deletes by keys of a composite table, and reports a bad key without sending it', async () => {
    await Chapter.using(connection).batchPut(
      Array.from({ length: 60 }, (_, i) => ({ isbn: isbn(i % 3), number: i, heading: `Chapter ${i}` })),
    );
    const keys: { isbn: string; number: number }[] = Array.from({ length: 30 }, (_, i) => ({
      isbn: isbn(i % 3),
      number: i,
    }));
    keys.splice(5, 0, { isbn: '', number: 1 });
    const report = await Chapter.using(connection).batchDelete(keys);
    expect(report.written).toBe(30);
    expect(report.failures.map((f) => [f.index, (f.reason as ValidationError).rule, f.input])).toEqual([
      [5, 'empty-key', { isbn: '', number: 1 }],
    ]);
    const left = await scanTable(Chapter.using(connection).tableName);
    expect([...left.values()].map((item) => Number(item.number?.N)).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 30 }, (_, i) => 30 + i),
    );
  });
});

describe('batchGet', () => {
  beforeAll(async () => {
    await books().batchPut(Array.from({ length: 140 }, (_, i) => book(100_000 + i)));
  });

  it('reads 150 keys of which 10 are absent: items in input order, absent keys reported, duplicates read once', async () => {
    const keys: string[] = Array.from({ length: 150 }, (_, i) => isbn(100_000 + i)); // 140..149 are absent
    keys.push(isbn(100_003), isbn(100_145)); // a present and an absent duplicate
    const before = recorder.count('BatchGetItem');
    const result = await books().batchGet(keys);
    expect(recorder.count('BatchGetItem') - before).toBe(2); // 150 distinct keys: 100 + 50
    expect(result.items).toHaveLength(152);
    // Every position is a slot of its own, not a hole that map and forEach would skip (a regression).
    expect(Object.keys(result.items)).toHaveLength(152);
    expect(result.items.map((item) => item?.isbn)[140]).toBeUndefined();
    result.items.forEach((item, index) => {
      const i = Number((keys[index] as string).slice(5)) - 100_000;
      if (i >= 140) expect(item).toBeUndefined();
      else {
        expect(item).toBeInstanceOf(Book);
        expect({ ...item }).toEqual(stored(100_000 + i));
      }
    });
    expect(result.items[150]).not.toBe(result.items[3]); // duplicates are distinct instances
    expect(result.found).toBe(141);
    expect(result.absent).toEqual([...Array.from({ length: 10 }, (_, i) => 140 + i), 151]);
    expect(result.failures).toEqual([]);
  });

  it('reads only the projected attributes (and the key) into partial instances', async () => {
    const result = await books().batchGet([isbn(100_001), { isbn: isbn(100_002) }], {
      projection: ['title'],
      consistent: true,
    });
    expect(result.items.map((item) => ({ ...item }))).toEqual([
      { isbn: isbn(100_001), title: book(100_001).title },
      { isbn: isbn(100_002), title: book(100_002).title },
    ]);
    // @ts-expect-error: a projected read does not promise pages
    const pages: number = result.items[0]?.pages;
    expect(pages).toBeUndefined();
  });

  it('refuses a bad key, naming its position, before sending anything', async () => {
    const before = recorder.count('BatchGetItem');
    await expect(books().batchGet([isbn(1), isbn(2), ''])).rejects.toThrow(
      expect.objectContaining({
        name: 'ValidationError',
        rule: 'empty-key',
        message: expect.stringContaining('batchGet key 2'),
      }),
    );
    await expect(books().batchGet([isbn(1)], { projection: ['nope' as 'title'] })).rejects.toThrow(
      /projection names "nope"/,
    );
    expect(recorder.count('BatchGetItem')).toBe(before);
  });

  it('reads every key through unprocessed keys and throttling', async () => {
    await Book.using(faulty).batchPut(Array.from({ length: 300 }, (_, i) => book(200_000 + i)));
    proxy.setRates({ operations: ['BatchGetItem'], rates: { unprocessedKeys: 0.5, pte: 0.1 } });
    const result = await Book.using(faulty).batchGet(Array.from({ length: 320 }, (_, i) => isbn(200_000 + i)));
    proxy.setRates();
    expect(result.found).toBe(300);
    expect(result.absent).toEqual(Array.from({ length: 20 }, (_, i) => 300 + i));
    expect(result.items.slice(0, 300).map((item) => item?.isbn)).toEqual(
      Array.from({ length: 300 }, (_, i) => isbn(200_000 + i)),
    );
  });
});
