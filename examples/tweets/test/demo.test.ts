import 'reflect-metadata';
import { MemoryCache, RedisCache, type Cache } from '@dynamodel/cache';
import { createConnection, ItemExistsError, ValidationError } from '@dynamodel/core';
import { localTestConfig, uniqueTablePrefix } from '@dynamodel/local/jest';
import { startLocalRedis, type LocalRedis } from '@dynamodel/local/redis';
import Redis from 'ioredis';
import { runDemo } from '../src/demo';
import { Tweet } from '../src/tweet';

let redis: LocalRedis;
const clients: Redis[] = [];
beforeAll(async () => {
  redis = await startLocalRedis();
}, 60_000);
afterAll(async () => {
  for (const client of clients) client.disconnect();
  await redis?.stop();
});

const stores: [string, () => Cache | undefined][] = [
  ['in memory', () => new MemoryCache()],
  [
    'in Redis (REDIS_URL)',
    () => {
      const client = new Redis(redis.port, '127.0.0.1');
      clients.push(client);
      return new RedisCache(client);
    },
  ],
  ['absent', () => undefined],
];

describe.each(stores)('quick-start demo, the cache %s', (name, store) => {
  it('creates a tweet, reads the same tweet back, shows the first errors, a counter, an index query and the cache', async () => {
    const cache = store();
    const connection = createConnection({
      ...localTestConfig(),
      prefix: uniqueTablePrefix('demo'),
      autoCreateTables: true,
      // Time for a loaded machine's Redis calls (see examples/accounts/test/demo.test.ts).
      ...(cache ? { cache, cacheTimeoutMs: 2_000 } : {}),
    });
    const lines: string[] = [];
    try {
      const result = await runDemo(connection, (line) => lines.push(line));
      expect(result.read).toBeInstanceOf(Tweet);
      expect(result.read?.summary()).toBe('@ana: hello, DynamoDB #dynamodel');
      expect(result.read?.tweetId).toBe(result.created.tweetId);
      expect(result.read?.created).toEqual(result.created.created);
      expect(result.missing).toBeUndefined();
      expect(result.duplicate).toBeInstanceOf(ItemExistsError);
      expect(result.invalid).toBeInstanceOf(ValidationError);
      expect((result.invalid as ValidationError).message).toContain('Tweet.text');
      expect(result.liked.likes).toBe(1);
      expect(result.timeline.map((tweet) => tweet.text)).toEqual([
        'indexes are declared on the model',
        'hello, DynamoDB',
      ]);
      // The hot tweet: with a cache, one read of ten reaches DynamoDB.
      expect([result.hotReads, result.cacheHits, result.requests]).toEqual(cache ? [10, 9, 1] : [10, 0, 10]);
      expect(lines).toHaveLength(9);
      expect(lines[8]).toBe(
        name === 'absent'
          ? 'the hot tweet read 10 times: no cache on this connection, 10 requests'
          : 'the hot tweet read 10 times: 9 answered by the cache, 1 by DynamoDB',
      );
    } finally {
      await connection.close();
    }
  });
});
