// BENCH_PART=hot-reads (issue 28): the seed's hot-tweet workload — READS Zipf(s = 1.1) reads of
// TWEETS items, 32 in flight — through Dynamodel's cache tiers and through the read-throughs a user
// writes by hand, on one DynamoDB Local and one redis-server, in one process and one run:
//
//   GET/SETEX        the seed's pattern (shared/seeds): ioredis GET; on a miss GetItem and SETEX of
//                    the item's JSON; a hit is JSON.parse of it. No single-flight, no stale-fill guard.
//   lru-cache        the same read-through on an in-process lru-cache, holding the items' objects
//                    (and once more with strongly consistent reads, as Dynamodel's misses are).
//   node-redis CSC   the GET/SETEX pattern on node-redis 5 with its client-side cache (RESP3
//                    tracking): hits it holds are served in process.
//   Dynamodel        `Tweet.get` with `@Table({ cache })` on MemoryCache, on RedisCache, and on
//                    RedisCache with its near tier (`near: { maxEntries: TWEETS }`).
//   control          GET/SETEX once more, as if another variant: its ratio to GET/SETEX is the noise.
// After a warm-up of DynamoDB Local and of each variant's code, ROUNDS rounds run every variant in
// rotating order; figures are medians over rounds, ratios medians of same-round ratios.
//
// Every variant starts cold (a new key prefix, an empty cache), reads the same key sequence, and
// counts the GetItem requests it sent (the distinct keys, for a read-through without duplicates).
// Targets (issue 28): RedisCache ≥ 1.0× GET/SETEX, MemoryCache ≥ 1.0× lru-cache, RedisCache with its near
// tier ≥ 1.0× node-redis CSC.
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { Session } from 'node:inspector/promises';
import { PerformanceObserver } from 'node:perf_hooks';
import { DynamoDBClient, GetItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';
import { createClient } from 'redis';
import { MemoryCache, RedisCache, type Cache } from '@dynamodel/cache';
import { Attribute, HashKey, Keys, Model, Table, createConnection, type Connection } from '@dynamodel/core';
import { startLocalDynamo, type LocalDynamo } from '@dynamodel/local';
import { startLocalRedis } from '@dynamodel/local/redis';
import { benchTweets, concurrently, zipfRanks } from './hot-keys';
import { pin } from './local';
import { cpuBetween, threadTimes } from './server-cpu';

@Table({ name: 'hot_tweets', cache: { ttl: '1h' } })
class HotTweet extends Model {
  declare [Keys]?: 'tweetId';
  @HashKey() tweetId!: string;
  @Attribute() author!: string;
  @Attribute() text!: string;
  @Attribute() likes!: number;
  @Attribute() created!: Date;
}

const TWEETS = Number(process.env.BENCH_HOT_TWEETS ?? 10_000);
const READS = Number(process.env.BENCH_HOT_READS ?? 100_000);
const ZIPF_S = Number(process.env.BENCH_ZIPF_S ?? 1.1);
const CONCURRENCY = 32;
const TTL_SECONDS = 3600;
const ROUNDS = Number(process.env.BENCH_HOT_ROUNDS ?? 3);
const WARMUP_READS = Number(process.env.BENCH_WARMUP_ITEMS ?? 30_000);
const VARIANT_WARMUP_READS = Number(process.env.BENCH_HOT_VARIANT_WARMUP ?? 20_000);
const SEED = 'GET/SETEX (ioredis)';
const CONTROL = 'GET/SETEX again (control)';
const NEAR = 'Dynamodel + RedisCache, near tier';
const CSC = 'node-redis 5 client-side cache';

/** BENCH_HOT_PREFILL=1: each variant reads every tweet once before it is timed (hits only, at full size). */
const PREFILL = process.env.BENCH_HOT_PREFILL === '1';
/** BENCH_HOT_PROFILE=<folder>: a CPU profile of each variant's timed reads (nothing else) per round. */
const PROFILE_DIR = process.env.BENCH_HOT_PROFILE;
/**
 * BENCH_HOT_HEAP=<folder>: instead, a sampling heap profile of the same reads, keeping the samples
 * the garbage collector freed (what a read allocates, not what it keeps).
 */
const HEAP_DIR = process.env.BENCH_HOT_HEAP;

async function startProfile(): Promise<Session> {
  const session = new Session();
  session.connect();
  if (HEAP_DIR) {
    await session.post('HeapProfiler.enable');
    await session.post('HeapProfiler.startSampling', {
      samplingInterval: 1024,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    });
  } else {
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
  }
  return session;
}

async function stopProfile(session: Session, name: string): Promise<void> {
  if (HEAP_DIR) {
    const { profile } = await session.post('HeapProfiler.stopSampling');
    writeFileSync(`${HEAP_DIR}/${name}.heapprofile`, JSON.stringify(profile));
  } else {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(`${PROFILE_DIR}/${name}.cpuprofile`, JSON.stringify(profile));
  }
  session.disconnect();
}

/** One variant's timed reads: reads/s, the share of the time spent collecting garbage, CPU per read. */
interface Run {
  readonly speed: number;
  readonly gets: number;
  readonly gcShare: number;
  /** CPU µs per read of this process, of redis-server and of DynamoDB Local (`NaN` where /proc is missing). */
  readonly cpu: number;
  readonly redisCpu: number;
  readonly dynamoCpu: number;
}

/**
 * `work` timed: wall, garbage collection (every kind), and the CPU time of this process, of
 * redis-server and of DynamoDB Local — the three share two cores, so a variant's reads/s is bound by
 * the CPU it spends in all three, not only here.
 */
async function timed(
  reads: number,
  redisPid: number,
  dynamoPid: number,
  work: () => Promise<void>,
): Promise<Omit<Run, 'gets'>> {
  let gcMs = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gcMs += entry.duration;
  });
  observer.observe({ entryTypes: ['gc'] });
  const [redisBefore, dynamoBefore, cpuBefore] = [threadTimes(redisPid), threadTimes(dynamoPid), process.cpuUsage()];
  const started = performance.now();
  await work();
  const elapsed = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const [redisAfter, dynamoAfter] = [threadTimes(redisPid), threadTimes(dynamoPid)];
  // GC entries are delivered after the turn they were recorded in.
  await new Promise((resolve) => setImmediate(resolve));
  observer.disconnect();
  return {
    speed: reads / (elapsed / 1000),
    gcShare: gcMs / elapsed,
    cpu: (cpu.user + cpu.system) / reads,
    redisCpu: cpuBetween(redisBefore, redisAfter) / reads,
    dynamoCpu: cpuBetween(dynamoBefore, dynamoAfter) / reads,
  };
}

/** Resolves once a near tier serves (its invalidation connection is up): timing starts warm. */
async function nearServing(cache: RedisCache): Promise<void> {
  while (!cache.nearStatus?.serving) await new Promise((resolve) => setTimeout(resolve, 5));
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

type Item = Record<string, AttributeValue>;
type Read = (id: string) => Promise<unknown>;

/** A variant ready to run: its read, the GetItem requests it has sent so far, and its clean-up. */
interface Started {
  readonly read: Read;
  readonly gets: () => number;
  readonly close: () => Promise<void>;
}

interface Variant {
  readonly name: string;
  /** Makes the variant's read, cold. */
  readonly start: () => Started | Promise<Started>;
}

/** A raw SDK client as a careful user configures it: keep-alive sockets for the 32 in flight. */
function rawClient(db: LocalDynamo): { client: DynamoDBClient; gets: () => number } {
  const client = new DynamoDBClient({
    ...db.clientConfig,
    requestHandler: { httpAgent: new Agent({ keepAlive: true, maxSockets: 64 }) },
  });
  let sent = 0;
  client.middlewareStack.add(
    (next) => (args) => {
      sent++;
      return next(args);
    },
    { step: 'initialize' },
  );
  return { client, gets: () => sent };
}

export async function hotReadBenchmarks(): Promise<void> {
  const db = await startLocalDynamo();
  const redisServer = await startLocalRedis();
  const redis = new Redis(redisServer.port, '127.0.0.1');
  console.log(`\nHot reads (issue 28) on one DynamoDB Local and one redis-server; ${pin(db.pid)}`);
  const setup = createConnection({ ...db.clientConfig, prefix: 'hot_' });
  try {
    await setup.syncTables([HotTweet]);
    const table = setup.tableName(HotTweet.schema());
    const { ids, attributes } = benchTweets(TWEETS);
    const seeded = await HotTweet.using(setup).batchPut(ids.map((_, i) => attributes(i)));
    if (seeded.written !== TWEETS) throw new Error(`seeded ${seeded.written} of ${TWEETS} tweets`);
    const ranks = zipfRanks(TWEETS, ZIPF_S, READS, 13);
    const distinct = new Set(ranks).size;
    let run = 0;

    const getSetex = (name: string): Variant => ({
      name,
      start: () => {
        const prefix = `seed${run++}:`;
        const { client, gets } = rawClient(db);
        return {
          gets,
          read: async (id) => {
            const key = `${prefix}${id}`;
            const cached = await redis.get(key);
            if (cached !== null) return JSON.parse(cached) as Item;
            const { Item } = await client.send(new GetItemCommand({ TableName: table, Key: { tweetId: { S: id } } }));
            await redis.set(key, JSON.stringify(Item), 'EX', TTL_SECONDS);
            return Item;
          },
          close: () => Promise.resolve(client.destroy()),
        };
      },
    });
    const lruOf = (name: string, consistent: boolean): Variant => ({
      name,
      start: () => {
        const cache = new LRUCache<string, Item>({ max: TWEETS, ttl: TTL_SECONDS * 1000 });
        const { client, gets } = rawClient(db);
        return {
          gets,
          read: async (id) => {
            const cached = cache.get(id);
            if (cached !== undefined) return cached;
            const { Item } = await client.send(
              new GetItemCommand({ TableName: table, Key: { tweetId: { S: id } }, ConsistentRead: consistent }),
            );
            if (Item) cache.set(id, Item);
            return Item;
          },
          close: () => Promise.resolve(client.destroy()),
        };
      },
    });
    const nodeRedis: Variant = {
      name: CSC,
      start: async () => {
        const prefix = `csc${run++}:`;
        const client = createClient({
          url: `redis://127.0.0.1:${redisServer.port}`,
          RESP: 3,
          clientSideCache: { ttl: 0, maxEntries: 0, evictPolicy: 'LRU' },
        });
        await client.connect();
        const dynamo = rawClient(db);
        return {
          gets: dynamo.gets,
          read: async (id) => {
            const key = `${prefix}${id}`;
            const cached = await client.get(key);
            if (cached !== null) return JSON.parse(cached) as Item;
            const { Item } = await dynamo.client.send(
              new GetItemCommand({ TableName: table, Key: { tweetId: { S: id } } }),
            );
            await client.set(key, JSON.stringify(Item), { EX: TTL_SECONDS });
            return Item;
          },
          close: async () => {
            dynamo.client.destroy();
            await client.quit();
          },
        };
      },
    };
    const dynamodel = (name: string, makeCache: () => Cache): Variant => ({
      name,
      start: async () => {
        const cache = makeCache();
        const connection: Connection = createConnection({
          ...db.clientConfig,
          prefix: 'hot_',
          concurrency: CONCURRENCY,
          cache,
        });
        await connection.executor();
        let sent = 0;
        connection.events.on('request', (event) => {
          if (event.operation === 'GetItem') sent++;
        });
        if (cache instanceof RedisCache && cache.nearStatus) await nearServing(cache);
        const tweets = HotTweet.using(connection);
        const close = async (): Promise<void> => {
          await connection.close();
          if (cache instanceof RedisCache) await cache.close(); // its near tier's connections
        };
        return { gets: () => sent, read: (id) => tweets.get(id), close };
      },
    });

    const all: Variant[] = [
      getSetex(SEED),
      lruOf('lru-cache read-through', false),
      lruOf('lru-cache read-through, consistent reads', true),
      nodeRedis,
      dynamodel('Dynamodel + MemoryCache', () => new MemoryCache({ maxEntries: TWEETS })),
      dynamodel('Dynamodel + RedisCache', () => new RedisCache(redis, { prefix: `dm${run++}:` })),
      dynamodel(NEAR, () => new RedisCache(redis, { prefix: `dm${run++}:`, near: { maxEntries: TWEETS } })),
      getSetex(CONTROL),
    ];
    // BENCH_HOT_VARIANTS=Dynamodel runs only the variants whose names contain one of the words (for profiling).
    const only = process.env.BENCH_HOT_VARIANTS?.split(',');
    const variants = only ? all.filter((variant) => only.some((word) => variant.name.includes(word))) : all;
    // DynamoDB Local's JIT warms up over the first tens of thousands of reads: warm it first.
    const warm = rawClient(db);
    await concurrently(WARMUP_READS, CONCURRENCY, async (i) => {
      const Key = { tweetId: { S: ids[i % TWEETS] as string } };
      await warm.client.send(new GetItemCommand({ TableName: table, Key }));
    });
    warm.client.destroy();
    // Then each variant's own code: its first round would otherwise also time the JIT compiling
    // it, which costs a variant more the more code it runs (each start is cold again: a new prefix,
    // an empty cache; only the compiled code carries over, as in a long-running process).
    for (const variant of variants) {
      const { read, close } = await variant.start();
      await concurrently(
        VARIANT_WARMUP_READS,
        CONCURRENCY,
        async (i) => void (await read(ids[ranks[i % READS] as number] as string)),
      );
      await close();
    }
    console.log(
      `\n  Zipf(s = ${ZIPF_S}): ${READS.toLocaleString('en')} reads of ${TWEETS.toLocaleString('en')} tweets, ` +
        `${CONCURRENCY} in flight, ${distinct.toLocaleString('en')} distinct keys; after ${WARMUP_READS.toLocaleString('en')} ` +
        `warm-up reads of DynamoDB Local and ${VARIANT_WARMUP_READS.toLocaleString('en')} of each variant, ${ROUNDS} rounds in rotating order, medians`,
    );
    const redisPid = Number(/process_id:(\d+)/.exec(await redis.info('server'))?.[1]);
    const runs = new Map<string, Run[]>(variants.map((variant) => [variant.name, []]));
    for (let round = 0; round < ROUNDS; round++) {
      const order = variants.map((_, i) => variants[(i + round) % variants.length] as Variant);
      for (const variant of order) {
        const { read, gets, close } = await variant.start();
        if (PREFILL) await concurrently(TWEETS, CONCURRENCY, async (i) => void (await read(ids[i] as string)));
        const profiler = PROFILE_DIR || HEAP_DIR ? await startProfile() : undefined;
        const run = await timed(READS, redisPid, db.pid, () =>
          concurrently(READS, CONCURRENCY, async (i) => {
            if (!(await read(ids[ranks[i] as number] as string)))
              throw new Error(`${variant.name}: a tweet is missing`);
          }),
        );
        if (profiler) await stopProfile(profiler, `${variant.name.replace(/\W+/g, '-')}-${round}`);
        runs.get(variant.name)?.push({ ...run, gets: gets() });
        await close();
      }
    }
    console.log(
      '    variant                              reads/s   GetItem sent   GC time   CPU µs/read: here  Redis  DynamoDB   (reads/s each round)',
    );
    for (const variant of variants) {
      const of = (field: keyof Run): number => median((runs.get(variant.name) ?? []).map((run) => run[field]));
      const µs = (field: keyof Run, width: number): string => of(field).toFixed(1).padStart(width);
      console.log(
        `    ${variant.name.padEnd(34)} ${Math.round(of('speed')).toLocaleString('en').padStart(9)} ` +
          `${Math.round(of('gets')).toLocaleString('en').padStart(14)}   ${(of('gcShare') * 100).toFixed(1).padStart(6)}%   ` +
          `${µs('cpu', 17)} ${µs('redisCpu', 6)} ${µs('dynamoCpu', 9)}   ` +
          (runs.get(variant.name) ?? []).map((run) => Math.round(run.speed).toLocaleString('en')).join(' / '),
      );
    }
    const speeds = new Map([...runs].map(([name, measured]) => [name, measured.map((run) => run.speed)]));
    /** The median over rounds of a's speed ÷ b's in the same round. */
    const ratio = (a: string, b: string): string =>
      median((speeds.get(a) ?? []).map((speed, round) => speed / (speeds.get(b)?.[round] ?? NaN))).toFixed(2);
    if (only) return;
    console.log(`    control: GET/SETEX again ÷ GET/SETEX = ${ratio(CONTROL, SEED)}×`);
    console.log(`    Dynamodel + RedisCache ÷ GET/SETEX = ${ratio('Dynamodel + RedisCache', SEED)}× (target ≥ 1.0×)`);
    console.log(`    ${NEAR} ÷ ${CSC} = ${ratio(NEAR, CSC)}× (target ≥ 1.0×)`);
    console.log(
      `    Dynamodel + MemoryCache ÷ lru-cache read-through = ${ratio('Dynamodel + MemoryCache', 'lru-cache read-through')}× (target ≥ 1.0×)`,
    );
  } finally {
    await setup.close();
    redis.disconnect();
    await redisServer.stop();
    await db.stop();
  }
}
