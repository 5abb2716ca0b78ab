import { inSettledPool } from '../src/migrations/settled-pool';

/** A promise with its resolve/reject handles, to settle work by hand. */
function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: unknown) => void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  return { promise, resolve, reject };
}

const turns = async (count = 5): Promise<void> => {
  for (let i = 0; i < count; i++) await new Promise((resolve) => setImmediate(resolve));
};

describe('inSettledPool (migration pages, entity key moves)', () => {
  it('runs at most `size` items at once and answers in input order', async () => {
    let running = 0;
    let most = 0;
    const results = await inSettledPool([5, 1, 4, 2, 3], 2, async (n) => {
      running++;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, n));
      running--;
      return n * 10;
    });
    expect(results).toEqual([50, 10, 40, 20, 30]);
    expect(most).toBe(2);
  });

  it('answers an empty list with no work', async () => {
    const work = jest.fn(() => Promise.resolve(1));
    await expect(inSettledPool([], 8, work)).resolves.toEqual([]);
    expect(work).not.toHaveBeenCalled();
  });

  it('starts nothing after a failure, and rejects only once every started item has settled', async () => {
    const gates = [0, 1, 2, 3, 4, 5].map(() => deferred<string>());
    const started: number[] = [];
    const settled: number[] = [];
    const run = inSettledPool([0, 1, 2, 3, 4, 5], 3, async (i) => {
      started.push(i);
      try {
        return await (gates[i] as ReturnType<typeof deferred<string>>).promise;
      } finally {
        settled.push(i);
      }
    });
    let outcome: unknown;
    run.then(
      () => (outcome = 'resolved'),
      (error: unknown) => (outcome = error),
    );
    await turns();
    expect(started).toEqual([0, 1, 2]);

    gates[1]?.reject(new Error('item 1 failed'));
    await turns();
    // Items 0 and 2 are still writing: the caller must not hear of the failure yet, and no item starts.
    expect(outcome).toBeUndefined();
    expect(started).toEqual([0, 1, 2]);

    gates[0]?.resolve('a');
    await turns();
    expect(outcome).toBeUndefined();
    gates[2]?.reject(new Error('item 2 failed too'));
    await turns();
    expect(started).toEqual([0, 1, 2]);
    expect(settled.sort()).toEqual([0, 1, 2]);
    expect(outcome).toEqual(new Error('item 1 failed')); // the first failure
  });
});
