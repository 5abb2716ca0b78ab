import 'reflect-metadata';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { localTestConfig, uniqueTablePrefix } from '@dynamodel/local/jest';
import { startLocalDynamo, type LocalDynamo } from '@dynamodel/local';
import { startLocalRedis, type LocalRedis } from '@dynamodel/local/redis';
import { MemoryCache, RedisCache } from '@dynamodel/cache';
import { DynamoExecutor, type CacheEvent } from '@dynamodel/executor';
import { Attribute, ConfigurationError, HashKey, Model, Table, createConnection, type Connection } from '../src';

// Issue 25 §4: the cache never serves another database's item (keys scoped by the connection's
// identity: two DynamoDB Locals, one Redis), nor one a model without `cache` replaced, and its
// events are observable from the moment a connection exists.

@Table({ name: 'profiles', cache: { ttl: '1h' } })
class CachedProfile extends Model {
  @HashKey() id!: string;
  @Attribute() name!: string;
}

// The same table, declared by a model that does not cache (an admin tool, a migration).
@Table({ name: 'profiles' })
class PlainProfile extends Model {
  @HashKey() id!: string;
  @Attribute() name!: string;
}

const config = localTestConfig();
let second: LocalDynamo;
let redisServer: LocalRedis;

beforeAll(async () => {
  [second, redisServer] = await Promise.all([startLocalDynamo(), startLocalRedis()]);
}, 120_000);
afterAll(async () => {
  await Promise.all([second?.stop(), redisServer?.stop()]);
});

describe('two databases, one store', () => {
  it('never serves one DynamoDB Local’s item to a connection to the other', async () => {
    const prefix = uniqueTablePrefix('cache_identity');
    const stores = [new RedisCache(redisServer.url), new RedisCache(redisServer.url)];
    // Same table names, same keys, one Redis: only the endpoint differs.
    const a = createConnection({ ...config, prefix, cache: stores[0] });
    const b = createConnection({ ...second.clientConfig, prefix, cache: stores[1] });
    try {
      await a.syncTables([CachedProfile]);
      await b.syncTables([CachedProfile]);
      await CachedProfile.using(a).put({ id: 'u1', name: 'tenant A' });
      await CachedProfile.using(b).put({ id: 'u1', name: 'tenant B' });
      // Each fills its own entry, then is served from it.
      for (let round = 0; round < 2; round++) {
        expect((await CachedProfile.using(a).get('u1'))?.name).toBe('tenant A');
        expect((await CachedProfile.using(b).get('u1'))?.name).toBe('tenant B');
      }
      // An item only B holds is absent for A.
      await CachedProfile.using(b).put({ id: 'only-b', name: 'B' });
      expect(await CachedProfile.using(b).get('only-b')).toBeDefined();
      expect(await CachedProfile.using(a).get('only-b')).toBeUndefined();
    } finally {
      await Promise.all([a.close(), b.close()]);
      await Promise.all(stores.map((store) => store.close()));
    }
  });

  it('scopes by cacheNamespace where given: connections naming one database share entries', async () => {
    const store = new MemoryCache();
    const prefix = uniqueTablePrefix('cache_ns');
    const executors = [0, 1, 2].map(() => new DynamoExecutor(config)); // each its own events
    const [one, two, other] = executors.map((executor, i) =>
      createConnection({ executor, prefix, cache: store, cacheNamespace: i < 2 ? 'prod-eu' : 'staging' }),
    ) as [Connection, Connection, Connection];
    try {
      await one.syncTables([CachedProfile]);
      await CachedProfile.using(one).put({ id: 'n1', name: 'x' });
      await CachedProfile.using(one).get('n1'); // filled
      const hits = (connection: Connection) => {
        const seen: CacheEvent[] = [];
        connection.events.on('cache', (event) => seen.push(event));
        return seen;
      };
      const twoEvents = hits(two);
      const otherEvents = hits(other);
      await CachedProfile.using(two).get('n1');
      await CachedProfile.using(other).get('n1');
      expect(twoEvents.map((event) => event.kind)).toEqual(['hit']);
      expect(otherEvents.map((event) => event.kind)).toContain('miss');
    } finally {
      await Promise.all([one.close(), two.close(), other.close()]);
      for (const executor of executors) executor.destroy();
    }
  });

  it('asks for cacheNamespace when the connection cannot tell which database it reads', async () => {
    const executor = new DynamoExecutor(config);
    const connection = createConnection({ executor, cache: new MemoryCache() });
    try {
      await expect(CachedProfile.using(connection).get('x')).rejects.toThrow(ConfigurationError);
      await expect(CachedProfile.using(connection).get('x')).rejects.toThrow(/needs cacheNamespace/);
    } finally {
      await connection.close();
      executor.destroy();
    }
    expect(() => createConnection({ cache: new MemoryCache(), cacheNamespace: '' })).toThrow(ConfigurationError);
  });
});

describe('a model without cache writing a table another model caches', () => {
  it.each([
    ['on the same connection', false],
    ['on another connection sharing the store', true],
  ])('invalidates its entries %s', async (_where, separate) => {
    const store = new RedisCache(redisServer.url);
    const prefix = uniqueTablePrefix('cache_plain');
    const reader = createConnection({ ...config, prefix, cache: store });
    const writer = separate ? createConnection({ ...config, prefix, cache: store }) : reader;
    try {
      await reader.syncTables([CachedProfile]);
      await CachedProfile.using(reader).put({ id: 'p1', name: 'old' });
      expect((await CachedProfile.using(reader).get('p1'))?.name).toBe('old'); // cached now
      await PlainProfile.using(writer).update('p1', { name: 'new' });
      expect((await CachedProfile.using(reader).get('p1'))?.name).toBe('new');
      await PlainProfile.using(writer).put({ id: 'p1', name: 'newer' });
      expect((await CachedProfile.using(reader).get('p1'))?.name).toBe('newer');
      await PlainProfile.using(writer).delete('p1');
      expect(await CachedProfile.using(reader).get('p1')).toBeUndefined();
      await PlainProfile.using(writer).batchPut([{ id: 'p1', name: 'batched' }]);
      expect((await CachedProfile.using(reader).get('p1'))?.name).toBe('batched');
    } finally {
      await reader.close();
      if (separate) await writer.close();
      await store.close();
    }
  });
});

describe('connection events', () => {
  it('are observable from the moment the connection exists: the first cache miss is seen', async () => {
    const store = new MemoryCache();
    const connection = createConnection({ ...config, prefix: uniqueTablePrefix('cache_events'), cache: store });
    const seen: string[] = [];
    connection.events.on('cache', (event) => seen.push(event.kind));
    connection.events.on('request', (event) => seen.push(`request ${event.operation}`));
    try {
      await connection.syncTables([CachedProfile]);
      seen.length = 0;
      await CachedProfile.using(connection).get('nobody');
      expect(seen).toEqual(['miss', 'request GetItem']);
      // The SDK client it sends with is reachable (middleware, instrumentation).
      const client = await connection.client();
      expect(client).toBeInstanceOf(DynamoDBClient);
    } finally {
      await connection.close();
    }
  });
});
