import 'reflect-metadata';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Cluster, Redis } from 'ioredis';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { localTestConfig, uniqueTablePrefix } from '@dynamodel/local/jest';
import { startFaultProxy, type FaultProxy } from '@dynamodel/local/fault-proxy';
import {
  startLocalRedis,
  startLocalRedisCluster,
  type LocalRedis,
  type LocalRedisCluster,
} from '@dynamodel/local/redis';
import { MemoryCache, RedisCache, type Cache, type RedisCacheOptions } from '@dynamodel/cache';
import { DynamoExecutor } from '@dynamodel/executor';
import {
  OutcomeUnknownError,
  ThrottledError,
  createConnection,
  transact,
  type CacheEvent,
  type CacheEventKind,
  type Connection,
} from '../src';
import { Account, BriefNote, Note } from './support/cache-models';
import { gatedExecutor, type GatedExecutor } from './support/gated-executor';

// Issue 13 and docs/reliability.md §9.4 C2–C7: the cache when DynamoDB or the store misbehaves —
// stale replicas, lost answers, a failed read shared by 1,000 waiters, a second process writing,
// Redis killed, paused and answering garbage. Real DynamoDB Local, fault proxy and redis-server.

const config = localTestConfig();
const run = promisify(execFile);

function collect(connection: Connection): { events: CacheEvent[]; count(kind: CacheEventKind): number } {
  const events: CacheEvent[] = [];
  connection.events?.on('cache', (event) => events.push(event));
  return {
    events,
    count: (kind) => events.filter((event) => event.kind === kind).reduce((sum, event) => sum + event.count, 0),
  };
}

describe.each<[string, () => Cache]>([
  ['MemoryCache', () => new MemoryCache()],
  ['RedisCache', () => new RedisCache(redisServer.url)],
  [
    'RedisCache on a 3-node Cluster',
    () => {
      clusterClient = new Cluster(redisCluster.startupNodes.map((node) => ({ ...node })));
      return new RedisCache(clusterClient);
    },
  ],
  ['RedisCache with a near tier', () => new RedisCache(redisServer.url, { near: true })],
])('%s under faults', (_name, makeStore) => {
  let proxy: FaultProxy;
  let executor: DynamoExecutor;
  let connection: Connection;
  let store: Cache;

  beforeAll(async () => {
    proxy = await startFaultProxy({ target: config.endpoint });
    executor = new DynamoExecutor({ ...config, endpoint: proxy.endpoint });
    store = makeStore();
    connection = createConnection({
      executor,
      cache: store,
      cacheNamespace: 'local-tests',
      cacheTimeoutMs: 2_000,
      prefix: uniqueTablePrefix('cache_faults'),
    });
    await connection.syncTables([Note, Account]);
    await connection.executor();
  });
  afterAll(async () => {
    executor.destroy();
    await proxy.close();
    await connection.close();
    if (store instanceof RedisCache) await store.close();
  });
  beforeEach(() => proxy.reset());

  it('C2: a miss after a write is filled from a strongly consistent read, never from a stale replica', async () => {
    const notes = Note.using(connection);
    await notes.put({ id: 'c2', text: 'old' });
    expect((await notes.get('c2'))?.text).toBe('old');
    proxy.setStaleReads(60_000);
    try {
      await notes.update('c2', { text: 'new' });
      // The replica the proxy plays still answers eventually consistent reads with the old item.
      const raw = new DynamoDBClient({ ...config, endpoint: proxy.endpoint });
      const stale = await raw.send(new GetItemCommand({ TableName: notes.tableName, Key: { id: { S: 'c2' } } }));
      raw.destroy();
      expect(stale.Item?.text?.S).toBe('old');
      expect((await notes.get('c2'))?.text).toBe('new');
      expect((await notes.get('c2'))?.text).toBe('new');
      expect((await notes.batchGet(['c2'])).items[0]?.text).toBe('new');
    } finally {
      proxy.setStaleReads(0);
    }
  });

  it('C4: a write whose answer was lost (outcome unknown) still invalidates', async () => {
    const accounts = Account.using(connection);
    await accounts.create({ id: 'c4', balance: 1 });
    const account = await accounts.getOrFail('c4');
    expect(await accounts.get('c4')).toMatchObject({ balance: 1 }); // cached
    account.balance = 7;
    proxy.enqueue({ mode: 'resetAfter', operation: 'UpdateItem' });
    await expect(account.save()).rejects.toBeInstanceOf(OutcomeUnknownError);
    expect(await accounts.get('c4')).toMatchObject({ balance: 7, version: 2 });
  });

  it('C4: a transaction whose answer was lost still invalidates every written key', async () => {
    const notes = Note.using(connection);
    await notes.batchPut([
      { id: 'tx1', text: 'old' },
      { id: 'tx2', text: 'old' },
    ]);
    await notes.batchGet(['tx1', 'tx2']);
    const lossy = new DynamoExecutor({ ...config, endpoint: proxy.endpoint, maxAttempts: 1 });
    const single = createConnection({
      executor: lossy,
      cache: store,
      cacheNamespace: 'local-tests',
      prefix: connection.prefix,
    });
    try {
      proxy.enqueue({ mode: 'resetAfter', operation: 'TransactWriteItems' });
      const error = await transact(
        [Note.using(single).updateOp('tx1', { text: 'new' }), Note.using(single).deleteOp('tx2')],
        { maxAttempts: 1 },
      ).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OutcomeUnknownError);
      expect((await notes.get('tx1'))?.text).toBe('new');
      expect(await notes.get('tx2')).toBeUndefined();
    } finally {
      lossy.destroy();
      await single.close();
    }
  });

  it('C4: a batch write whose answer was lost still invalidates its keys', async () => {
    const notes = Note.using(connection);
    await notes.batchPut([
      { id: 'bw1', text: 'old' },
      { id: 'bw2', text: 'old' },
    ]);
    await notes.batchGet(['bw1', 'bw2']);
    const lossy = new DynamoExecutor({ ...config, endpoint: proxy.endpoint, maxAttempts: 1 });
    const single = createConnection({
      executor: lossy,
      cache: store,
      cacheNamespace: 'local-tests',
      prefix: connection.prefix,
    });
    try {
      proxy.enqueue({ mode: 'resetAfter', operation: 'BatchWriteItem' });
      const report = await Note.using(single).batchPut(
        [
          { id: 'bw1', text: 'new' },
          { id: 'bw2', text: 'new' },
        ],
        { maxAttempts: 1 },
      );
      expect(report.outcomeUnknown).toBe(2);
      expect((await notes.batchGet(['bw1', 'bw2'])).items.map((note) => note?.text)).toEqual(['new', 'new']);
    } finally {
      lossy.destroy();
      await single.close();
    }
  });

  it('C5: when the shared read fails, all 1,000 waiters get the same typed error and nothing is cached', async () => {
    const gated: GatedExecutor = gatedExecutor(config);
    const own = createConnection({
      executor: gated,
      cache: store,
      cacheNamespace: 'local-tests',
      cacheTimeoutMs: 2_000,
      prefix: connection.prefix,
    });
    try {
      const notes = Note.using(own);
      await notes.put({ id: 'c5', text: 'fine' });
      const failure = new ThrottledError('injected: throttled after retries', {
        code: 'ThrottlingException',
        table: notes.tableName,
      });
      // The failing answer is held until every waiter has joined the shared read: otherwise a lookup
      // answered after the failure (1,000 lookups, with a near tier 1,000 scripts, on a busy machine)
      // finds no read in flight and starts its own — a race of the test, not of the cache.
      const answered = gated.holdNext('GetItem');
      gated.failNext('GetItem', failure);
      await own.executor();
      const events = collect(own);
      const joined = new Promise<void>((resolve) => {
        own.events?.on('cache', () => events.count('coalesced') === 999 && resolve());
        setTimeout(resolve, 10_000).unref(); // then the expectations below say what was missing
      });
      const pending = Promise.allSettled(Array.from({ length: 1_000 }, () => notes.get('c5')));
      await answered.reached;
      await joined;
      answered.release();
      const results = await pending;
      // With the store's failures, if any, so a failure here says why.
      const storeErrors = events.events.filter((event) => event.kind === 'error').map((event) => event.reason);
      expect({ coalesced: events.count('coalesced'), storeErrors }).toEqual({ coalesced: 999, storeErrors: [] });
      expect(gated.count('GetItem')).toBe(1);
      const outcomes = new Set(
        results.map((result): unknown => (result.status === 'rejected' ? result.reason : result)),
      );
      expect(outcomes).toEqual(new Set([failure]));
      expect((await notes.get('c5'))?.text).toBe('fine');
      expect(gated.count('GetItem')).toBe(2); // the failure was not cached
    } finally {
      gated.destroy();
      await own.close();
    }
  });
});

let redisServer: LocalRedis;
let redisCluster: LocalRedisCluster;
let clusterClient: Cluster | undefined;
beforeAll(async () => {
  [redisServer, redisCluster] = await Promise.all([
    startLocalRedis({ args: ['--enable-debug-command', 'yes'] }),
    startLocalRedisCluster(),
  ]);
}, 60_000);
afterAll(async () => {
  await clusterClient?.quit();
  await Promise.all([redisServer?.stop(), redisCluster?.stop()]);
});

// With a near tier as well: while Redis is down or paused its invalidation connection is too, and
// the near tier empties and stays out of the way until Redis is back.
const redisOptions: [string, RedisCacheOptions][] = [
  ['RedisCache', {}],
  ['RedisCache with a near tier', { near: { heartbeatMs: 100 } }],
];

describe.each(redisOptions)('%s: Redis down, slow or answering garbage (C3, C7)', (_name, options) => {
  let gated: GatedExecutor;
  let connection: Connection;
  let cache: RedisCache;
  let admin: Redis;
  let seen: ReturnType<typeof collect>;

  beforeAll(async () => {
    gated = gatedExecutor(config);
    cache = new RedisCache(redisServer.url, options);
    connection = createConnection({
      executor: gated,
      cache,
      cacheNamespace: 'local-tests',
      cacheTimeoutMs: 200,
      prefix: uniqueTablePrefix('cache_down'),
    });
    await connection.syncTables([Note, BriefNote]);
    admin = new Redis(redisServer.port, '127.0.0.1');
    admin.on('error', () => undefined); // it is killed on purpose below
    seen = collect(connection);
  });
  afterAll(async () => {
    gated.destroy();
    await connection.close();
    await cache.close();
    admin.disconnect();
  });

  it('C7: a paused Redis (DEBUG SLEEP past the timeout) costs the timeout, never a wrong value', async () => {
    const notes = Note.using(connection);
    await notes.put({ id: 'slow', text: 'old' });
    await notes.get('slow');
    const pause = admin.call('DEBUG', 'SLEEP', '1');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const before = gated.count('GetItem');
    expect((await notes.get('slow'))?.text).toBe('old'); // from DynamoDB
    expect(gated.count('GetItem') - before).toBe(1);
    await notes.update('slow', { text: 'new' }); // its invalidation times out, and lands when Redis wakes
    expect(seen.events.filter((event) => event.kind === 'error').at(-1)?.reason).toMatch(/took over 200 ms/);
    expect(seen.count('invalidation-failed')).toBeGreaterThanOrEqual(1);
    expect((await notes.get('slow'))?.text).toBe('new');
    await pause;
    await new Promise((resolve) => setTimeout(resolve, 1_100)); // the store's rest after a failure
    expect((await notes.get('slow'))?.text).toBe('new');
    expect((await notes.get('slow'))?.text).toBe('new');
  });

  it('C3: an invalidation that failed leaves the old value for at most the TTL, and says so', async () => {
    const brief = BriefNote.using(connection);
    await brief.put({ id: 'c3', text: 'old' });
    await brief.get('c3');
    const failing = new Proxy(cache, {
      get(target, property, receiver) {
        if (property === 'invalidate') return () => Promise.reject(new Error('connection reset (injected)'));
        return Reflect.get(target, property, receiver) as unknown;
      },
    });
    const broken = createConnection({
      executor: gated,
      cache: failing,
      cacheNamespace: 'local-tests',
      prefix: connection.prefix,
    });
    await broken.executor();
    const brokenEvents = collect(broken);
    await BriefNote.using(broken).update('c3', { text: 'new' });
    expect(brokenEvents.events.find((event) => event.kind === 'invalidation-failed')).toMatchObject({
      count: 1,
      reason: expect.stringContaining('connection reset (injected)'),
    });
    expect((await brief.get('c3'))?.text).toBe('old'); // stale, as the event warned
    await new Promise((resolve) => setTimeout(resolve, 700)); // the 600 ms TTL
    expect((await brief.get('c3'))?.text).toBe('new');
    await broken.close();
  });

  it('C7: garbage in the cache is reported, dropped and never decoded; the read goes to DynamoDB', async () => {
    const notes = Note.using(connection);
    await notes.put({ id: 'junk', text: 'real' });
    await notes.get('junk');
    const keys = await admin.keys(`dynamodel:${notes.tableName}@*:*:e:*`);
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) await admin.set(key, '{"text":[9,"not what the cache writes"]}');
    expect((await notes.get('junk'))?.text).toBe('real');
    expect(seen.events.at(-1)).toMatchObject({ kind: 'error', reason: expect.stringContaining('could not be read') });
    expect((await notes.get('junk'))?.text).toBe('real');
    expect((await notes.get('junk'))?.text).toBe('real');
    expect(seen.events.at(-1)).toMatchObject({ kind: 'hit' });
  });

  it('C7: Redis killed mid-run: every call still works from DynamoDB, and caching resumes once Redis is back', async () => {
    const notes = Note.using(connection);
    await notes.put({ id: 'down', text: 'v1' });
    await notes.get('down');
    const port = redisServer.port;
    await redisServer.stop();
    for (let i = 2; i <= 4; i++) {
      expect((await notes.get('down'))?.text).toBe(`v${i - 1}`);
      await notes.update('down', { text: `v${i}` });
    }
    expect(seen.count('invalidation-failed')).toBeGreaterThanOrEqual(3);
    redisServer = await startLocalRedis({ port, args: ['--enable-debug-command', 'yes'] });
    const deadline = Date.now() + 20_000;
    let hits = seen.count('hit');
    while (seen.count('hit') === hits && Date.now() < deadline) {
      expect((await notes.get('down'))?.text).toBe('v4');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    hits = seen.count('hit');
    expect((await notes.get('down'))?.text).toBe('v4');
    expect(seen.count('hit')).toBe(hits + 1);
  }, 40_000);
});

describe.each(redisOptions)('C6: two processes sharing Redis (%s)', (_name, options) => {
  let gated: GatedExecutor;
  let connection: Connection;
  let cache: RedisCache;
  const writer = join(__dirname, 'support', 'cache-writer.ts');
  const prefix = uniqueTablePrefix('cache_two');
  const writeFromOtherProcess = (id: string, text: string) =>
    run(
      process.execPath,
      [require.resolve('tsx/cli'), writer, JSON.stringify({ config, redis: redisServer.url, prefix, id, text })],
      {
        cwd: join(__dirname, '..'),
      },
    );

  beforeAll(async () => {
    gated = gatedExecutor(config);
    cache = new RedisCache(redisServer.url, options);
    connection = createConnection({
      executor: gated,
      cache,
      cacheNamespace: 'local-tests',
      cacheTimeoutMs: 2_000,
      prefix,
    });
    await connection.syncTables([Note]);
  });
  afterAll(async () => {
    gated.destroy();
    await connection.close();
    await cache.close();
  });

  it("sees the other process's invalidations", async () => {
    const notes = Note.using(connection);
    await notes.put({ id: 'shared', text: 'from A' });
    expect((await notes.get('shared'))?.text).toBe('from A');
    await writeFromOtherProcess('shared', 'from B');
    expect((await notes.get('shared'))?.text).toBe('from B');
  }, 30_000);

  it("C1 across processes: A's read held past B's write never stores the old item", async () => {
    const notes = Note.using(connection);
    await notes.put({ id: 'raced', text: 'old' });
    const gate = gated.holdNext('GetItem');
    const reader = notes.get('raced');
    await gate.reached;
    await writeFromOtherProcess('raced', 'new');
    gate.release();
    expect((await reader)?.text).toBe('old');
    expect((await notes.get('raced'))?.text).toBe('new');
  }, 30_000);
});
