// BENCH_PART=cache: hot-key reads of cached tweets (issue 13). One DynamoDB Local and one
// redis-server, both started here on loopback; everything measured in one process and one run:
//   1. Zipf-distributed `Tweet.get` over 10,000 tweets, 100,000 reads, 32 in flight, with no cache,
//      a MemoryCache and a RedisCache (each cold at its start): reads/s and GetItem requests sent.
//   2. One `Tweet.get` at a time of one hot tweet: a cache hit (memory, Redis) against a DynamoDB
//      Local round trip (no cache), rounds alternating, median of per-round ratios.
// Targets: a memory hit ≥ 50× faster than a Local round trip; < 10% of the Zipf reads reach
// DynamoDB; a Redis hit faster than a Local round trip.
import 'reflect-metadata';
import { Redis } from 'ioredis';
import { MemoryCache, RedisCache, type Cache } from '@dynamodel/cache';
import { Attribute, HashKey, Keys, Model, Table, createConnection, type Connection } from '@dynamodel/core';
import { startLocalDynamo } from '@dynamodel/local';
import { startLocalRedis } from '@dynamodel/local/redis';
import { benchTweets, concurrently, zipfRanks } from './hot-keys';
import { pin } from './local';

@Table({ name: 'cached_tweets', cache: { ttl: '1h' } })
class CachedTweet extends Model {
  declare [Keys]?: 'tweetId';
  @HashKey() tweetId!: string;
  @Attribute() author!: string;
  @Attribute() text!: string;
  @Attribute() likes!: number;
  @Attribute() created!: Date;
}

const TWEETS = Number(process.env.BENCH_CACHE_TWEETS ?? 10_000);
const READS = Number(process.env.BENCH_CACHE_READS ?? 100_000);
const CONCURRENCY = 32;
const ZIPF_S = Number(process.env.BENCH_ZIPF_S ?? 1);
const LATENCY_CALLS = Number(process.env.BENCH_CACHE_LATENCY_CALLS ?? 2_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 11);

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

/** GetItem requests this connection's executor sends from now on. */
function countGets(connection: Connection): { readonly sent: number } {
  const counter = { sent: 0 };
  connection.events?.on('request', (event) => {
    if (event.operation === 'GetItem') counter.sent++;
  });
  return counter;
}

export async function cacheBenchmarks(): Promise<void> {
  const db = await startLocalDynamo();
  const redisServer = await startLocalRedis();
  const redis = new Redis(redisServer.port, '127.0.0.1');
  console.log(`\nHot-key reads through the cache, on one DynamoDB Local and one redis-server; ${pin(db.pid)}`);
  const connections: Connection[] = [];
  const connect = async (cache: Cache | undefined): Promise<Connection> => {
    const connection = createConnection({
      ...db.clientConfig,
      prefix: 'bench_',
      concurrency: CONCURRENCY,
      ...(cache ? { cache } : {}),
    });
    await connection.executor();
    connections.push(connection);
    return connection;
  };
  try {
    const plain = await connect(undefined);
    await plain.syncTables([CachedTweet]);
    const { ids, attributes } = benchTweets(TWEETS);
    const stored = await CachedTweet.using(plain).batchPut(ids.map((_, i) => attributes(i)));
    if (stored.written !== TWEETS) throw new Error(`seeded ${stored.written} of ${TWEETS} tweets`);
    const ranks = zipfRanks(TWEETS, ZIPF_S, READS, 13);
    const distinct = new Set(ranks).size;

    // 1. The Zipf run, one variant after another, each cold.
    console.log(
      `\n  Zipf(s = ${ZIPF_S}) reads of ${TWEETS.toLocaleString('en')} tweets: ${READS.toLocaleString('en')} Tweet.get, ` +
        `${CONCURRENCY} in flight (${distinct.toLocaleString('en')} distinct keys drawn)`,
    );
    console.log('    variant           reads/s    GetItem sent   share of reads   cache hits');
    const variants: [string, () => Cache | undefined][] = [
      ['no cache', () => undefined],
      ['MemoryCache', () => new MemoryCache({ maxEntries: TWEETS })],
      ['RedisCache', () => new RedisCache(redis, { prefix: `bench${Date.now()}:` })],
    ];
    const zipfReads = new Map<string, number>();
    for (const [name, makeCache] of variants) {
      const cache = makeCache();
      const connection = cache ? await connect(cache) : plain;
      const tweets = CachedTweet.using(connection);
      const gets = countGets(connection);
      let hits = 0;
      connection.events?.on('cache', (event) => {
        if (event.kind === 'hit') hits += event.count;
      });
      const started = performance.now();
      await concurrently(READS, CONCURRENCY, async (i) => {
        const tweet = await tweets.get(ids[ranks[i] as number] as string);
        if (!tweet) throw new Error('benchmark tweet missing');
      });
      const seconds = (performance.now() - started) / 1000;
      zipfReads.set(name, gets.sent);
      console.log(
        `    ${name.padEnd(14)} ${Math.round(READS / seconds)
          .toLocaleString('en')
          .padStart(10)} ` +
          `${gets.sent.toLocaleString('en').padStart(15)} ${((100 * gets.sent) / READS).toFixed(1).padStart(15)}% ` +
          `${hits.toLocaleString('en').padStart(12)}`,
      );
    }
    for (const name of ['MemoryCache', 'RedisCache']) {
      const share = (zipfReads.get(name) ?? NaN) / READS;
      console.log(
        `    ${name}: ${(share * 100).toFixed(1)}% of reads sent to DynamoDB (target < 10%: ${share < 0.1 ? 'met' : 'MISSED'})`,
      );
    }

    // 2. One call at a time: a hit against a round trip.
    const hot = ids[0] as string;
    const sides: [string, Connection][] = [
      ['Local round trip (no cache)', plain],
      ['MemoryCache hit', await connect(new MemoryCache())],
      ['RedisCache hit', await connect(new RedisCache(redis, { prefix: `latency${Date.now()}:` }))],
    ];
    const perCall: number[][] = sides.map(() => []);
    const timeSide = async (connection: Connection): Promise<number> => {
      const tweets = CachedTweet.using(connection);
      const started = performance.now();
      for (let i = 0; i < LATENCY_CALLS; i++) await tweets.get(hot);
      return ((performance.now() - started) * 1000) / LATENCY_CALLS;
    };
    for (const [, connection] of sides) await timeSide(connection); // warm-up, and the caches filled
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? [0, 1, 2] : [2, 1, 0];
      for (const side of order) perCall[side]?.push(await timeSide((sides[side] as [string, Connection])[1]));
    }
    console.log(
      `\n  One Tweet.get at a time of one hot tweet (${LATENCY_CALLS} calls per run, medians of ${ROUNDS} alternating rounds)`,
    );
    for (const [i, [name]] of sides.entries()) {
      console.log(
        `    ${name.padEnd(30)} ${median(perCall[i] ?? [])
          .toFixed(1)
          .padStart(8)} µs per get`,
      );
    }
    const ratio = (side: number) =>
      median((perCall[0] ?? []).map((roundTrip, round) => roundTrip / (perCall[side]?.[round] ?? NaN)));
    const memory = ratio(1);
    const viaRedis = ratio(2);
    console.log(
      `    a MemoryCache hit is ${memory.toFixed(1)}× faster than a Local round trip (target ≥ 50×: ${memory >= 50 ? 'met' : 'MISSED'})`,
    );
    console.log(
      `    a RedisCache hit is ${viaRedis.toFixed(2)}× faster than a Local round trip (target > 1×: ${viaRedis > 1 ? 'met' : 'MISSED'})`,
    );
  } finally {
    for (const connection of connections) await connection.close();
    redis.disconnect();
    await redisServer.stop();
    await db.stop();
  }
}
