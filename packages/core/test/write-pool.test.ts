import { BatchAbortedError, BatchStoppedError, OutcomeUnknownError, ValidationError } from '@dynamodel/executor';
import { runWritePool, type PreparedWrite } from '../src/operations/bulk/write-pool';

// The bulk write pool behind createMany/putMany (src/operations/bulk/write-pool.ts), without a
// database: every input is accounted for, whatever happens to it.

const ok = (id: string): PreparedWrite<string> => ({ id, key: id, send: () => Promise.resolve() });

describe('runWritePool', () => {
  it('keeps at most `concurrency` writes in flight and pulls only as fast as they finish', async () => {
    let inFlight = 0;
    let most = 0;
    let pulled = 0;
    function* source(): Generator<number> {
      for (let i = 0; i < 100; i++) {
        pulled++;
        yield i;
      }
    }
    const report = await runWritePool(
      source(),
      (i) => ({
        id: String(i),
        key: String(i),
        send: async () => {
          inFlight++;
          most = Math.max(most, inFlight);
          expect(pulled - i).toBeLessThanOrEqual(4); // never far ahead of the writes
          await new Promise((resolve) => setTimeout(resolve, 1));
          inFlight--;
        },
      }),
      { concurrency: 3 },
    );
    expect(report).toMatchObject({ written: 100, failed: 0, notAttempted: 0 });
    expect(most).toBe(3);
  });

  it('an unexpected error while preparing stops the run, with the input counted as not attempted', async () => {
    const error = await runWritePool(
      [1, 2, 3, 4],
      (i) => {
        if (i === 2) throw new TypeError('a bug');
        return ok(String(i));
      },
      { concurrency: 1 },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BatchStoppedError);
    const { report } = error as BatchStoppedError<{ written: number; failed: number; notAttempted: number }>;
    expect(report.written + report.failed + report.notAttempted).toBe(4);
    expect(report.written).toBe(1);
  });

  it('an unexpected error from a send is an outcome-unknown failure, and stops the run', async () => {
    const error = await runWritePool(
      ['a', 'b', 'c'],
      (id) => ({
        id,
        key: id,
        send: () => (id === 'b' ? Promise.reject(new Error('socket hang-up')) : Promise.resolve()),
      }),
      { concurrency: 1 },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BatchStoppedError);
    const { report } = error as BatchStoppedError<{
      written: number;
      failed: number;
      notAttempted: number;
      outcomeUnknown: number;
      failures: { reason: unknown }[];
    }>;
    expect(report).toMatchObject({ written: 1, failed: 1, outcomeUnknown: 1, notAttempted: 1 });
    expect(report.failures[0]?.reason).toBeInstanceOf(OutcomeUnknownError);
  });

  it('a refused input fails alone; a repeated key in an array is duplicate-key; an aborted run accounts for the rest', async () => {
    const report = await runWritePool(
      ['a', 'b', 'a', 'c'],
      (id) => {
        if (id === 'c') throw new ValidationError('c is bad', { rule: 'type' });
        return ok(id);
      },
      { model: 'Thing' },
    );
    expect(report).toMatchObject({ written: 2, failed: 2 });
    expect(report.failures.map((f) => [f.index, (f.reason as ValidationError).rule, f.attempts])).toEqual([
      [2, 'duplicate-key', 0],
      [3, 'type', 0],
    ]);

    const controller = new AbortController();
    controller.abort();
    const aborted = await runWritePool(['x', 'y'], ok, { signal: controller.signal }).catch((e: unknown) => e);
    expect(aborted).toBeInstanceOf(BatchAbortedError);
    expect((aborted as BatchAbortedError<{ notAttempted: number }>).report.notAttempted).toBe(2);
  });
});
