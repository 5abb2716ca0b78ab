import type { WriteRequest } from '@aws-sdk/client-dynamodb';
import { uniqueTablePrefix } from '@dynamodel/local/jest';
import {
  BatchAbortedError,
  BatchStoppedError,
  DynamoExecutor,
  OutcomeUnknownError,
  ResourceNotFoundError,
  ThrottledError,
  TransientServiceError,
  UnprocessedError,
  type ValidationError,
  batchWrite,
  type BatchWriteFailure,
  type BatchWriteReport,
  type Executor,
  type InputOf,
  type OperationName,
  type OutputOf,
} from '../src';
import { createTable, directClient } from './helpers';
import { localTestConfig } from '@dynamodel/local/jest';

// The batch engine over long runs and real streams (issue: slow sources, per-item time, fatal
// errors, bounded failure reports, outcome-unknown precision).

const direct = directClient();
const real = new DynamoExecutor(localTestConfig());
const prefix = uniqueTablePrefix('batch_runs');
let tableNumber = 0;
afterAll(() => {
  real.destroy();
  direct.destroy();
});

async function freshTable(): Promise<string> {
  const name = `${prefix}t${tableNumber++}`;
  await createTable(direct, name);
  return name;
}

const put = (i: number): WriteRequest => ({ PutRequest: { Item: { pk: { S: `k${i}` }, v: { N: String(i) } } } });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const requestsOf = (input: InputOf<'BatchWriteItem'>): WriteRequest[] => Object.values(input.RequestItems ?? {}).flat();

type Handler = (input: InputOf<'BatchWriteItem'>, call: number) => Promise<OutputOf<'BatchWriteItem'>>;

/** An executor without a server: each BatchWriteItem call goes to `handler`, and its time is recorded. */
function scripted(handler: Handler): Executor & { calls: { at: number; size: number }[] } {
  const calls: { at: number; size: number }[] = [];
  const started = Date.now();
  return {
    calls,
    send<Op extends OperationName>(op: Op, input: InputOf<Op>): Promise<OutputOf<Op>> {
      const batch = input as InputOf<'BatchWriteItem'>;
      calls.push({ at: Date.now() - started, size: requestsOf(batch).length });
      return handler(batch, calls.length);
    },
  };
}
const ok = (): Promise<OutputOf<'BatchWriteItem'>> => Promise.resolve({ $metadata: {}, UnprocessedItems: {} });
const throttled = (): Promise<never> =>
  Promise.reject(new ThrottledError('scripted throttle', { code: 'ProvisionedThroughputExceededException' }));

async function storedKeys(table: string, keys: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  const output = await real.send('Scan', { TableName: table, ConsistentRead: true });
  for (const item of output.Items ?? []) if (item.pk?.S && keys.includes(item.pk.S)) found.add(item.pk.S);
  return found;
}

describe('batchWrite with slow sources', () => {
  it('sends what it has when the source is idle, instead of waiting for 2 × concurrency × 25 items', async () => {
    const executor = scripted(ok);
    const yielded: number[] = [];
    const started = Date.now();
    async function* slow(): AsyncGenerator<WriteRequest> {
      for (let i = 0; i < 6; i++) {
        await sleep(40);
        yielded.push(Date.now() - started);
        yield put(i);
      }
    }
    const report = await batchWrite(executor, 't', slow(), { keyAttributes: ['pk'] });
    expect(report.written).toBe(6);
    // The first item went out long before the source ended (6 × 40 ms).
    expect(executor.calls[0]?.at).toBeLessThan((yielded[5] ?? 0) - 100);
    expect(executor.calls.reduce((sum, call) => sum + call.size, 0)).toBe(6);
  });

  it('sends every full group at once while the source is still producing', async () => {
    const executor = scripted(ok);
    let produced = 0;
    async function* bursts(): AsyncGenerator<WriteRequest> {
      for (let i = 0; i < 100; i++) {
        if (i === 50) await sleep(200); // 50 items at hand, then a pause
        produced++;
        yield put(i);
      }
    }
    await batchWrite(executor, 't', bursts(), { keyAttributes: ['pk'] });
    expect(executor.calls.slice(0, 2).map((call) => call.size)).toEqual([25, 25]);
    expect(executor.calls[1]?.at).toBeLessThan(150); // both full groups left before the pause ended
    expect(produced).toBe(100);
  });

  it('re-sends an unprocessed item while the source is stalled', async () => {
    let release!: () => void;
    const stalled = new Promise<void>((resolve) => (release = resolve));
    const executor = scripted(async (input, call) => {
      if (call === 1) return { $metadata: {}, UnprocessedItems: { t: requestsOf(input) } };
      if (call === 2) release(); // the retry went out before the source moved on
      return ok();
    });
    async function* source(): AsyncGenerator<WriteRequest> {
      yield put(1);
      await stalled;
      yield put(2);
    }
    const report = await batchWrite(executor, 't', source(), { keyAttributes: ['pk'], backoff: { baseMs: 5 } });
    expect(report).toMatchObject({ written: 2, failed: 0, resent: 1 });
  });

  it('notices an abort while the source is stalled, and reports what was taken', async () => {
    const controller = new AbortController();
    const executor = scripted(ok);
    let closed = false;
    async function* source(): AsyncGenerator<WriteRequest> {
      try {
        yield put(1);
        yield put(2);
        await new Promise(() => undefined); // never yields again
      } finally {
        closed = true;
      }
    }
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    const error = (await batchWrite(executor, 't', source(), {
      keyAttributes: ['pk'],
      signal: controller.signal,
    }).catch((e: unknown) => e)) as BatchAbortedError<BatchWriteReport>;
    expect(error).toBeInstanceOf(BatchAbortedError);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(error.report).toMatchObject({ written: 2, failed: 0, notAttempted: 0 });
    expect(closed).toBe(false); // a pending next() cannot be interrupted; return() is queued behind it
  });
});

describe('batchWrite time limits', () => {
  it('gives each item its own time: an item first sent late is not failed by an early start', async () => {
    // Every group is throttled once, then written. The second item arrives 300 ms in; a 200 ms limit
    // counted from the start of the batch would fail it after one attempt.
    const seen = new Set<string>();
    const executor = scripted((input) => {
      const id = JSON.stringify(requestsOf(input).map((r) => r.PutRequest?.Item?.pk?.S));
      if (seen.has(id)) return ok();
      seen.add(id);
      return throttled();
    });
    async function* source(): AsyncGenerator<WriteRequest> {
      yield put(1);
      await sleep(300);
      yield put(2);
    }
    const report = await batchWrite(executor, 't', source(), {
      keyAttributes: ['pk'],
      itemTimeoutMs: 200,
      backoff: { baseMs: 5 },
    });
    expect(report).toMatchObject({ written: 2, failed: 0 });
  });

  it('fails an item still throttled past itemTimeoutMs, saying why', async () => {
    const executor = scripted(throttled);
    const report = await batchWrite(executor, 't', [put(1)], {
      keyAttributes: ['pk'],
      itemTimeoutMs: 100,
      maxAttempts: 1_000,
      backoff: { baseMs: 10, maxMs: 20 },
    });
    expect(report.failed).toBe(1);
    expect(report.failures[0]?.reason).toBeInstanceOf(ThrottledError);
    expect(report.failures[0]?.attempts).toBeGreaterThan(1);
  });

  it('reports unprocessed items that ran out of time as UnprocessedError naming itemTimeoutMs', async () => {
    const executor = scripted(async (input) => ({ $metadata: {}, UnprocessedItems: { t: requestsOf(input) } }));
    const report = await batchWrite(executor, 't', [put(1)], {
      keyAttributes: ['pk'],
      itemTimeoutMs: 50,
      maxAttempts: 1_000,
      backoff: { baseMs: 5, maxMs: 10 },
    });
    expect(report.failures[0]?.reason).toBeInstanceOf(UnprocessedError);
    expect(report.failures[0]?.reason.message).toMatch(/50 ms after its first attempt \(itemTimeoutMs\)/);
  });
});

describe('batchWrite stops at once on fatal errors', () => {
  it('5,000 items against a missing table: at most one call per slot, and every item counted', async () => {
    const calls: number[] = [];
    const counting: Executor = {
      send(op, input, options) {
        if (op === 'BatchWriteItem') calls.push(1);
        return real.send(op, input, options);
      },
    };
    const items = Array.from({ length: 5_000 }, (_, i) => put(i));
    const error = (await batchWrite(counting, `${prefix}missing`, items, {
      keyAttributes: ['pk'],
      concurrency: 8,
    }).catch((e: unknown) => e)) as BatchStoppedError<BatchWriteReport>;
    expect(error).toBeInstanceOf(BatchStoppedError);
    expect(error.cause).toBeInstanceOf(ResourceNotFoundError);
    expect(error.message).toMatch(/stopped: .*ResourceNotFoundException/);
    expect(calls.length).toBeLessThanOrEqual(8);
    const { written, failed, notAttempted, failures } = error.report;
    expect(written + failed + notAttempted).toBe(5_000);
    expect(written).toBe(0);
    expect(failed).toBe(calls.length * 25);
    expect(failures.every((f) => f.reason instanceof ResourceNotFoundError)).toBe(true);
  });

  it('a source that throws stops the run; what was taken is settled and counted', async () => {
    const table = await freshTable();
    async function* source(): AsyncGenerator<WriteRequest> {
      for (let i = 0; i < 60; i++) yield put(i);
      throw new Error('the input file is corrupt at line 61');
    }
    const error = (await batchWrite(real, table, source(), { keyAttributes: ['pk'] }).catch(
      (e: unknown) => e,
    )) as BatchStoppedError<BatchWriteReport>;
    expect(error).toBeInstanceOf(BatchStoppedError);
    expect(error.message).toMatch(/the input source threw: the input file is corrupt at line 61/);
    const { written, failed, notAttempted } = error.report;
    expect(written + failed + notAttempted).toBe(60);
    const keys = Array.from({ length: 60 }, (_, i) => `k${i}`);
    expect((await storedKeys(table, keys)).size).toBe(written);
  });
});

describe('batchWrite failure reports stay bounded', () => {
  it('streams every failure to onFailure and keeps only the first 100 in the report', async () => {
    const executor = scripted(ok);
    const streamed: BatchWriteFailure[] = [];
    async function* bad(): AsyncGenerator<WriteRequest> {
      for (let i = 0; i < 1_000; i++) yield { PutRequest: { Item: { other: { S: `x${i}` } } } };
      yield put(1);
    }
    const report = await batchWrite(executor, 't', bad(), {
      keyAttributes: ['pk'],
      onFailure: (failure) => streamed.push(failure),
    });
    expect(report).toMatchObject({ written: 1, failed: 1_000, outcomeUnknown: 0 });
    expect(report.failures).toHaveLength(100);
    expect(report.failures.map((f) => f.index)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(streamed).toHaveLength(1_000);
    expect((streamed[999]?.reason as ValidationError).rule).toBe('missing-key');
  });

  it('keeps every failure with keepFailures: Infinity, none with 0', async () => {
    const bad = Array.from({ length: 300 }, (_, i) => ({ PutRequest: { Item: { other: { S: `x${i}` } } } }));
    const all = await batchWrite(scripted(ok), 't', bad, { keyAttributes: ['pk'], keepFailures: Infinity });
    expect(all.failures).toHaveLength(300);
    const none = await batchWrite(scripted(ok), 't', bad, { keyAttributes: ['pk'], keepFailures: 0 });
    expect(none).toMatchObject({ failed: 300, failures: [] });
  });

  it('an onFailure that throws stops the run with that error', async () => {
    const bad = [{ PutRequest: { Item: { other: { S: 'x' } } } }, put(1), put(2)];
    const error = (await batchWrite(scripted(ok), 't', bad, {
      keyAttributes: ['pk'],
      onFailure: () => {
        throw new Error('metrics sink is down');
      },
    }).catch((e: unknown) => e)) as BatchStoppedError<BatchWriteReport>;
    expect(error).toBeInstanceOf(BatchStoppedError);
    expect(error.message).toMatch(/a callback \(onFailure, onWritten\) threw: metrics sink is down/);
    expect(error.report.written + error.report.failed + error.report.notAttempted).toBe(3);
  });
});

describe('batchWrite is precise about outcome-unknown items', () => {
  const lost = () =>
    new OutcomeUnknownError('scripted: answer lost', { code: 'ECONNRESET', operation: 'BatchWriteItem' });
  const refused = () =>
    new TransientServiceError('scripted: connect ECONNREFUSED', { code: 'ECONNREFUSED', operation: 'BatchWriteItem' });

  it('an item whose earlier attempt was applied but unanswered is OutcomeUnknownError, not the last error', async () => {
    const table = await freshTable();
    // Group of k0..k24: applied, answer lost; then refused. Group of k25..k49: refused every time.
    const executor: Executor = {
      async send(op, input, options) {
        if (op !== 'BatchWriteItem') return real.send(op, input, options);
        const first = requestsOf(input as InputOf<'BatchWriteItem'>)[0]?.PutRequest?.Item?.pk?.S;
        const attempt = (attempts.get(first ?? '') ?? 0) + 1;
        attempts.set(first ?? '', attempt);
        if (first === 'k0' && attempt === 1) {
          await real.send(op, input, options);
          throw lost();
        }
        throw refused();
      },
    };
    const attempts = new Map<string, number>();
    const report = await batchWrite(
      executor,
      table,
      Array.from({ length: 50 }, (_, i) => put(i)),
      {
        keyAttributes: ['pk'],
        maxAttempts: 3,
        backoff: { baseMs: 1 },
      },
    );
    expect(report).toMatchObject({ written: 0, failed: 50, outcomeUnknown: 25 });
    const stored = await storedKeys(
      table,
      Array.from({ length: 50 }, (_, i) => `k${i}`),
    );
    for (const failure of report.failures) {
      const key = failure.key?.pk?.S ?? '';
      if (failure.reason instanceof OutcomeUnknownError) {
        expect(Number(key.slice(1))).toBeLessThan(25);
        expect(failure.reason.message).toMatch(/earlier attempt's answer was lost \(ECONNRESET\).*ECONNREFUSED/);
      } else {
        // Certainly never applied: and indeed not stored.
        expect(failure.reason).toBeInstanceOf(TransientServiceError);
        expect(stored.has(key)).toBe(false);
      }
    }
    expect(stored.size).toBe(25); // the lost-answer group had in fact landed
  });

  it('a later attempt that is written confirms the item', async () => {
    let call = 0;
    const executor = scripted(async () => (++call === 1 ? Promise.reject(lost()) : ok()));
    const report = await batchWrite(executor, 't', [put(1)], { keyAttributes: ['pk'], backoff: { baseMs: 1 } });
    expect(report).toMatchObject({ written: 1, failed: 0, outcomeUnknown: 0 });
  });

  it('an unprocessed answer after a lost one does not clear the doubt', async () => {
    let call = 0;
    const executor = scripted(async (input) =>
      ++call === 1 ? Promise.reject(lost()) : { $metadata: {}, UnprocessedItems: { t: requestsOf(input) } },
    );
    const report = await batchWrite(executor, 't', [put(1)], {
      keyAttributes: ['pk'],
      maxAttempts: 3,
      backoff: { baseMs: 1 },
    });
    expect(report.outcomeUnknown).toBe(1);
    expect(report.failures[0]?.reason.message).toMatch(/Still unprocessed after 3 attempts/);
  });
});
