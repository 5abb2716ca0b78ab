import { BatchWriteItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { localTestConfig, uniqueTablePrefix } from '@dynamodel/local/jest';
import { startFaultProxy, type FaultProxy } from '@dynamodel/local/fault-proxy';
import {
  BatchAbortedError,
  BatchStoppedError,
  DynamoExecutor,
  ResourceNotFoundError,
  batchGet,
  type BatchGetReport,
} from '../src';
import { CANARY, createTable, directClient } from './helpers';

const direct = directClient();
const table = `${uniqueTablePrefix('batchget')}t`;
let proxy: FaultProxy;
let executor: DynamoExecutor;
const key = (i: number): Record<string, AttributeValue> => ({ pk: { S: `k${i}` } });

beforeAll(async () => {
  await createTable(direct, table);
  for (let start = 0; start < 300; start += 25) {
    const requests = Array.from({ length: 25 }, (_, j) => ({
      PutRequest: { Item: { ...key(start + j), v: { N: String(start + j) } } },
    }));
    await direct.send(new BatchWriteItemCommand({ RequestItems: { [table]: requests } }));
  }
  proxy = await startFaultProxy({ target: localTestConfig().endpoint, seed: 7 });
  executor = new DynamoExecutor({ endpoint: proxy.endpoint, region: 'us-east-1', credentials: CANARY });
});
beforeEach(() => proxy.reset());
afterAll(async () => {
  executor.destroy();
  direct.destroy();
  await proxy.close();
});

describe('batchGet', () => {
  it('returns items in input order, with duplicates fanned out and absent keys as undefined, under partial answers', async () => {
    proxy.setRates({ operations: ['BatchGetItem'], rates: { unprocessedKeys: 0.5, pte: 0.1 } });
    // 250 existing keys, 20 absent ones, and 30 duplicates: 300 positions, 270 distinct keys.
    const keys = [
      ...Array.from({ length: 250 }, (_, i) => key(i)),
      ...Array.from({ length: 20 }, (_, i) => key(1_000 + i)),
      ...Array.from({ length: 30 }, (_, i) => key(i * 3)),
    ];
    const report = await batchGet(executor, table, keys, { backoff: { baseMs: 5 }, maxAttempts: 30 });
    proxy.setRates();
    expect(report.failures).toEqual([]);
    expect(report.failed).toBe(0);
    expect(report.items).toHaveLength(300);
    report.items.forEach((item, index) => {
      const expected = keys[index]?.pk?.S ?? '';
      const number = Number(expected.slice(1));
      if (number >= 1_000) expect(item).toBeUndefined();
      else expect(item).toEqual({ pk: { S: expected }, v: { N: String(number) } });
    });
    expect(report.found).toBe(280);
    expect(report.missing).toBe(20);
    expect(Object.keys(report.items)).toHaveLength(300); // absent keys are undefined slots, not holes
    expect(report.absent).toEqual(Array.from({ length: 20 }, (_, i) => 250 + i));
    const sentKeys = proxy.records.filter((r) => r.operation === 'BatchGetItem');
    expect(sentKeys.some((r) => r.unprocessed > 0)).toBe(true);
  });

  it('reads only the asked attributes, plus the key', async () => {
    const report = await batchGet(executor, table, [key(1), key(2)], { attributes: ['v'], consistentRead: true });
    expect(report.items).toEqual([
      { pk: { S: 'k1' }, v: { N: '1' } },
      { pk: { S: 'k2' }, v: { N: '2' } },
    ]);
  });

  it('reports keys it could not read as failed, never as missing', async () => {
    proxy.setRates({ operations: ['BatchGetItem'], rates: { unprocessedKeys: 1 } });
    const report = await batchGet(executor, table, [key(1), key(2), key(3)], {
      maxAttempts: 2,
      backoff: { baseMs: 1 },
    });
    proxy.setRates();
    expect(report.found + report.missing + report.failed).toBe(3);
    expect(report.failed).toBeGreaterThan(0);
    expect(report.notRead).toBe(0);
    expect(report.missing).toBe(0);
  });

  it('on abort, rejects with BatchAbortedError carrying what was read so far (issue: not a bare abort error)', async () => {
    const controller = new AbortController();
    // Aborts as the first group's answer arrives: one group read, the others not.
    const aborting = {
      send: (async (op, input, options) => {
        const output = await executor.send(op, input, options);
        controller.abort();
        return output;
      }) as DynamoExecutor['send'],
    };
    const keys = Array.from({ length: 300 }, (_, i) => key(i));
    const error = (await batchGet(aborting, table, keys, { concurrency: 1, signal: controller.signal }).catch(
      (e: unknown) => e,
    )) as BatchAbortedError<BatchGetReport>;
    expect(error).toBeInstanceOf(BatchAbortedError);
    expect(error.report).toMatchObject({ found: 100, missing: 0, failed: 0, notRead: 200, calls: 1 });
    expect(error.report.items.filter(Boolean)).toHaveLength(100);
  });

  it('stops at once on a missing table, with every key counted', async () => {
    let calls = 0;
    const counting = {
      send: ((op, input, options) => {
        if (op === 'BatchGetItem') calls++;
        return executor.send(op, input, options);
      }) as DynamoExecutor['send'],
    };
    const keys = Array.from({ length: 1_000 }, (_, i) => key(i));
    const error = (await batchGet(counting, `${table}_missing`, keys, { concurrency: 2 }).catch(
      (e: unknown) => e,
    )) as BatchStoppedError<BatchGetReport>;
    expect(error).toBeInstanceOf(BatchStoppedError);
    expect(error.cause).toBeInstanceOf(ResourceNotFoundError);
    expect(calls).toBeLessThanOrEqual(2);
    expect(error.report.failed + error.report.notRead).toBe(1_000);
    expect(error.report.failed).toBe(calls * 100);
  });

  it('accepts an empty input', async () => {
    await expect(batchGet(executor, table, [])).resolves.toMatchObject({ items: [], found: 0, calls: 0 });
  });
});
