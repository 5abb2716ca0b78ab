import { seededRandom } from '@dynamodel/local/fault-proxy';

// What the cache benchmarks (bench/cache.ts, bench/hot-reads.ts) share: the tweets they seed, a
// hot-key workload over them and a fixed number of callers in flight.

/** `count` ranks in 0..n-1 drawn from Zipf(s): rank k has weight 1/(k+1)^s; the same sequence for a seed. */
export function zipfRanks(n: number, s: number, count: number, seed: number): Int32Array {
  const cumulative = new Float64Array(n);
  let total = 0;
  for (let k = 0; k < n; k++) cumulative[k] = total += 1 / Math.pow(k + 1, s);
  const next = seededRandom(seed);
  const ranks = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const target = next() * total;
    let low = 0;
    let high = n - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((cumulative[middle] as number) < target) low = middle + 1;
      else high = middle;
    }
    ranks[i] = low;
  }
  return ranks;
}

/** Calls `call(0)` … `call(count - 1)` with `inFlight` callers, each taking the next index when done. */
export async function concurrently(count: number, inFlight: number, call: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) await call(next++);
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
}

/** The ids of `count` benchmark tweets, and the attributes each is seeded with. */
export function benchTweets(count: number): { ids: string[]; attributes: (i: number) => BenchTweet } {
  const ids = Array.from({ length: count }, (_, i) => `tweet-${String(i).padStart(5, '0')}`);
  return {
    ids,
    attributes: (i) => ({
      tweetId: ids[i] as string,
      author: `user${i % 500}`,
      text: `tweet number ${i} about #dynamodb and hot keys`,
      likes: i % 1000,
      created: new Date(1_700_000_000_000 + i * 1000),
    }),
  };
}

export interface BenchTweet {
  readonly tweetId: string;
  readonly author: string;
  readonly text: string;
  readonly likes: number;
  readonly created: Date;
}
