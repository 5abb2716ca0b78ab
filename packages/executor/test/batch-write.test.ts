import { ScanCommand, type AttributeValue, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { localTestConfig, uniqueTablePrefix } from '@dynamodel/local/jest';
import { startFaultProxy, type FaultProxy } from '@dynamodel/local/fault-proxy';
import {
  BatchAbortedError,
  type BatchStoppedError,
  MAX_ITEM_BYTES,
  DynamoExecutor,
  ThrottledError,
  UnprocessedError,
  ValidationError,
  batchWrite,
  itemSize,
  itemSizeBound,
  type BatchWriteReport,
  type EventOf,
  type Executor,
  type InputOf,
  type OperationName,
} from '../src';
import { CANARY, createTable, directClient } from './helpers';

type Item = Record<string, AttributeValue>;
const direct = directClient();
const prefix = uniqueTablePrefix('batch');
let proxy: FaultProxy;
let executor: DynamoExecutor;
let tableNumber = 0;

async function freshTable(): Promise<string> {
  const name = `${prefix}t${tableNumber++}`;
  await createTable(direct, name);
  return name;
}

async function scanAll(table: string): Promise<Map<string, Item>> {
  const found = new Map<string, Item>();
  let start: Item | undefined;
  do {
    const page = await direct.send(
      new ScanCommand({ TableName: table, ConsistentRead: true, ExclusiveStartKey: start }),
    );
    for (const item of page.Items ?? []) found.set(item.pk?.S ?? '', item);
    start = page.LastEvaluatedKey;
  } while (start);
  return found;
}

/** An item with every kind of value, so "exactly as written" covers sets, binaries, big numbers and maps. */
function richItem(i: number): Item {
  return {
    pk: { S: `item-${String(i).padStart(6, '0')}` },
    n: { N: i % 2 ? `${i}.5` : `-${i + 1}` },
    big: { N: '12345678901234567890123456789012345678' },
    tags: { SS: [`t${i % 7}`, `u${i % 11}`] },
    bytes: { B: Uint8Array.from([i % 256, (i >> 8) % 256, 0, 255]) },
    nested: {
      M: {
        when: { S: new Date(1_700_000_000_000 + i).toISOString() },
        list: { L: [{ N: String(i) }, { BOOL: true }, { NULL: true }] },
      },
    },
    text: { S: `héllo ${i} ✓` },
  };
}

const puts = (items: Item[]): WriteRequest[] => items.map((Item) => ({ PutRequest: { Item } }));

/** Wraps an executor and records every BatchWriteItem input, to prove what was (not) sent. */
function recording(inner: Executor): Executor & { sent: InputOf<'BatchWriteItem'>[] } {
  const sent: InputOf<'BatchWriteItem'>[] = [];
  return {
    sent,
    events: inner.events,
    send<Op extends OperationName>(op: Op, input: InputOf<Op>, options?: { signal?: AbortSignal }) {
      if (op === 'BatchWriteItem') sent.push(input as InputOf<'BatchWriteItem'>);
      return inner.send(op, input, options);
    },
  };
}

beforeAll(async () => {
  proxy = await startFaultProxy({ target: localTestConfig().endpoint, seed: 42 });
  executor = new DynamoExecutor({ endpoint: proxy.endpoint, region: 'us-east-1', credentials: CANARY, maxSockets: 32 });
});
beforeEach(() => proxy.reset());
afterAll(async () => {
  executor.destroy();
  direct.destroy();
  await proxy.close();
});

describe('batchWrite', () => {
  it('writes 20,000 items exactly once each under throttling, 5xx, resets and partial unprocessed answers', async () => {
    const table = await freshTable();
    const items = Array.from({ length: 20_000 }, (_, i) => richItem(i));
    proxy.setRates({
      operations: ['BatchWriteItem'],
      rates: { pte: 0.3, '500': 0.025, '503': 0.025, resetBefore: 0.005, resetAfter: 0.005, unprocessed: 0.2 },
    });
    const resends: EventOf<'unprocessed-resend'>[] = [];
    const stop = executor.events.on('unprocessed-resend', (event) => resends.push(event));
    const report = await batchWrite(executor, table, puts(items), {
      keyAttributes: ['pk'],
      concurrency: 16,
      maxAttempts: 50,
      backoff: { baseMs: 20, maxMs: 1_000 },
    });
    stop();
    proxy.setRates();

    expect(report.failures).toEqual([]);
    expect(report.failed).toBe(0);
    expect(report.written).toBe(20_000);
    expect(report.written + report.failed + report.notAttempted).toBe(items.length);
    const modes = new Set(proxy.records.map((r) => r.mode.split(':')[0]));
    for (const mode of ['pte', '500', '503', 'resetBefore', 'resetAfter', 'unprocessed']) expect(modes).toContain(mode);
    expect(report.resent).toBeGreaterThan(0);
    expect(resends.reduce((sum, e) => sum + e.count, 0)).toBe(report.resent);

    const stored = await scanAll(table);
    expect(stored.size).toBe(20_000);
    for (const item of items) expect(stored.get(item.pk?.S ?? '')).toEqual(item);
  });

  it('writes an item whose cheap size bound is over 400 KB when its exact size is not, and refuses one byte more', async () => {
    const table = await freshTable();
    // ASCII text: the bound counts 3 bytes a character, DynamoDB one.
    const padded = (pk: string, extra: number): Item => {
      const pad = MAX_ITEM_BYTES - itemSize({ pk: { S: pk }, text: { S: '' } });
      return { pk: { S: pk }, text: { S: 'x'.repeat(pad + extra) } };
    };
    const requests = puts([padded('fits', 0), padded('over', 1), padded('third', -200_000)]);
    expect(itemSizeBound(padded('fits', 0))).toBeGreaterThan(MAX_ITEM_BYTES);
    const report = await batchWrite(executor, table, requests, { keyAttributes: ['pk'] });

    expect(report.written).toBe(2);
    expect(report.failures.map((f) => [f.index, (f.reason as ValidationError).rule])).toEqual([[1, 'max-item-size']]);
    expect(report.failures[0]?.reason.message).toContain(`Item is ${MAX_ITEM_BYTES + 1} bytes`);
    const stored = await scanAll(table);
    expect([...stored.keys()].sort()).toEqual(['fits', 'third']);
  });

  it('reports items over 400 KB one by one before sending them, and writes all the others', async () => {
    const table = await freshTable();
    const big = (i: number): Item => ({ pk: { S: `big-${i}` }, blob: { S: 'x'.repeat(409_600) } });
    const requests = puts(Array.from({ length: 250 }, (_, i) => (i % 5 === 0 ? big(i) : richItem(i))));
    const recorder = recording(executor);
    const report = await batchWrite(recorder, table, requests, { keyAttributes: ['pk'] });

    expect(report.written).toBe(200);
    expect(report.failed).toBe(50);
    expect(report.failures).toHaveLength(50);
    for (const failure of report.failures) {
      expect(failure.index % 5).toBe(0);
      expect(failure.reason).toBeInstanceOf(ValidationError);
      expect((failure.reason as ValidationError).rule).toBe('max-item-size');
      expect(failure.attempts).toBe(0);
    }
    const sentKeys = recorder.sent.flatMap((input) =>
      Object.values(input.RequestItems ?? {})
        .flat()
        .map((r) => r.PutRequest?.Item?.pk?.S),
    );
    expect(sentKeys.filter((k) => k?.startsWith('big-'))).toEqual([]);
    const stored = await scanAll(table);
    expect(stored.size).toBe(200);
    expect([...stored.keys()].some((k) => k.startsWith('big-'))).toBe(false);
  });

  it('isolates an item DynamoDB rejects (empty key) so only that item fails', async () => {
    const table = await freshTable();
    const items = Array.from({ length: 30 }, (_, i) => richItem(i));
    items[7] = { pk: { S: '' }, v: { S: 'bad' } };
    const report = await batchWrite(executor, table, puts(items), { keyAttributes: ['pk'] });
    expect(report.failures.map((f) => f.index)).toEqual([7]);
    expect(report.failures[0]?.reason).toBeInstanceOf(ValidationError);
    expect(report.failures[0]?.reason.message).toMatch(/empty string/i);
    expect(report.written).toBe(29);
    expect((await scanAll(table)).size).toBe(29);
  });

  it('fails a key repeated in an array, naming its first position, and writes the rest', async () => {
    const table = await freshTable();
    const requests = puts([richItem(1), richItem(2), { ...richItem(1), extra: { S: 'second' } }, richItem(3)]);
    const report = await batchWrite(executor, table, requests, { keyAttributes: ['pk'] });
    expect(report.written).toBe(3);
    expect(report.failures.map((f) => [f.index, (f.reason as ValidationError).rule, f.attempts])).toEqual([
      [2, 'duplicate-key', 0],
    ]);
    expect(report.failures[0]?.reason.message).toContain('request 0');
    const stored = await scanAll(table);
    expect(stored.size).toBe(3);
    expect(stored.get('item-000001')).toEqual(richItem(1)); // the first one, never overwritten by the repeat
  });

  it('reports a streamed duplicate of a key still in flight as a failed item', async () => {
    const table = await freshTable();
    async function* stream(): AsyncGenerator<WriteRequest> {
      yield* puts([richItem(1), richItem(2), { ...richItem(1), extra: { S: 'second' } }]);
    }
    const report = await batchWrite(executor, table, stream(), { keyAttributes: ['pk'] });
    expect(report.written).toBe(2);
    expect(report.failures.map((f) => [f.index, (f.reason as ValidationError).rule])).toEqual([[2, 'duplicate-key']]);
  });

  describe('toRequest', () => {
    const toPut = (i: number): WriteRequest => {
      if (i % 10 === 3) throw new ValidationError(`input ${i} is refused`, { rule: 'test-rule' });
      return { PutRequest: { Item: richItem(i) } };
    };

    it('fails the inputs it refuses alone, by position and with the input, and writes the rest', async () => {
      const table = await freshTable();
      const inputs = Array.from({ length: 60 }, (_, i) => i);
      const report = await batchWrite(executor, table, inputs, { keyAttributes: ['pk'], toRequest: toPut });
      expect(report.written).toBe(54);
      expect(report.failures.map((f) => [f.index, f.input, f.request, f.attempts])).toEqual(
        [3, 13, 23, 33, 43, 53].map((i) => [i, i, undefined, 0]),
      );
      expect(report.failures.every((f) => (f.reason as ValidationError).rule === 'test-rule')).toBe(true);
      const stored = await scanAll(table);
      expect(stored.size).toBe(54);
      for (const i of inputs)
        expect(stored.get(`item-${String(i).padStart(6, '0')}`)).toEqual(i % 10 === 3 ? undefined : richItem(i));
    });

    it('takes the size bound a sized request brings, counts exactly above 400 KB, and fails alone an item whose bound was too low', async () => {
      const table = await freshTable();
      const text = (length: number): Item => ({ pk: { S: `text-${length}` }, text: { S: 'x'.repeat(length) } });
      const cases: [Item, number][] = [
        [richItem(1), 1_000], // taken as it is
        [text(300_000), 900_000], // over the limit by the bound: counted exactly (300 KB) and written
        [text(409_600), 5_000_000], // counted exactly: over the limit, refused before sending
        [text(420_000), 10], // a bound too low: sent, refused by DynamoDB, and it fails alone
        [richItem(2), 1_000],
      ];
      const recorder = recording(executor);
      const report = await batchWrite(recorder, table, [0, 1, 2, 3, 4], {
        keyAttributes: ['pk'],
        toRequest: (i: number) => {
          const [item, sizeBound] = cases[i] as [Item, number];
          return { request: { PutRequest: { Item: item } }, sizeBound };
        },
      });

      expect(report.written).toBe(3);
      expect(report.failures.map((f) => [f.index, f.attempts, f.reason.name])).toEqual([
        [2, 0, 'ValidationError'],
        [3, 1, 'ValidationError'],
      ]);
      expect((report.failures[0]?.reason as ValidationError).rule).toBe('max-item-size');
      const stored = await scanAll(table);
      expect([...stored.keys()].sort()).toEqual([richItem(1).pk?.S, richItem(2).pk?.S, 'text-300000'].sort());
      // The item refused by its exact size was never sent.
      const sent = recorder.sent.flatMap((input) =>
        Object.values(input.RequestItems ?? {})
          .flat()
          .map((r) => r.PutRequest?.Item?.pk?.S),
      );
      expect(sent).not.toContain('text-409600');
    });

    it('stops the batch when it throws something other than a DynamodelError', async () => {
      const table = await freshTable();
      const bug = new TypeError('a bug in the converter');
      const run = batchWrite(executor, table, [1, 2, 3], {
        keyAttributes: ['pk'],
        toRequest: (i: number) => {
          if (i === 2) throw bug;
          return { PutRequest: { Item: richItem(i) } };
        },
      });
      await expect(run).rejects.toMatchObject({ name: 'BatchStoppedError', cause: bug });
    });

    it('stops with a full report when it throws after groups went out', async () => {
      const table = await freshTable();
      const bug = new TypeError('a bug in the converter');
      const run = batchWrite(
        executor,
        table,
        Array.from({ length: 100 }, (_, i) => i),
        {
          keyAttributes: ['pk'],
          toRequest: (i: number) => {
            if (i === 60) throw bug;
            return { PutRequest: { Item: richItem(i) } };
          },
        },
      );
      const error = (await run.then(
        () => undefined,
        (e: unknown) => e,
      )) as BatchStoppedError<BatchWriteReport<number>>;
      expect(error).toMatchObject({ name: 'BatchStoppedError', cause: bug });
      const { written, failed, notAttempted } = error.report;
      // Every input is accounted for: written, or never sent (the one that threw and those after it;
      // the one that threw was once left out of the counts).
      expect(written + failed + notAttempted).toBe(100);
      expect(failed).toBe(0);
      expect((await scanAll(table)).size).toBe(written);
    });
  });

  it('gives up on items still unprocessed after maxAttempts and reports each one', async () => {
    const table = await freshTable();
    proxy.setRates({ operations: ['BatchWriteItem'], rates: { unprocessed: 1 } });
    const report = await batchWrite(executor, table, puts(Array.from({ length: 60 }, (_, i) => richItem(i))), {
      keyAttributes: ['pk'],
      maxAttempts: 3,
      backoff: { baseMs: 1 },
    });
    proxy.setRates();
    expect(report.written + report.failed).toBe(60);
    expect(report.failed).toBeGreaterThan(0);
    expect(report.failures).toHaveLength(report.failed);
    for (const failure of report.failures) {
      // Trimmed to nothing, DynamoDB answers with a throttle instead of a 200: either way, retryable to the end.
      expect([UnprocessedError, ThrottledError].some((type) => failure.reason instanceof type)).toBe(true);
      expect(failure.attempts).toBe(3);
    }
    const stored = await scanAll(table);
    expect(stored.size).toBe(report.written);
    for (const failure of report.failures) expect(stored.has(failure.key?.pk?.S ?? '')).toBe(false);
  });

  it('counts every trimmed request as re-sent, and backs off between re-sends', async () => {
    const table = await freshTable();
    proxy.enqueue(
      { operation: 'BatchWriteItem', mode: { unprocessed: 5 } },
      { operation: 'BatchWriteItem', mode: { unprocessed: 10 } },
    );
    const resends: EventOf<'unprocessed-resend'>[] = [];
    const stop = executor.events.on('unprocessed-resend', (event) => resends.push(event));
    const report = await batchWrite(executor, table, puts(Array.from({ length: 50 }, (_, i) => richItem(i))), {
      keyAttributes: ['pk'],
      concurrency: 1,
    });
    stop();
    const trimmed = proxy.records.reduce((sum, r) => sum + r.unprocessed, 0);
    expect(trimmed).toBe(20 + 15);
    expect(resends.reduce((sum, e) => sum + e.count, 0)).toBe(trimmed);
    expect(report.resent).toBe(trimmed);
    expect(report.written).toBe(50);
  });

  it('tolerates an answer without an UnprocessedItems member', async () => {
    const table = await freshTable();
    proxy.enqueue({ operation: 'BatchWriteItem', mode: 'noUnprocessedMember' });
    const report = await batchWrite(executor, table, puts([richItem(1), richItem(2)]), { keyAttributes: ['pk'] });
    expect(report.written).toBe(2);
  });

  it('reads the key schema with DescribeTable when not told', async () => {
    const table = await freshTable();
    const report = await batchWrite(executor, table, puts([richItem(1)]));
    expect(report.written).toBe(1);
  });

  it('stops sending when aborted, rejects promptly, and accounts for every item taken', async () => {
    const table = await freshTable();
    const slowProxy = await startFaultProxy({ target: localTestConfig().endpoint, latencyMs: 20 });
    const slow = recording(
      new DynamoExecutor({ endpoint: slowProxy.endpoint, region: 'us-east-1', credentials: CANARY }),
    );
    const controller = new AbortController();
    let taken = 0;
    async function* stream(): AsyncGenerator<WriteRequest> {
      for (let i = 0; i < 100_000; i++) {
        taken++;
        yield { PutRequest: { Item: richItem(i) } };
      }
    }
    const pending = batchWrite(slow, table, stream(), {
      keyAttributes: ['pk'],
      concurrency: 2,
      onProgress: (progress) => {
        if (progress.written >= 100) controller.abort();
      },
      signal: controller.signal,
    });
    const error = (await pending.catch((e: unknown) => e)) as BatchAbortedError<{
      written: number;
      failed: number;
      notAttempted: number;
    }>;
    const sentAtAbort = slow.sent.length;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(error).toBeInstanceOf(BatchAbortedError);
    expect(error.name).toBe('AbortError');
    expect(slow.sent.length).toBe(sentAtAbort);
    const { written, failed, notAttempted } = error.report;
    expect(written + failed + notAttempted).toBe(taken);
    expect(taken).toBeLessThan(1_000);
    await slowProxy.close();
  });
});

describe('batchWrite back-pressure (no server)', () => {
  /** Stores nothing; answers each BatchWriteItem on the next turn of the event loop, counting its requests. */
  function acknowledging(): { executor: Executor; counts: { sent: number; acknowledged: number } } {
    const counts = { sent: 0, acknowledged: 0 };
    const executor: Executor = {
      async send<Op extends OperationName>(_op: Op, input: InputOf<Op>) {
        const requests = Object.values((input as InputOf<'BatchWriteItem'>).RequestItems ?? {}).flat().length;
        counts.sent += requests;
        await new Promise((resolve) => setImmediate(resolve));
        counts.acknowledged += requests;
        return { $metadata: {}, UnprocessedItems: {} } as never;
      },
    };
    return { executor, counts };
  }

  it('pulls from a 100,000-item stream only as fast as writes are acknowledged', async () => {
    const { executor: answering, counts } = acknowledging();
    let pulled = 0;
    let maxAhead = 0;
    async function* stream(): AsyncGenerator<WriteRequest> {
      for (let i = 0; i < 100_000; i++) {
        pulled++;
        maxAhead = Math.max(maxAhead, pulled - counts.acknowledged);
        yield { PutRequest: { Item: { pk: { S: `k${i}` } } } };
      }
    }
    const report = await batchWrite(answering, 'memory', stream(), { keyAttributes: ['pk'], concurrency: 8 });
    expect(report.written).toBe(100_000);
    // Queue (2 × 8 × 25) plus the groups in flight (8 × 25), plus one item being admitted.
    expect(maxAhead).toBeLessThanOrEqual(8 * 25 * 3 + 1);
  });

  it('converts the items of an array one group ahead of sending, so its requests are made and dropped young', async () => {
    const { executor: answering, counts } = acknowledging();
    let converted = 0;
    let maxAhead = 0;
    const report = await batchWrite(
      answering,
      'memory',
      Array.from({ length: 10_000 }, (_, i) => i),
      {
        keyAttributes: ['pk'],
        concurrency: 8,
        toRequest: (i) => {
          converted++;
          maxAhead = Math.max(maxAhead, converted - counts.sent);
          return { PutRequest: { Item: { pk: { S: `k${i}` } } } };
        },
      },
    );
    expect(report).toMatchObject({ written: 10_000, calls: 400 });
    // Only the group about to be sent is converted before it is.
    expect(maxAhead).toBeLessThanOrEqual(25);
  });
});
