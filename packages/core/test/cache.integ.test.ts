import 'reflect-metadata';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { Cluster, Redis } from 'ioredis';
import { localTestConfig, uniqueTablePrefix } from '@dynamodel/local/jest';
import {
  startLocalRedis,
  startLocalRedisCluster,
  type LocalRedis,
  type LocalRedisCluster,
} from '@dynamodel/local/redis';
import { MemoryCache, RedisCache, type Cache } from '@dynamodel/cache';
import {
  Attribute,
  HashKey,
  Index,
  Json,
  Keys,
  Model,
  RangeKey,
  Table,
  createConnection,
  transact,
  type CacheEvent,
  type CacheEventKind,
  type Connection,
  type UserCodec,
} from '../src';
import { gatedExecutor, type GatedExecutor } from './support/gated-executor';
import { gatedStore, type GatedStore } from './support/gated-store';

// Issue 13: the read-through cache against DynamoDB Local and each real store — MemoryCache, a
// redis-server and a 3-node Redis Cluster, started here on free loopback ports. Races are made
// deterministic by holding a request's answer at the executor (no sleeps), and repeated 200 times.

const rawMapCodec: UserCodec<Record<string, AttributeValue>> = {
  toDynamo: (map) => ({ M: map }),
  fromDynamo: (value) => value.M ?? {},
  storedType: 'M',
};

@Table({ name: 'tweets', cache: { ttl: '1h', negativeTtl: '1h' } })
class Tweet extends Model {
  declare [Keys]?: 'tweetId';
  @HashKey() tweetId!: string;
  @Attribute() text!: string;
  @Attribute({ optional: true }) likes?: number;
}

@Table({ name: 'short_tweets', cache: { ttl: '300ms' } })
class ShortTweet extends Model {
  declare [Keys]?: 'tweetId';
  @HashKey() tweetId!: string;
  @Attribute() text!: string;
}

@Table({ name: 'posts', cache: { ttl: '1h', queries: true, indexSettle: '800ms' } })
class Post extends Model {
  declare [Keys]?: ['userId', 'postId'];
  @HashKey() userId!: string;
  @RangeKey() postId!: string;
  @Attribute() text!: string;
  @Index('byTopic', { hash: true }) @Attribute() topic!: string;
}

/** Every kind of value a read can share with the item it was decoded from, if a codec let it. */
@Table({ name: 'profiles', cache: { ttl: '1h' } })
class Profile extends Model {
  declare [Keys]?: 'id';
  @HashKey() id!: string;
  @Attribute({ type: Array, of: String }) names!: string[];
  @Attribute({ type: Map, of: Number }) scores!: Map<string, number>;
  @Attribute({ type: Set, of: String }) tags!: Set<string>;
  @Attribute({ type: Json }) extra!: { nested: { list: number[] } };
  @Attribute({ type: Uint8Array }) data!: Uint8Array;
  @Attribute() seen!: Date;
  @Attribute({ codec: rawMapCodec }) raw!: Record<string, AttributeValue>;
}

const config = localTestConfig();
let server: LocalRedis;
let cluster: LocalRedisCluster;
const clients: (Redis | Cluster)[] = [];

beforeAll(async () => {
  [server, cluster] = await Promise.all([startLocalRedis(), startLocalRedisCluster()]);
}, 60_000);
afterAll(async () => {
  await Promise.all(nearCaches.map((cache) => cache.close()));
  await Promise.all(clients.map((client) => client.quit().catch(() => client.disconnect())));
  await Promise.all([server?.stop(), cluster?.stop()]);
});

const stores: [string, () => Cache][] = [
  ['MemoryCache', () => new MemoryCache()],
  [
    'RedisCache',
    () => {
      const client = new Redis(server.port, '127.0.0.1');
      clients.push(client);
      return new RedisCache(client);
    },
  ],
  [
    'RedisCache on a 3-node Cluster',
    () => {
      const client = new Cluster(cluster.startupNodes.map((node) => ({ ...node })));
      clients.push(client);
      return new RedisCache(client);
    },
  ],
  [
    'RedisCache with a near tier',
    () => {
      const client = new Redis(server.port, '127.0.0.1');
      clients.push(client);
      return nearCache(new RedisCache(client, { near: true }));
    },
  ],
  [
    'RedisCache with a near tier on a 3-node Cluster',
    () => {
      const client = new Cluster(cluster.startupNodes.map((node) => ({ ...node })));
      clients.push(client);
      return nearCache(new RedisCache(client, { near: true }));
    },
  ],
];

/** A near tier to close after the tests (its invalidation connections are its own). */
const nearCaches: RedisCache[] = [];
function nearCache(cache: RedisCache): RedisCache {
  nearCaches.push(cache);
  return cache;
}

describe.each(stores)('%s', (storeName, makeStore) => {
  let executor: GatedExecutor;
  let store: Cache;
  let connection: Connection;
  let events: CacheEvent[];
  const count = (kind: CacheEventKind): number =>
    events.filter((event) => event.kind === kind).reduce((sum, event) => sum + event.count, 0);
  const tweets = () => Tweet.using(connection);
  const posts = () => Post.using(connection);
  const gets = () => executor.count('GetItem');

  beforeAll(async () => {
    executor = gatedExecutor(config);
    store = makeStore();
    connection = createConnection({
      executor,
      cache: store,
      cacheNamespace: 'local-tests',
      prefix: uniqueTablePrefix(`cache_${storeName.length}`),
      // The machines are shared: a slow moment must not count as the store failing.
      cacheTimeoutMs: 2_000,
    });
    await connection.syncTables([Tweet, ShortTweet, Post, Profile]);
    executor.events?.on('cache', (event) => events.push(event));
  });
  afterAll(async () => {
    executor.destroy();
    await connection.close();
  });
  beforeEach(() => {
    events = [];
  });

  describe('items', () => {
    it('names the tier that served each hit: the store, or the near tier once it holds the item', async () => {
      await tweets().create({ tweetId: 'tier', text: 'hello' });
      await tweets().get('tier'); // the miss that fills it
      const near = store instanceof RedisCache ? store.nearStatus : undefined;
      const tiers = (): (string | undefined)[] =>
        events.filter((event) => event.kind === 'hit').map((event) => event.tier);
      // The read that brings the item into the near tier may race the push of its own fill: a few reads.
      for (let i = 0; i < 100 && near && tiers().at(-1) !== 'near'; i++) await tweets().getOrFail('tier');
      await expect(tweets().getOrFail('tier')).resolves.toMatchObject({ text: 'hello' });
      expect(tiers().at(-1)).toBe(near ? 'near' : 'store');
      expect(new Set(tiers())).toEqual(new Set(near ? ['store', 'near'] : ['store']));
      expect(count('miss')).toBe(1);
    });

    it('misses once, fills from a strongly consistent read, then hits with no request', async () => {
      await tweets().create({ tweetId: 'hit', text: 'hello' });
      const before = gets();
      const first = await tweets().get('hit');
      const read = executor.calls.filter((call) => call.operation === 'GetItem').at(-1);
      expect(read?.input).toMatchObject({ ConsistentRead: true });
      const second = await tweets().getOrFail('hit');
      expect(gets() - before).toBe(1);
      expect(second).toEqual(first);
      expect(second).not.toBe(first); // every hit decodes its own instance
      expect(second.text).toBe('hello');
      expect([count('miss'), count('fill'), count('hit')]).toEqual([1, 1, 1]);
    });

    it('instances read from one cached entry share nothing: a change in place reaches neither the cache nor another instance, and is saved', async () => {
      const profiles = Profile.using(connection);
      const original = {
        id: 'shared',
        names: ['ann'],
        scores: new Map([['a', 1]]),
        tags: new Set(['x']),
        extra: { nested: { list: [1] } },
        data: Uint8Array.from([1, 2]),
        seen: new Date('2026-01-01T00:00:00Z'),
        raw: { a: { S: 'one' } } as Record<string, AttributeValue>,
      };
      await profiles.create(original);
      await profiles.get('shared'); // the miss that fills it
      const changed = await profiles.getOrFail('shared');
      changed.names.push('bob');
      changed.scores.set('b', 2);
      changed.tags.add('y');
      changed.extra.nested.list.push(2);
      changed.data[0] = 9;
      changed.seen.setUTCFullYear(2030);
      changed.raw.b = { S: 'two' };
      // Read from the cache again, many times (a hot entry is parsed once and shared): as stored.
      for (let i = 0; i < 3; i++) {
        const other = await profiles.getOrFail('shared');
        expect({ ...other }).toEqual(original);
      }
      expect(count('hit')).toBe(4);
      await changed.save();
      await expect(profiles.getOrFail('shared', { consistent: true })).resolves.toMatchObject({
        names: ['ann', 'bob'],
        scores: new Map([
          ['a', 1],
          ['b', 2],
        ]),
        tags: new Set(['x', 'y']),
        extra: { nested: { list: [1, 2] } },
        data: Uint8Array.from([9, 2]),
        seen: new Date('2030-01-01T00:00:00Z'),
        raw: { a: { S: 'one' }, b: { S: 'two' } },
      });
    });

    it('expires entries after the model TTL', async () => {
      await ShortTweet.using(connection).create({ tweetId: 's', text: 'brief' });
      await ShortTweet.using(connection).get('s');
      await ShortTweet.using(connection).get('s');
      expect(count('hit')).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 450));
      const before = gets();
      await ShortTweet.using(connection).get('s');
      expect(gets() - before).toBe(1);
    });

    it('sends strongly consistent reads and { cache: false } reads to DynamoDB every time, and fills nothing', async () => {
      await tweets().create({ tweetId: 'bypass', text: 'x' });
      events = [];
      const before = gets();
      for (let i = 0; i < 3; i++) {
        await tweets().get('bypass', { consistent: true });
        await tweets().get('bypass', { cache: false });
      }
      expect(gets() - before).toBe(6);
      expect(events).toEqual([]);
    });

    it('remembers an absent key (negativeTtl), and a create of it drops that at once', async () => {
      expect(await tweets().get('later')).toBeUndefined();
      const before = gets();
      expect(await tweets().get('later')).toBeUndefined();
      expect(gets()).toBe(before);
      await tweets().create({ tweetId: 'later', text: 'now here' });
      expect((await tweets().get('later'))?.text).toBe('now here');
    });

    it('never serves what a write replaced, on every write path', async () => {
      const paths: [string, (id: string) => Promise<unknown>][] = [
        ['put', (id) => tweets().put({ tweetId: id, text: 'put' })],
        ['update', (id) => tweets().update(id, { text: 'update' })],
        [
          'save',
          async (id) => {
            const tweet = await tweets().getOrFail(id, { consistent: true });
            tweet.text = 'save';
            return tweet.save();
          },
        ],
        ['delete', (id) => tweets().delete(id)],
        ['batchPut', (id) => tweets().batchPut([{ tweetId: id, text: 'batchPut' }])],
        ['batchDelete', (id) => tweets().batchDelete([id])],
        ['transact put', (id) => transact([Tweet.using(connection).putOp({ tweetId: id, text: 'transact put' })])],
        ['transact update', (id) => transact([Tweet.using(connection).updateOp(id, { text: 'transact update' })])],
        ['transact delete', (id) => transact([Tweet.using(connection).deleteOp(id)])],
      ];
      for (const [name, write] of paths) {
        const id = `path-${name}`;
        await tweets().put({ tweetId: id, text: 'old' });
        expect((await tweets().get(id))?.text).toBe('old');
        expect((await tweets().get(id))?.text).toBe('old'); // cached now
        await write(id);
        const stored = await tweets().get(id, { consistent: true });
        const served = await tweets().get(id);
        expect({ name, text: served?.text }).toEqual({ name, text: stored?.text });
      }
    });

    it('batchGet reads hits from the cache and only the misses from DynamoDB, positioned as asked', async () => {
      await tweets().batchPut([
        { tweetId: 'b1', text: 'one' },
        { tweetId: 'b2', text: 'two' },
        { tweetId: 'b3', text: 'three' },
      ]);
      await tweets().get('b1');
      events = [];
      const before = executor.count('BatchGetItem');
      const result = await tweets().batchGet(['b3', 'b1', 'nope', 'b2', 'b1']);
      expect(result.items.map((tweet) => tweet?.text)).toEqual(['three', 'one', undefined, 'two', 'one']);
      expect(result.absent).toEqual([2]);
      expect(result.found).toBe(4);
      expect(executor.count('BatchGetItem') - before).toBe(1);
      const sent = executor.calls.filter((call) => call.operation === 'BatchGetItem').at(-1)?.input as {
        RequestItems: Record<string, { Keys: unknown[]; ConsistentRead?: boolean }>;
      };
      const request = Object.values(sent.RequestItems)[0];
      expect(request?.ConsistentRead).toBe(true);
      expect(request?.Keys).toHaveLength(3); // b3, nope, b2: b1 came from the cache
      expect(count('hit')).toBe(2);
      const again = await tweets().batchGet(['b3', 'b1', 'nope', 'b2']);
      expect(again.items.map((tweet) => tweet?.text)).toEqual(['three', 'one', undefined, 'two']);
      expect(executor.count('BatchGetItem') - before).toBe(1);
    });

    it('single-flight: 1,000 simultaneous gets of a cold key send one GetItem', async () => {
      await tweets().create({ tweetId: 'hot', text: 'viral' });
      const before = gets();
      const results = await Promise.all(Array.from({ length: 1_000 }, () => tweets().get('hot')));
      expect(gets() - before).toBe(1);
      expect(new Set(results.map((tweet) => tweet?.text))).toEqual(new Set(['viral']));
      expect(new Set(results).size).toBe(1_000);
      expect(count('coalesced')).toBe(999);
    });

    it('single-flight: an aborted waiter leaves the shared read to the others', async () => {
      await tweets().create({ tweetId: 'shared', text: 'wait' });
      const gate = executor.holdNext('GetItem');
      const controller = new AbortController();
      const leader = tweets().get('shared', { signal: controller.signal });
      await gate.reached;
      const follower = tweets().get('shared');
      controller.abort();
      await expect(leader).rejects.toThrow(/aborted/);
      gate.release();
      expect((await follower)?.text).toBe('wait');
      expect((await tweets().get('shared'))?.text).toBe('wait');
      expect(count('fill')).toBe(1);
    });

    it('C1, 200 times: a read that missed before a write and returns after it never stores the old item', async () => {
      let refused = 0;
      for (let round = 0; round < 200; round++) {
        const id = `race-${round}`;
        await tweets().put({ tweetId: id, text: 'old' });
        events = [];
        const gate = executor.holdNext('GetItem');
        const reader = tweets().get(id);
        await gate.reached; // the reader's GetItem read "old"
        await tweets().update(id, { text: 'new' }); // stored and invalidated
        gate.release();
        expect((await reader)?.text).toBe('old'); // it began before the write: not stale
        refused += count('fill-refused');
        expect((await tweets().get(id))?.text).toBe('new');
        expect((await tweets().get(id))?.text).toBe('new');
      }
      expect(refused).toBe(200);
    });
  });

  describe('a writer at each step of a reader (C1 interleavings, 200 times each)', () => {
    let store: GatedStore;
    let gatedConnection: Connection;
    const notes = () => Tweet.using(gatedConnection);
    beforeAll(async () => {
      store = gatedStore(makeStore());
      gatedConnection = createConnection({
        executor,
        cache: store,
        cacheNamespace: 'local-tests',
        prefix: connection.prefix,
        cacheTimeoutMs: 2_000,
      });
      await gatedConnection.executor();
    });
    afterAll(() => gatedConnection.close());

    it("the write's invalidation lands before the reader's miss is registered: the reader reads and keeps the new item", async () => {
      for (let round = 0; round < 200; round++) {
        const id = `before-lookup-${round}`;
        await notes().put({ tweetId: id, text: 'old' });
        const gate = store.holdNext('lookup');
        const reader = notes().get(id);
        await gate.reached;
        await notes().update(id, { text: 'new' });
        gate.release();
        expect((await reader)?.text).toBe('new');
        const before = gets();
        expect((await notes().get(id))?.text).toBe('new');
        expect(gets()).toBe(before); // cached, and cached new
      }
    });

    it('the write lands while the reader is filling: the fill is refused', async () => {
      for (let round = 0; round < 200; round++) {
        const id = `during-fill-${round}`;
        await notes().put({ tweetId: id, text: 'old' });
        events = [];
        const gate = store.holdNext('fill');
        const reader = notes().get(id);
        await gate.reached; // read "old", about to store it
        await notes().update(id, { text: 'new' });
        gate.release();
        expect((await reader)?.text).toBe('old');
        expect(count('fill-refused')).toBe(1);
        expect((await notes().get(id))?.text).toBe('new');
      }
    });
  });

  describe('query pages', () => {
    beforeAll(async () => {
      await posts().batchPut(
        Array.from({ length: 5 }, (_, i) => ({ userId: 'ann', postId: `p${i}`, text: `post ${i}`, topic: 'cats' })),
      );
      await posts().batchPut([{ userId: 'bob', postId: 'p0', text: 'bob 0', topic: 'dogs' }]);
    });

    it('caches a query and first() by fingerprint, filled from strongly consistent pages', async () => {
      const before = executor.count('Query');
      const all = await posts().query('ann').all();
      expect(all.map((post) => post.postId)).toEqual(['p0', 'p1', 'p2', 'p3', 'p4']);
      const sent = executor.calls.filter((call) => call.operation === 'Query').at(-1)?.input;
      expect(sent).toMatchObject({ ConsistentRead: true });
      expect((await posts().query('ann').all()).map((post) => post.postId)).toEqual(['p0', 'p1', 'p2', 'p3', 'p4']);
      expect((await posts().query('ann', { reverse: true }).first())?.postId).toBe('p4');
      expect((await posts().query('ann', { reverse: true }).first())?.postId).toBe('p4');
      expect(executor.count('Query') - before).toBe(2);
    });

    it('drops the pages of a partition when an item of it is written, and only those', async () => {
      await posts().query('ann').all();
      await posts().query('bob').all();
      const before = executor.count('Query');
      await posts().put({ userId: 'ann', postId: 'p5', text: 'post 5', topic: 'cats' });
      expect((await posts().query('ann').all()).map((post) => post.postId)).toContain('p5');
      await posts().query('bob').all();
      expect(executor.count('Query') - before).toBe(1); // ann's pages again; bob's still cached
      await posts().delete({ userId: 'ann', postId: 'p5' });
      expect((await posts().query('ann').all()).map((post) => post.postId)).not.toContain('p5');
    });

    it('pages through a cached query with cursors', async () => {
      const first = await posts().query('ann').page({ limit: 2 });
      const second = await posts().query('ann').page({ limit: 2, cursor: first.cursor });
      const again = await posts().query('ann').page({ limit: 2, cursor: first.cursor });
      expect(second.items.map((post) => post.postId)).toEqual(['p2', 'p3']);
      expect(again.items.map((post) => post.postId)).toEqual(['p2', 'p3']);
    });

    it('a global index query shows a write once the index settled, and is not cached before', async () => {
      const topic = `t-${storeName.length}`;
      await posts().put({ userId: 'cy', postId: 'g0', text: 'g', topic });
      const fresh = await posts().query({ index: 'byTopic', key: topic }).all();
      expect(fresh.map((post) => post.postId)).toEqual(['g0']);
      expect(count('fill-refused')).toBeGreaterThanOrEqual(1); // within indexSettle of the put
      await new Promise((resolve) => setTimeout(resolve, 900));
      await posts().query({ index: 'byTopic', key: topic }).all();
      const before = executor.count('Query');
      expect((await posts().query({ index: 'byTopic', key: topic }).all()).map((post) => post.postId)).toEqual(['g0']);
      expect(executor.count('Query')).toBe(before);
      await posts().put({ userId: 'cy', postId: 'g1', text: 'g', topic });
      // An index without a sort key returns its items in no set order.
      const after = await posts().query({ index: 'byTopic', key: topic }).all();
      expect(after.map((post) => post.postId).sort()).toEqual(['g0', 'g1']);
    });

    it('C1 for queries, 200 times: a page read before a write never stays cached after it', async () => {
      let refused = 0;
      for (let round = 0; round < 200; round++) {
        const user = `q-race-${round}`;
        await posts().put({ userId: user, postId: 'a', text: 'a', topic: 'race' });
        events = [];
        const gate = executor.holdNext('Query');
        const reader = posts().query(user).all();
        await gate.reached;
        await posts().put({ userId: user, postId: 'b', text: 'b', topic: 'race' });
        gate.release();
        expect((await reader).map((post) => post.postId)).toEqual(['a']);
        refused += count('fill-refused');
        expect((await posts().query(user).all()).map((post) => post.postId)).toEqual(['a', 'b']);
      }
      expect(refused).toBe(200);
    });

    it('never caches scans', async () => {
      const before = executor.count('Scan');
      await posts().scan().all();
      await posts().scan().all();
      expect(executor.count('Scan') - before).toBe(2);
    });
  });
});
