import { localTestConfig, uniqueTablePrefix } from '@dynamodel/local/jest';
import { startFaultProxy, type FaultProxy } from '@dynamodel/local/fault-proxy';
import {
  DynamoExecutor,
  RequestAbortedError,
  Semaphore,
  TokenBucket,
  withAdaptiveConcurrency,
  withConcurrencyLimit,
  withRateLimit,
  wrapExecutor,
  ExecutorEvents,
  type EventOf,
  type Executor,
} from '../src';
import { CANARY, createTable, directClient } from './helpers';

const table = `${uniqueTablePrefix('limits')}items`;
const direct = directClient();
let proxy: FaultProxy;
let executor: DynamoExecutor;

beforeAll(async () => {
  await createTable(direct, table);
  proxy = await startFaultProxy({ target: localTestConfig().endpoint, latencyMs: 5 });
  executor = new DynamoExecutor({ endpoint: proxy.endpoint, region: 'us-east-1', credentials: CANARY, maxAttempts: 2 });
});
beforeEach(() => proxy.reset());
afterAll(async () => {
  executor.destroy();
  direct.destroy();
  await proxy.close();
});

const put = (i: number) => ({ TableName: table, Item: { pk: { S: `item-${i}` }, n: { N: String(i) } } });

describe('withConcurrencyLimit', () => {
  it('never has more requests in flight than the cap (measured at the proxy)', async () => {
    const limited = withConcurrencyLimit(executor, 4);
    await Promise.all(Array.from({ length: 200 }, (_, i) => limited.send('PutItem', put(i))));
    expect(proxy.records).toHaveLength(200);
    expect(proxy.maxInFlight).toBe(4);
  });

  it('lets an aborted caller leave the queue without sending anything', async () => {
    const limited = withConcurrencyLimit(executor, 1);
    const first = limited.send('PutItem', put(1));
    const controller = new AbortController();
    const second = limited.send('PutItem', put(2), { signal: controller.signal });
    controller.abort();
    await expect(second).rejects.toBeInstanceOf(RequestAbortedError);
    await first;
    expect(limited.limiter.queued).toBe(0);
    expect(limited.limiter.inUse).toBe(0);
    expect(proxy.records).toHaveLength(1);
  });
});

describe('withAdaptiveConcurrency', () => {
  it('halves the cap under throttling and raises it again on success', async () => {
    // One attempt per request: every throttle reaches the limiter at once, without SDK backoff.
    const once = new DynamoExecutor({
      endpoint: proxy.endpoint,
      region: 'us-east-1',
      credentials: CANARY,
      maxAttempts: 1,
    });
    const adaptive = withAdaptiveConcurrency(once, { initial: 16, min: 1, max: 16, cooldownMs: 0 });
    const changes: EventOf<'concurrency-limit'>[] = [];
    const stop = once.events.on('concurrency-limit', (event) => changes.push(event));
    proxy.setRates({ rates: { pte: 0.5 }, operations: ['PutItem'] });
    await Promise.allSettled(Array.from({ length: 100 }, (_, i) => adaptive.send('PutItem', put(i))));
    const lowest = Math.min(...changes.map((c) => c.limit));
    expect(lowest).toBeLessThanOrEqual(4);
    expect(changes.some((c) => c.reason === 'throttle')).toBe(true);

    proxy.setRates();
    const before = adaptive.limiter.limit;
    for (let i = 0; i < 60; i++) await adaptive.send('PutItem', put(i));
    expect(adaptive.limiter.limit).toBeGreaterThan(before);
    expect(changes.some((c) => c.reason === 'success')).toBe(true);
    stop();
    once.destroy();
  });
});

describe('composing wrappers', () => {
  it('a limit reacts only to throttles of its own requests, not to those of a neighbour on the same executor', async () => {
    const shared = new DynamoExecutor({
      endpoint: proxy.endpoint,
      region: 'us-east-1',
      credentials: CANARY,
      maxAttempts: 1,
    });
    const mine = withAdaptiveConcurrency(shared, { initial: 8, cooldownMs: 0 });
    const neighbour = withAdaptiveConcurrency(shared, { initial: 8, cooldownMs: 0 });
    proxy.enqueue(...Array.from({ length: 5 }, () => ({ mode: 'pte' as const, operation: 'PutItem' })));
    await Promise.allSettled(Array.from({ length: 5 }, (_, i) => neighbour.send('PutItem', put(i))));
    expect(neighbour.limiter.limit).toBeLessThan(8);
    expect(mine.limiter.limit).toBe(8);
    shared.destroy();
  });

  it('counts throttles the SDK retried away (observed per attempt), and passes the caller observer on', async () => {
    const retrying = new DynamoExecutor({
      endpoint: proxy.endpoint,
      region: 'us-east-1',
      credentials: CANARY,
      maxAttempts: 3,
    });
    const adaptive = withAdaptiveConcurrency(retrying, { initial: 8, cooldownMs: 0 });
    const seen: string[] = [];
    proxy.enqueue({ mode: 'pte', operation: 'PutItem' });
    await adaptive.send('PutItem', put(1), { observe: (event) => seen.push(event.type) });
    expect(adaptive.limiter.limit).toBe(4);
    expect(seen).toEqual(['throttle', 'retry']);
    retrying.destroy();
  });

  it('forwards events and destroy once through a stack of wrappers', async () => {
    let destroyed = 0;
    const events = new ExecutorEvents();
    const base: Executor = {
      events,
      send: (op, input, options) => executor.send(op, input, options),
      destroy: () => {
        destroyed++;
      },
    };
    const stack = withRateLimit(withAdaptiveConcurrency(withConcurrencyLimit(base, 4)), { writeUnits: 1_000 });
    expect(stack.events).toBe(events);
    await stack.send('PutItem', put(1));
    await stack.destroy?.();
    expect(destroyed).toBe(1);
  });

  it('wrapExecutor builds a wrapper from one send function', async () => {
    const operations: string[] = [];
    const traced = wrapExecutor(executor, (operation, input, options, next) => {
      operations.push(operation);
      return next(operation, input, options);
    });
    await traced.send('PutItem', put(2));
    await traced.send('GetItem', { TableName: table, Key: { pk: { S: 'item-2' } } });
    expect(operations).toEqual(['PutItem', 'GetItem']);
    expect(traced.events).toBe(executor.events);
  });
});

describe('withRateLimit', () => {
  it('asks for ConsumedCapacity and keeps spending under the budget', async () => {
    const limited = withRateLimit(executor, { writeUnits: 50, burstSeconds: 0.1 });
    const started = performance.now();
    for (let i = 0; i < 30; i++) await limited.send('PutItem', put(i));
    const seconds = (performance.now() - started) / 1000;
    // 30 one-unit writes at 50 units/s with a 5-unit burst need at least (30 - 5) / 50 = 0.5 s.
    expect(seconds).toBeGreaterThanOrEqual(0.45);
    expect(limited.write?.available).toBeLessThanOrEqual(5);
  });

  it('reserves each request before sending it, so requests in flight at once cannot overshoot the budget', async () => {
    const limited = withRateLimit(executor, { writeUnits: 50, burstSeconds: 0.1 });
    const started = performance.now();
    // Without the reservation all 30 would pass on the first positive balance and finish at once.
    await Promise.all(Array.from({ length: 30 }, (_, i) => limited.send('PutItem', put(100 + i))));
    const seconds = (performance.now() - started) / 1000;
    expect(seconds).toBeGreaterThanOrEqual(0.45);
  });
});

describe('Semaphore and TokenBucket (no server)', () => {
  it('serves waiters in order and applies a raised limit at once', async () => {
    const semaphore = new Semaphore(1);
    const order: number[] = [];
    await semaphore.acquire();
    const waiting = [1, 2, 3].map((n) => semaphore.acquire().then(() => order.push(n)));
    semaphore.limit = 3;
    semaphore.release();
    await Promise.all(waiting);
    expect(order).toEqual([1, 2, 3]);
    expect(() => new Semaphore(0)).toThrow(RangeError);
  });

  it('refills at the configured rate and reports the wait for a debt', () => {
    let now = 0;
    const bucket = new TokenBucket(10, 10, () => now);
    bucket.spend(15);
    expect(bucket.waitMs()).toBe(500);
    now = 500;
    expect(bucket.available).toBeCloseTo(0, 5);
    now = 2_000;
    expect(bucket.available).toBe(10);
  });
});
