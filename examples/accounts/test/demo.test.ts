import 'reflect-metadata';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { MemoryCache, RedisCache, type Cache } from '@dynamodel/cache';
import { createConnection } from '@dynamodel/core';
import { localTestConfig, uniqueTablePrefix } from '@dynamodel/local/jest';
import { startLocalRedis, type LocalRedis } from '@dynamodel/local/redis';
import Redis from 'ioredis';
import { UsernameTakenError } from '../src/accounts';
import { runDemo } from '../src/demo';

// The accounts example, as `pnpm start` runs it, once with the cache in memory and once in Redis.

const config = localTestConfig();
let redis: LocalRedis;
const clients: Redis[] = [];
beforeAll(async () => {
  redis = await startLocalRedis();
}, 60_000);
afterAll(async () => {
  for (const client of clients) client.disconnect();
  await redis?.stop();
});

const stores: [string, () => Cache][] = [
  ['in memory', () => new MemoryCache()],
  [
    'in Redis',
    () => {
      const client = new Redis(redis.port, '127.0.0.1');
      clients.push(client);
      return new RedisCache(client);
    },
  ],
];

describe.each(stores)('the accounts example, the cache %s', (_name, store) => {
  it('keeps usernames unique, hashes out of JSON, counts logins atomically, serves profiles from the cache', async () => {
    const prefix = uniqueTablePrefix('accounts');
    // A cache call slower than `cacheTimeoutMs` (default 50 ms) skips the store and rests it for a
    // second: on a loaded CI machine Redis's first calls can be that slow, and the reads counted below
    // would then all go to DynamoDB (a CI run saw 5 of 5). The test gives the store time instead.
    const connection = createConnection({
      ...config,
      prefix,
      autoCreateTables: true,
      cache: store(),
      cacheTimeoutMs: 2_000,
    });
    const lines: string[] = [];
    try {
      const result = await runDemo(connection, (line) => lines.push(line));
      expect(result.registered.username).toBe('ana');
      expect(result.taken).toBeInstanceOf(UsernameTakenError);
      expect([result.wrongPassword, result.unknownUser]).toEqual([undefined, undefined]);
      expect(result.loggedIn?.logins).toBe(2);
      expect(result.loggedIn?.lastLogin).toBeInstanceOf(Date);
      expect(Object.keys(result.json).sort()).toEqual(['created', 'lastLogin', 'logins', 'username']);
      expect([result.profileReads, result.profileRequests]).toEqual([5, 1]);
      expect(lines).toHaveLength(6);

      // Stored: a 32-byte scrypt hash and its salt, never the password; the impostor changed nothing.
      const raw = new DynamoDBClient(config);
      const stored = (
        await raw.send(new GetItemCommand({ TableName: `${prefix}accounts`, Key: { username: { S: 'ana' } } }))
      ).Item;
      raw.destroy();
      expect(stored?.passwordHash?.B).toHaveLength(32);
      expect(stored?.salt?.B).toHaveLength(16);
      expect(JSON.stringify(stored)).not.toContain('correct horse');
      expect(lines[1]).toBe('registering ana again: the username ana is taken');
    } finally {
      await connection.close();
    }
  });
});
