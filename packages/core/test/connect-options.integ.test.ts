import { DynamoExecutor, wrapExecutor, type Executor, type InputOf, type LimitedExecutor } from '@dynamodel/executor';
import { localTestConfig, uniqueTablePrefix } from '@dynamodel/local/jest';
import { createConnection, DynamodelError } from '../src';
import { Tweet } from './support/models';

// Issue 10 §3: limits compose through connect(): a custom executor keeps `concurrency`, and
// `wrap`, `adaptive` and `rateLimit` stack in a documented order.

const config = localTestConfig();
const prefix = uniqueTablePrefix('connect_options');
const inner = new DynamoExecutor(config);
afterAll(() => inner.destroy());

/** A layer that measures requests in flight below it and records each input. */
function measuring(base: Executor) {
  const state = { inFlight: 0, maxInFlight: 0, inputs: [] as object[] };
  const executor = wrapExecutor(base, async (operation, input, options, next) => {
    state.inputs.push(input);
    state.maxInFlight = Math.max(state.maxInFlight, ++state.inFlight);
    try {
      await new Promise((resolve) => setTimeout(resolve, 5));
      return await next(operation, input, options);
    } finally {
      state.inFlight--;
    }
  });
  return { executor, state };
}

beforeAll(async () => {
  await createConnection({ executor: inner, prefix }).syncTables([Tweet]);
});

it('applies concurrency to a custom executor instead of dropping it', async () => {
  const { executor, state } = measuring(inner);
  const connection = createConnection({ executor, prefix, concurrency: 3 });
  await Promise.all(
    Array.from({ length: 30 }, (_, i) => Tweet.using(connection).put({ tweetId: `c${i}`, author: 'a', text: 't' })),
  );
  expect(state.maxInFlight).toBe(3);
});

it('stacks wrap (innermost), the concurrency cap and the rate limit', async () => {
  let measured: ReturnType<typeof measuring> | undefined;
  const connection = createConnection({
    ...config,
    prefix,
    concurrency: 2,
    rateLimit: { writeUnits: 10_000 },
    wrap: (base) => (measured = measuring(base)).executor,
  });
  await Promise.all(
    Array.from({ length: 20 }, (_, i) => Tweet.using(connection).put({ tweetId: `w${i}`, author: 'a', text: 't' })),
  );
  expect(measured?.state.maxInFlight).toBe(2);
  // The rate limit (outermost) asked for consumed capacity; the wrap saw the request as sent.
  const puts = (measured?.state.inputs ?? []).filter((input) => 'Item' in input);
  expect(puts).toHaveLength(20);
  for (const input of puts) expect((input as InputOf<'PutItem'>).ReturnConsumedCapacity).toBe('TOTAL');
  await connection.close();
});

it('adaptive: true puts an adaptive cap (executor tests cover its moves), starting at min(16, concurrency)', async () => {
  const connection = createConnection({ executor: inner, prefix, concurrency: 8, adaptive: true });
  const executor = (await connection.executor()) as LimitedExecutor;
  expect(executor.limiter.limit).toBe(8);
  await Tweet.using(connection).put({ tweetId: 'adaptive', author: 'a', text: 't' });
  const tuned = createConnection({ executor: inner, prefix, adaptive: { initial: 4, max: 12 } });
  expect(((await tuned.executor()) as LimitedExecutor).limiter.limit).toBe(4);
});

it('refuses a concurrency that is not a positive integer', async () => {
  const connection = createConnection({ executor: inner, prefix, concurrency: 0 });
  await expect(connection.executor()).rejects.toThrow(DynamodelError);
  await expect(connection.executor()).rejects.toThrow(/concurrency must be a positive integer, got 0/);
});
