import { localTestConfig, uniqueTablePrefix } from '@dynamodel/local/jest';
import { startLocalRedis, type LocalRedis } from '@dynamodel/local/redis';
import { percentile, runTwoProcesses } from './support/near-two-processes';

// Issue 28: RedisCache's near tier across two processes on one Redis and DynamoDB Local — one
// writing hot notes, this one reading them through the near tier — against the bound docs/cache.md
// ("The near tier") states: once a write has returned, another process stops serving the value it
// replaced as soon as it reads Redis's push, sent in the same turn of Redis's loop as the write's
// invalidation was answered. The figures are measured by `pnpm bench` (part near-delay); this
// test holds every write of a run to NEAR_BOUND_MS, generous for a shared machine.
const NEAR_BOUND_MS = 250;

const config = localTestConfig();
let redis: LocalRedis;
beforeAll(async () => {
  redis = await startLocalRedis();
}, 30_000);
afterAll(async () => {
  await redis?.stop();
});

it('after each of 1,000 writes in another process returns, this process stops serving the old value within the bound', async () => {
  const result = await runTwoProcesses({
    config,
    redisUrl: redis.url,
    prefix: uniqueTablePrefix('near_two'),
    writes: 1_000,
  });
  expect(result.delays).toHaveLength(1_000);
  expect(Math.max(...result.delays)).toBeLessThanOrEqual(NEAR_BOUND_MS);
  expect(percentile(result.delays, 50)).toBeLessThan(NEAR_BOUND_MS / 5);
  expect(result.nearHits).toBeGreaterThan(result.storeHits + result.misses); // it served from this process
}, 120_000);

it('with its invalidation connection killed 5 times mid-run: no old value beyond the bound, and near hits resume', async () => {
  const result = await runTwoProcesses({
    config,
    redisUrl: redis.url,
    prefix: uniqueTablePrefix('near_kill'),
    writes: 600,
    kills: 5,
  });
  expect(result.kills).toBe(5);
  expect(Math.max(...result.delays)).toBeLessThanOrEqual(NEAR_BOUND_MS);
  expect(result.nearHitsAfterLastKill).toBeGreaterThan(0);
}, 120_000);
