import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { FEED_CONNECTION_NAME, RedisCache } from '@dynamodel/cache';
import { Redis } from 'ioredis';
import { createConnection } from '../../src';
import { Note } from './cache-models';

// Two processes and one Redis: this one reads hot notes through RedisCache's near tier as fast as
// it can, another (support/near-writer.ts) updates them one after another. For every write, the
// time from its update returning in the writer to the last read here that still returned an older
// version: how long a replaced value is served after a write has returned (0 when no read did).
// Used by test/near-cache.integ.test.ts (which bounds it) and `pnpm bench` part near-delay (which
// reports it).

export interface TwoProcessRun {
  readonly config: { endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string } };
  readonly redisUrl: string;
  readonly prefix: string;
  readonly writes: number;
  readonly keys?: number;
  readonly pauseMs?: number;
  /** Kill this process's invalidation connection this many times during the run (evenly spread). */
  readonly kills?: number;
}

export interface TwoProcessResult {
  /** Per write, in ms: how long after it returned an older version was still read here. */
  readonly delays: number[];
  /** Reads served by the near tier, by the store, and misses. */
  readonly nearHits: number;
  readonly storeHits: number;
  readonly misses: number;
  /** Reads served by the near tier after the last kill (hits resumed). */
  readonly nearHitsAfterLastKill: number;
  /** Kills made, and times the near tier was seen not serving after one. */
  readonly kills: number;
  readonly reads: number;
}

const now = (): number => Number(process.hrtime.bigint()) / 1e6;

export async function runTwoProcesses(run: TwoProcessRun): Promise<TwoProcessResult> {
  const keys = run.keys ?? 10;
  const ids = [...Array(keys).keys()].map((i) => `hot${i}`);
  const cache = new RedisCache(run.redisUrl, { near: true });
  const connection = createConnection({ ...run.config, prefix: run.prefix, cache, cacheNamespace: 'local-tests' });
  const admin = new Redis(run.redisUrl);
  try {
    await connection.syncTables([Note]);
    const notes = Note.using(connection);
    for (const id of ids) await notes.put({ id, text: 'v-1' });
    let nearHits = 0;
    let storeHits = 0;
    let misses = 0;
    let nearHitsAfterLastKill = 0;
    let killsDone = 0;
    const kills = run.kills ?? 0;
    connection.events.on('cache', (event) => {
      if (event.kind === 'hit' && event.tier === 'near') {
        nearHits += event.count;
        if (killsDone === kills) nearHitsAfterLastKill += event.count;
      } else if (event.kind === 'hit') storeHits += event.count;
      else if (event.kind === 'miss') misses += event.count;
    });
    while (!cache.nearStatus?.serving) await new Promise((resolve) => setTimeout(resolve, 5));

    // The writer's reports: id → [version, returned at][]
    const written = new Map<string, [number, number][]>(ids.map((id) => [id, []]));
    const writer = spawn(
      process.execPath,
      [
        require.resolve('tsx/cli'),
        join(__dirname, 'near-writer.ts'),
        JSON.stringify({
          config: run.config,
          redis: run.redisUrl,
          prefix: run.prefix,
          ids,
          writes: run.writes,
          pauseMs: run.pauseMs ?? 4,
        }),
      ],
      { cwd: join(__dirname, '..', '..'), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    writer.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    let reported = 0;
    createInterface({ input: writer.stdout }).on('line', (line) => {
      const { id, version, at } = JSON.parse(line) as { id: string; version: number; at: number };
      written.get(id)?.push([version, at]);
      reported++;
    });
    const exited = new Promise<number | null>((resolve) => writer.on('exit', resolve));
    let done = false;
    void exited.then(() => (done = true));

    // Per id and version read: the latest start of a read that returned it.
    const lastRead = new Map<string, Map<number, number>>(ids.map((id) => [id, new Map()]));
    let reads = 0;
    let nextKill = kills > 0 ? run.writes / (kills + 1) : Infinity;
    while (!done) {
      for (const id of ids) {
        const started = now();
        const note = await notes.getOrFail(id);
        const version = Number(note.text.slice(1));
        const seen = lastRead.get(id) as Map<number, number>;
        seen.set(version, started);
        reads++;
      }
      if (reported >= nextKill && killsDone < kills) {
        await killFeeds(admin);
        killsDone++;
        nextKill += run.writes / (kills + 1);
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    const code = await exited;
    if (code !== 0) throw new Error(`the writer failed (${String(code)}): ${stderr}`);
    if (reported !== run.writes) throw new Error(`the writer reported ${reported} of ${run.writes} writes`);

    const delays: number[] = [];
    for (const id of ids) {
      const seen = [...(lastRead.get(id) as Map<number, number>)].sort((a, b) => a[0] - b[0]);
      for (const [version, returnedAt] of written.get(id) as [number, number][]) {
        // The last read of an older version: the latest start among versions below this one.
        let lastOld = -Infinity;
        for (const [read, at] of seen) if (read < version) lastOld = Math.max(lastOld, at);
        delays.push(Math.max(0, lastOld - returnedAt));
      }
    }
    return { delays, nearHits, storeHits, misses, nearHitsAfterLastKill, kills: killsDone, reads };
  } finally {
    await connection.close();
    await cache.close();
    admin.disconnect();
  }
}

/** Kills every near-tier invalidation connection on the Redis (this process's: the writer has none). */
async function killFeeds(admin: Redis): Promise<void> {
  const list = (await admin.client('LIST')) as string;
  for (const match of list.matchAll(/^id=(\d+) .* name=(\S+)/gm)) {
    if (match[2] === FEED_CONNECTION_NAME) await admin.client('KILL', 'ID', match[1] as string);
  }
}

/** The p-th percentile (0–100) of `values`, by nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}
