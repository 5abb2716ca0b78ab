import { startNextTurn } from '../src/sdk/next-turn';

// The executor starts the requests made during one turn of the event loop together, at its next
// check phase (src/sdk/next-turn.ts): here on its own, with no client.
describe('startNextTurn', () => {
  const nextCheckPhase = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

  it('starts nothing in the turn that asks, then everything it asked for, in order', async () => {
    const started: number[] = [];
    const done = [1, 2, 3].map((n) =>
      startNextTurn(() => {
        started.push(n);
        return Promise.resolve(n * 10);
      }),
    );
    await Promise.resolve(); // microtasks of this turn run: still nothing
    expect(started).toEqual([]);
    await nextCheckPhase();
    expect(started).toEqual([1, 2, 3]);
    await expect(Promise.all(done)).resolves.toEqual([10, 20, 30]);
  });

  it('rejects only the start that throws, and starts the others', async () => {
    const failing = startNextTurn<number>(() => {
      throw new Error('no client');
    });
    const rejecting = startNextTurn<number>(() => Promise.reject(new Error('refused')));
    const fine = startNextTurn(() => Promise.resolve(7));
    await expect(failing).rejects.toThrow('no client');
    await expect(rejecting).rejects.toThrow('refused');
    await expect(fine).resolves.toBe(7);
  });

  it('starts a request made while the turn is being started at the turn after', async () => {
    const order: string[] = [];
    const outer = startNextTurn(() => {
      order.push('outer');
      return startNextTurn(() => {
        order.push('inner');
        return Promise.resolve('inner');
      });
    });
    await nextCheckPhase();
    expect(order).toEqual(['outer']);
    await expect(outer).resolves.toBe('inner');
    expect(order).toEqual(['outer', 'inner']);
  });

  describe('with the test faking timers (jest.useFakeTimers)', () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => jest.useRealTimers());

    it('still starts requests without the clock being advanced', async () => {
      await expect(startNextTurn(() => Promise.resolve('sent'))).resolves.toBe('sent');
    });
  });
});
