// RedisCache's near tier against a real redis-server and a real 3-node Redis Cluster (started here
// on free loopback ports): hits served in process, kept coherent by Redis's invalidation pushes
// (CLIENT TRACKING, broadcast mode), refused when a push overtakes a read, emptied while a feed is
// down. Another RedisCache on its own client stands for another process (docs/cache.md, "The near
// tier"); the two-process runs are in packages/core/test/near-cache.integ.test.ts.
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import {
  startLocalRedis,
  startLocalRedisCluster,
  type LocalRedis,
  type LocalRedisCluster,
} from '@dynamodel/local/redis';
import { FEED_CONNECTION_NAME, RedisCache, type CacheLookup, type CacheRef } from '@dynamodel/cache';
import { scopeKeys } from '../src/redis-keys';

let server: LocalRedis;
let cluster: LocalRedisCluster;
const clients: (Redis | Cluster)[] = [];
const caches: RedisCache[] = [];

beforeAll(async () => {
  // DEBUG SLEEP pauses a node, as a stuck server or a silent network would.
  const args = ['--enable-debug-command', 'yes'];
  [server, cluster] = await Promise.all([startLocalRedis({ args }), startLocalRedisCluster({ args })]);
}, 60_000);

afterEach(async () => {
  await Promise.all(caches.splice(0).map((cache) => cache.close()));
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.quit().catch(() => client.disconnect())));
  await Promise.all([server?.stop(), cluster?.stop()]);
});

const redisClient = (options: RedisOptions = {}): Redis => {
  const client = new Redis(server.port, '127.0.0.1', options);
  clients.push(client);
  return client;
};
const clusterClient = (options: ClusterOptions = {}): Cluster => {
  const client = new Cluster(
    cluster.startupNodes.map((node) => ({ ...node })),
    options,
  );
  clients.push(client);
  return client;
};
const cache = (client: Redis | Cluster, options: ConstructorParameters<typeof RedisCache>[1] = {}): RedisCache => {
  const made = new RedisCache(client, options);
  caches.push(made);
  return made;
};

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` every 5 ms until it holds; fails after `withinMs`. Resolves to the time it took. */
async function until(check: () => boolean | Promise<boolean>, withinMs = 5_000): Promise<number> {
  const started = performance.now();
  while (!(await check())) {
    if (performance.now() - started > withinMs) throw new Error(`not within ${withinMs} ms`);
    await sleep(5);
  }
  return performance.now() - started;
}

const serving = (store: RedisCache): Promise<number> => until(() => store.nearStatus?.serving === true);

let table = 0;
beforeEach(() => void table++);
const ref = (entry: string, scope = 'p1'): CacheRef => ({ table: `near${table}`, scope, entry });

async function fill(store: RedisCache, at: CacheRef, value: string, ttlMs = 60_000): Promise<void> {
  const [found] = await store.lookup([at]);
  if (!found || found.hit) throw new Error(`expected a miss, found ${JSON.stringify(found)}`);
  if (!(await store.fill(at, found.token, value, { ttlMs }))) throw new Error('the fill was refused');
}

const lookup = async (store: RedisCache, at: CacheRef): Promise<CacheLookup> => {
  const [found] = await store.lookup([at]);
  if (!found) throw new Error('no answer');
  return found;
};

/** Looks `at` up until the near tier serves it (the read that brings it in may race its own fill's push). */
const nearHit = (store: RedisCache, at: CacheRef): Promise<number> =>
  until(async () => (await lookup(store, at)).hit && store.peek(at)?.tier === 'near');

const targets: [string, () => Redis | Cluster][] = [
  ['a redis-server', () => redisClient()],
  ['a 3-node Cluster', () => clusterClient()],
];

describe.each(targets)('RedisCache with a near tier on %s', (_name, makeClient) => {
  it('serves a hit from this process once read from Redis, and says so', async () => {
    const store = cache(makeClient(), { near: true });
    await serving(store);
    await fill(store, ref('a'), 'value-a');
    await nearHit(store, ref('a'));
    expect(store.peek(ref('a'))).toEqual({ hit: true, value: 'value-a', tier: 'near' });
    await expect(store.lookup([ref('a')])).resolves.toEqual([{ hit: true, value: 'value-a', tier: 'near' }]);
    expect(store.nearStatus).toEqual({ serving: true, entries: 1 });
  });

  it("drops an entry when another process's write reaches Redis, before that write's invalidation returns to it", async () => {
    const reader = cache(makeClient(), { near: true });
    const writer = cache(makeClient());
    await serving(reader);
    const keys = [...Array(20).keys()].map((i) => ref(`k${i}`, `p${i}`)); // on every node of the Cluster
    for (const at of keys) await fill(writer, at, 'old');
    for (const at of keys) await nearHit(reader, at);
    for (const at of keys) {
      await writer.invalidate([{ table: at.table, scope: at.scope, entries: [at.entry] }]);
      // The push is sent in the same turn of Redis's loop as the writer's answer: it is read at once.
      await until(() => reader.peek(at) === undefined, 1_000);
      await expect(lookup(reader, at)).resolves.toMatchObject({ hit: false });
    }
  });

  it("in this process, an invalidation's own entries are gone when it returns, without waiting for the push", async () => {
    const store = cache(makeClient(), { near: true });
    await serving(store);
    await fill(store, ref('a'), 'old');
    await nearHit(store, ref('a'));
    await store.invalidate([{ table: `near${table}`, scope: 'p1', entries: ['a'] }]);
    expect(store.peek(ref('a'))).toBeUndefined();
    await expect(lookup(store, ref('a'))).resolves.toMatchObject({ hit: false });
  });

  it('keeps nothing a read brought back when a push for its key overtook the reply', async () => {
    const client = makeClient();
    let release: () => void = () => undefined;
    let holding = false;
    // The read reaches Redis now; its reply is held back here until another process has written
    // the key and this process has read the push for it.
    const slowGet = new Proxy(client, {
      get(target, property, receiver) {
        const value: unknown = Reflect.get(target, property, receiver);
        if (property !== 'evalsha' || !holding || typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          const reply = (value as (...args: unknown[]) => Promise<unknown>).apply(target, args);
          return new Promise((resolve, reject) => {
            release = () => void reply.then(resolve, reject);
          });
        };
      },
    });
    const reader = cache(slowGet, { near: true });
    const writer = cache(makeClient());
    await serving(reader);
    await fill(writer, ref('a'), 'old');
    holding = true;
    const read = lookup(reader, ref('a'));
    holding = false;
    await sleep(20); // Redis has answered the read
    await writer.invalidate([{ table: `near${table}`, scope: 'p1', entries: ['a'] }]);
    await fill(writer, ref('a'), 'new');
    await sleep(50); // the pushes are read
    release();
    await expect(read).resolves.toEqual({ hit: true, value: 'old' }); // a read concurrent with the write
    await sleep(20);
    expect(reader.peek(ref('a'))).toBeUndefined();
    await expect(lookup(reader, ref('a'))).resolves.toEqual({ hit: true, value: 'new' });
  });

  it('empties while an invalidation connection is down (killed), reads Redis meanwhile, and serves again once it is back', async () => {
    const client = makeClient();
    const reader = cache(client, { near: true });
    const writer = cache(makeClient());
    await serving(reader);
    const keys = [...Array(12).keys()].map((i) => ref(`k${i}`, `p${i}`));
    for (const at of keys) await fill(writer, at, 'old');
    for (const at of keys) await nearHit(reader, at);
    // Kill the feed of the node that holds the first key (on a Cluster, the others stay up).
    const node = client instanceof Cluster ? await nodeOf(client, keys[0] as CacheRef) : client;
    const feeds = (await node.client('LIST')) as string;
    const id = /^id=(\d+) .* name=(\S+)/gm;
    const killed: string[] = [];
    for (const match of feeds.matchAll(id)) {
      if (match[2] !== FEED_CONNECTION_NAME) continue;
      await node.client('KILL', 'ID', match[1] as string);
      killed.push(match[1] as string);
    }
    expect(killed.length).toBeGreaterThan(0);
    await until(() => reader.nearStatus?.serving === false, 1_000);
    expect(reader.nearStatus?.entries).toBe(0);
    // Written while this process hears nothing: it must read the new value, not keep the old one.
    for (const at of keys) {
      await writer.invalidate([{ table: at.table, scope: at.scope, entries: [at.entry] }]);
      await fill(writer, at, 'new');
    }
    for (const at of keys) await expect(lookup(reader, at)).resolves.toMatchObject({ hit: true, value: 'new' });
    await serving(reader);
    for (const at of keys) await nearHit(reader, at);
    for (const at of keys) expect(reader.peek(at)).toEqual({ hit: true, value: 'new', tier: 'near' });
  });

  it('empties when Redis is flushed (FLUSHALL reports every key at once)', async () => {
    const client = makeClient();
    const store = cache(client, { near: true });
    await serving(store);
    await fill(store, ref('a'), 'v');
    await nearHit(store, ref('a'));
    if (client instanceof Cluster) await Promise.all(client.nodes('master').map((node) => node.flushall()));
    else await client.flushall();
    await until(() => store.peek(ref('a')) === undefined, 1_000);
    await expect(lookup(store, ref('a'))).resolves.toMatchObject({ hit: false });
  });

  it('stops serving when a ping goes unanswered (Redis paused), and serves again after', async () => {
    const client = makeClient();
    const store = cache(client, { near: { heartbeatMs: 100 } });
    await serving(store);
    await fill(store, ref('a'), 'v');
    await nearHit(store, ref('a'));
    const node = client instanceof Cluster ? await nodeOf(client, ref('a')) : client;
    const admin = new Redis(node.options.port as number, '127.0.0.1');
    clients.push(admin);
    void admin.call('DEBUG', 'SLEEP', '0.6');
    await until(() => store.nearStatus?.serving === false, 1_000);
    expect(store.peek(ref('a'))).toBeUndefined();
    await serving(store);
    await nearHit(store, ref('a'));
  });

  it('holds at most maxEntries', async () => {
    const store = cache(makeClient(), { near: { maxEntries: 5 } });
    await serving(store);
    for (let i = 0; i < 12; i++) await fill(store, ref(`e${i}`), `v${i}`);
    for (let i = 0; i < 12; i++) await nearHit(store, ref(`e${i}`));
    expect(store.nearStatus?.entries).toBe(5);
  });

  it("keeps an entry no longer than Redis's TTL for the key", async () => {
    const store = cache(makeClient(), { near: true });
    await serving(store);
    await fill(store, ref('a'), 'v', 300);
    await nearHit(store, ref('a'));
    await sleep(400);
    expect(store.peek(ref('a'))).toBeUndefined();
  });
});

describe('RedisCache near tier specifics', () => {
  it('refuses a Cluster client that reads from replicas', () => {
    expect(() => new RedisCache(clusterClient({ scaleReads: 'slave', lazyConnect: true }), { near: true })).toThrow(
      /near tier needs a Cluster client that reads from masters \(scaleReads is 'slave'\)/,
    );
  });

  it("works under the client's keyPrefix", async () => {
    const reader = cache(redisClient({ keyPrefix: 'tenant1:' }), { near: true });
    const writer = cache(redisClient({ keyPrefix: 'tenant1:' }));
    await serving(reader);
    await fill(writer, ref('a'), 'old');
    await nearHit(reader, ref('a'));
    await writer.invalidate([{ table: `near${table}`, scope: 'p1', entries: ['a'] }]);
    await until(() => reader.peek(ref('a')) === undefined, 1_000);
  });

  it('closes its invalidation connections on close(), also on a client it was given', async () => {
    const client = redisClient();
    const store = new RedisCache(client, { near: true });
    await serving(store);
    const named = async (): Promise<number> =>
      ((await client.client('LIST')) as string).split('\n').filter((line) => line.includes(FEED_CONNECTION_NAME))
        .length;
    const before = await named();
    expect(before).toBeGreaterThan(0);
    await store.close();
    await until(async () => (await named()) === before - 1, 2_000);
    expect(client.status).toBe('ready');
    expect(store.nearStatus?.serving).toBe(false);
  });
});

/** The Cluster node holding an entry's keys. */
async function nodeOf(client: Cluster, at: CacheRef): Promise<Redis> {
  const key = scopeKeys('dynamodel:', at.table, at.scope).entry(at.entry);
  const slot = Number(await client.call('CLUSTER', 'KEYSLOT', key));
  const slots = (await client.call('CLUSTER', 'SLOTS')) as [number, number, [string, number]][];
  const owner = slots.find(([from, to]) => slot >= from && slot <= to);
  const port = owner?.[2][1];
  const node = client.nodes('master').find((candidate) => candidate.options.port === port);
  if (!node) throw new Error(`no master holds slot ${slot}`);
  return node;
}
