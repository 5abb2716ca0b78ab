// The store protocol (lookup → fill only with a current token; invalidate renews the token), run
// against each real store: MemoryCache, RedisCache on a redis-server, RedisCache on a 3-node Redis
// Cluster. The servers are started here on free loopback ports.
import { Cluster, Redis } from 'ioredis';
import {
  startLocalRedis,
  startLocalRedisCluster,
  type LocalRedis,
  type LocalRedisCluster,
} from '@dynamodel/local/redis';
import {
  CacheStoreError,
  MemoryCache,
  RedisCache,
  type Cache,
  type CacheLookup,
  type CacheRef,
} from '@dynamodel/cache';
import { itemKeys, scopeKeys } from '../src/redis-keys';

let server: LocalRedis;
let cluster: LocalRedisCluster;
let redis: Redis;
let clusterClient: Cluster;

beforeAll(async () => {
  [server, cluster] = await Promise.all([startLocalRedis(), startLocalRedisCluster()]);
  redis = new Redis(server.port, '127.0.0.1');
  clusterClient = new Cluster(cluster.startupNodes.map((node) => ({ ...node })));
}, 60_000);

afterAll(async () => {
  await Promise.all([redis?.quit(), clusterClient?.quit()]);
  await Promise.all([server?.stop(), cluster?.stop()]);
});

let table = 0;
/** A fresh table name per test, so tests never see each other's entries. */
const ref = (entry: string, scope = 'p1', member = false): CacheRef => ({
  table: `t${table}`,
  scope,
  entry,
  ...(member ? { member } : {}),
});
beforeEach(() => void table++);

const stores: [string, () => Cache][] = [
  ['MemoryCache', () => new MemoryCache()],
  ['RedisCache', () => new RedisCache(redis)],
  ['RedisCache on a 3-node Cluster', () => new RedisCache(clusterClient)],
  ['RedisCache with a near tier', () => new RedisCache(redis, { near: true })],
  ['RedisCache with a near tier on a 3-node Cluster', () => new RedisCache(clusterClient, { near: true })],
];

/** Resolves once a near tier serves (its invalidation connections are up). */
async function nearServing(store: RedisCache): Promise<void> {
  for (let waited = 0; !store.nearStatus?.serving; waited += 10) {
    if (waited > 10_000) throw new Error('the near tier did not start serving within 10 s');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe.each(stores)('%s', (_name, makeStore) => {
  let cache: Cache;
  beforeEach(async () => {
    cache = makeStore();
    if (cache instanceof RedisCache && cache.nearStatus) await nearServing(cache);
  });
  afterEach(async () => {
    if (cache instanceof RedisCache) await cache.close();
  });
  // The protocol's answers, without which tier served a hit (the near tier's own tests check that).
  const store = {
    lookup: async (refs: readonly CacheRef[]): Promise<CacheLookup[]> =>
      (await cache.lookup(refs)).map((found) => (found.hit ? { hit: true, value: found.value } : found)),
    fill: (...args: Parameters<Cache['fill']>) => cache.fill(...args),
    invalidate: (...args: Parameters<Cache['invalidate']>) => cache.invalidate(...args),
  };

  async function miss(at: CacheRef): Promise<string> {
    const [found] = await store.lookup([at]);
    if (!found || found.hit) throw new Error(`expected a miss, found ${JSON.stringify(found)}`);
    return found.token;
  }

  it('misses, fills with the token, then hits', async () => {
    const token = await miss(ref('a'));
    await expect(store.fill(ref('a'), token, 'value-a', { ttlMs: 60_000 })).resolves.toBe(true);
    await expect(store.lookup([ref('a'), ref('b')])).resolves.toEqual([
      { hit: true, value: 'value-a' },
      { hit: false, token },
    ]);
  });

  it('gives every miss of a scope the same token until an invalidation', async () => {
    const [first, second] = await Promise.all([miss(ref('a')), miss(ref('b'))]);
    expect(first).toBe(second);
    await store.invalidate([{ table: `t${table}`, scope: 'p1', entries: [] }]);
    expect(await miss(ref('a'))).not.toBe(first);
  });

  it('refuses a fill whose token an invalidation replaced, and keeps the newer value', async () => {
    const stale = await miss(ref('a'));
    await store.invalidate([{ table: `t${table}`, scope: 'p1', entries: ['a'] }]);
    await expect(store.fill(ref('a'), stale, 'old', { ttlMs: 60_000 })).resolves.toBe(false);
    const fresh = await miss(ref('a'));
    await expect(store.fill(ref('a'), fresh, 'new', { ttlMs: 60_000 })).resolves.toBe(true);
    await expect(store.fill(ref('a'), stale, 'old', { ttlMs: 60_000 })).resolves.toBe(false);
    await expect(store.lookup([ref('a')])).resolves.toEqual([{ hit: true, value: 'new' }]);
  });

  it('refuses a token it never gave', async () => {
    await miss(ref('a'));
    await expect(store.fill(ref('a'), 'forged', 'x', { ttlMs: 60_000 })).resolves.toBe(false);
    await expect(store.fill(ref('a', 'other-scope'), 'forged', 'x', { ttlMs: 60_000 })).resolves.toBe(false);
  });

  it('deletes named entries on invalidation and leaves other scopes alone', async () => {
    for (const at of [ref('a'), ref('b'), ref('a', 'p2')]) {
      await store.fill(at, await miss(at), `v-${at.scope}-${at.entry}`, { ttlMs: 60_000 });
    }
    await store.invalidate([{ table: `t${table}`, scope: 'p1', entries: ['a'] }]);
    const [a, b, other] = await store.lookup([ref('a'), ref('b'), ref('a', 'p2')]);
    expect(a).toMatchObject({ hit: false });
    expect(b).toEqual({ hit: true, value: 'v-p1-b' });
    expect(other).toEqual({ hit: true, value: 'v-p2-a' });
  });

  it('drops member entries with any invalidation of their scope, unnamed', async () => {
    const page = ref('query-fingerprint', 'p1', true);
    await expect(store.fill(page, await miss(page), 'page', { ttlMs: 60_000 })).resolves.toBe(true);
    await expect(store.lookup([page])).resolves.toEqual([{ hit: true, value: 'page' }]);
    await store.invalidate([{ table: `t${table}`, scope: 'p1', entries: ['some-item'] }]);
    await expect(store.lookup([page])).resolves.toEqual([{ hit: false, token: expect.any(String) }]);
  });

  it('holds a scope against fills for holdMs after an invalidation', async () => {
    await store.invalidate([{ table: `t${table}`, scope: 'index', entries: [], holdMs: 300 }]);
    const token = await miss(ref('q', 'index', true));
    await expect(store.fill(ref('q', 'index', true), token, 'early', { ttlMs: 60_000 })).resolves.toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 400));
    await expect(store.fill(ref('q', 'index', true), token, 'settled', { ttlMs: 60_000 })).resolves.toBe(true);
  });

  it('expires entries after their TTL', async () => {
    await store.fill(ref('a'), await miss(ref('a')), 'short', { ttlMs: 150 });
    await expect(store.lookup([ref('a')])).resolves.toEqual([{ hit: true, value: 'short' }]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await expect(store.lookup([ref('a')])).resolves.toEqual([{ hit: false, token: expect.any(String) }]);
  });

  it('keeps scope and entry names apart whatever characters they hold', async () => {
    const tricky = [ref('a}{b', '{p}'), ref('b', '{p}a}{'), ref('', ''), ref('x:y', 'x'), ref('y', 'x:')];
    for (const [i, at] of tricky.entries()) await store.fill(at, await miss(at), `v${i}`, { ttlMs: 60_000 });
    await expect(store.lookup(tricky)).resolves.toEqual(tricky.map((_, i) => ({ hit: true, value: `v${i}` })));
  });
});

describe('RedisCache specifics', () => {
  it.each([
    ['a single Redis merges the entry reads of one turn into MGETs of up to 16', () => redis, [16, 4]],
    ['a Cluster reads each entry alone (one command may touch one slot)', () => clusterClient, Array(20).fill(1)],
  ] as const)('%s, each answered as if alone', async (_what, client, mgets) => {
    const store = new RedisCache(client());
    const refs = Array.from({ length: 20 }, (_, i) => ref(`e${i}`, `s${i % 5}`));
    const tokens = await store.lookup(refs); // every scope gets its token
    await Promise.all(
      refs
        .filter((_, i) => i % 2 === 0)
        .map((at, j) => store.fill(at, (tokens[2 * j] as { token: string }).token, `v${2 * j}`, { ttlMs: 60_000 })),
    );
    const mget = jest.spyOn(client(), 'mget');
    try {
      const answers = await Promise.all(refs.map((at) => store.lookup([at])));
      expect(answers.map(([answer]) => answer)).toEqual(
        refs.map((_, i) => (i % 2 === 0 ? { hit: true, value: `v${i}` } : { hit: false, token: expect.any(String) })),
      );
      expect(mget.mock.calls.map((call) => (call[0] as unknown as string[]).length / 2)).toEqual(mgets);
    } finally {
      mget.mockRestore();
    }
  });

  it.each(['a}{b', '', '}', '%7D', '{}', 'plain'])(
    'puts every key of the scope %j in one Cluster slot',
    async (scope) => {
      const keys = scopeKeys('dynamodel:', 'tweets', scope);
      const slots = await Promise.all(
        [keys.generation, keys.hold, keys.members, keys.entry('x'), `${keys.entry('x')}@token`].map((key) =>
          redis.call('CLUSTER', 'KEYSLOT', key).catch(() => clusterClient.call('CLUSTER', 'KEYSLOT', key)),
        ),
      );
      expect(new Set(slots).size).toBe(1);
    },
  );

  it('names every (table, scope, entry) apart, braces and escapes included', () => {
    const named = [
      ['t', '}', 'e'],
      ['t', '%7D', 'e'],
      ['t}', '', 'e'],
      ['t%7D', '', 'e'],
      ['t', '', '}e'],
      ['t:{', 'x', 'e'],
      ['t', ':{x', 'e'],
    ].map(([table, scope, entry]) => scopeKeys('p:', table as string, scope as string).entry(entry as string));
    expect(new Set(named).size).toBe(named.length);
    const keys = scopeKeys('p:', 't', 's');
    expect(itemKeys('p:', 't', 's', 'e')).toEqual({ generation: keys.generation, entry: keys.entry('e') });
  });

  it('refuses a key prefix holding a brace (Redis Cluster would read it as the hash tag)', () => {
    expect(() => new RedisCache(redis, { prefix: 'app{1}:' })).toThrow(/prefix "app\{1\}:" holds a brace/);
  });

  it('loads its scripts again after Redis forgot them (SCRIPT FLUSH, a restarted node)', async () => {
    const store = new RedisCache(redis);
    await store.lookup([ref('a')]);
    await redis.script('FLUSH');
    await expect(store.lookup([ref('a')])).resolves.toEqual([{ hit: false, token: expect.any(String) }]);
  });

  it('refuses an answer no script gives (a proxy or a foreign server in the way)', async () => {
    const liar = {
      get: () => Promise.resolve(null),
      mget: () => Promise.resolve([null, null]),
      evalsha: () => Promise.resolve('OK'),
      eval: () => Promise.resolve('OK'),
    } as unknown as Redis;
    const store = new RedisCache(liar);
    await expect(store.lookup([ref('a')])).rejects.toThrow(CacheStoreError);
    const garbled = { get: () => Promise.resolve(null), mget: () => Promise.resolve([42, null]) } as unknown as Redis;
    await expect(new RedisCache(garbled).lookup([ref('a')])).rejects.toThrow(/MGET of an entry with \[42,null\]/);
    const garbledReply = { mget: () => Promise.resolve(7) } as unknown as Redis;
    await expect(new RedisCache(garbledReply).lookup([ref('a')])).rejects.toThrow(/MGET of an entry with 7/);
    await expect(store.fill(ref('a'), 't', 'v', { ttlMs: 1000 })).rejects.toThrow(/fill script/);
    await expect(store.invalidate([{ table: 't', scope: 's', entries: [] }])).rejects.toThrow(CacheStoreError);
  });

  it("answers an item's lookup, hit or miss, with one MGET; the script only for a scope's first token or a query page", async () => {
    const store = new RedisCache(redis);
    const calls = async (): Promise<Record<string, number>> => {
      const stats = await redis.info('commandstats');
      const count = (command: string) => Number(new RegExp(`cmdstat_${command}:calls=(\\d+)`).exec(stats)?.[1] ?? 0);
      return { get: count('get'), mget: count('mget'), scripts: count('evalsha') + count('eval') };
    };
    const since = async (before: Record<string, number>): Promise<number[]> => {
      const now = await calls();
      return ['get', 'mget', 'scripts'].map((command) => (now[command] ?? 0) - (before[command] ?? 0));
    };
    const item = ref('a');
    const other = ref('b');
    const page = ref('q', 'p1', true);
    await store.lookup([ref('w', 'another scope')]); // Redis knows the script from here on (no NOSCRIPT + EVAL)
    let before = await calls();
    const [first] = await store.lookup([item]); // the scope has no token yet: MGET, then the script
    expect((await since(before)).slice(1)).toEqual([1, 1]); // (the script's own GETs count as GETs)
    if (first?.hit !== false) throw new Error('expected a miss');
    before = await calls();
    await expect(store.lookup([other])).resolves.toEqual([{ hit: false, token: first.token }]); // no script
    expect(await since(before)).toEqual([0, 1, 0]);
    await store.fill(item, first.token, 'v', { ttlMs: 60_000 });
    before = await calls();
    for (let i = 0; i < 5; i++) await expect(store.lookup([item])).resolves.toEqual([{ hit: true, value: 'v' }]);
    expect(await since(before)).toEqual([0, 5, 0]);
    const [pageMiss] = await store.lookup([page]);
    if (pageMiss?.hit !== false) throw new Error('expected a miss');
    await store.fill(page, pageMiss.token, 'p', { ttlMs: 60_000 });
    before = await calls();
    await expect(store.lookup([page])).resolves.toEqual([{ hit: true, value: 'p' }]);
    expect((await since(before)).slice(1)).toEqual([0, 1]);
  });

  it('prefixes its keys, names them by table and tags them by scope (readable in redis-cli)', async () => {
    const store = new RedisCache(redis, { prefix: 'app1:' });
    const at = ref('a');
    await store.fill(at, ((await store.lookup([at]))[0] as { token: string }).token, 'v', { ttlMs: 60_000 });
    const keys = await redis.keys(`app1:t${table}:*`);
    expect(keys.sort()).toEqual([`app1:t${table}:{#${at.scope}}:e:1:a`, `app1:t${table}:{#${at.scope}}:g`]);
  });

  it('fails at once, not after a wait, when its own client cannot reach Redis', async () => {
    const gone = await startLocalRedis();
    const url = gone.url;
    await gone.stop();
    const store = new RedisCache(url);
    const started = Date.now();
    await expect(store.lookup([ref('a')])).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(5_000);
    await store.close().catch(() => undefined);
  });
});

describe('MemoryCache specifics', () => {
  const fillFresh = async (store: MemoryCache, at: CacheRef, value: string): Promise<boolean> => {
    const [found] = await store.lookup([at]);
    if (!found || found.hit) throw new Error('expected a miss');
    return store.fill(at, found.token, value, { ttlMs: 60_000 });
  };

  it('keeps at most maxEntries, dropping the least recently used', async () => {
    const store = new MemoryCache({ maxEntries: 2 });
    await fillFresh(store, ref('a'), '1');
    await fillFresh(store, ref('b'), '2');
    await store.lookup([ref('a')]); // a is now the most recently used
    await fillFresh(store, ref('c'), '3');
    expect(store.size).toBe(2);
    const [a, b, c] = await store.lookup([ref('a'), ref('b'), ref('c')]);
    expect([a?.hit, b?.hit, c?.hit]).toEqual([true, false, true]);
  });

  it('keeps at most maxBytes of entries', async () => {
    const store = new MemoryCache({ maxBytes: 1_000 });
    for (let i = 0; i < 20; i++) await fillFresh(store, ref(`e${i}`), 'x'.repeat(100));
    expect(store.size).toBeLessThanOrEqual(4); // each entry counts about 230 bytes
    expect(store.size).toBeGreaterThan(0);
  });

  it('refuses the fills of a scope whose generation it had to drop, and drops its member entries with it', async () => {
    const store = new MemoryCache({ maxScopes: 1 });
    const [first] = await store.lookup([ref('page', 'p1', true)]);
    if (!first || first.hit) throw new Error('expected a miss');
    await expect(store.fill(ref('page', 'p1', true), first.token, 'v', { ttlMs: 60_000 })).resolves.toBe(true);
    const [pending] = await store.lookup([ref('item', 'p1')]);
    await store.lookup([ref('x', 'p2')]); // p2's generation pushes p1's out
    if (!pending || pending.hit) throw new Error('expected a miss');
    await expect(store.fill(ref('item', 'p1'), pending.token, 'late', { ttlMs: 60_000 })).resolves.toBe(false);
    await expect(store.lookup([ref('page', 'p1', true)])).resolves.toEqual([{ hit: false, token: expect.any(String) }]);
  });
});
