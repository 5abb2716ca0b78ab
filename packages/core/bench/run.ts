// pnpm bench (in packages/core): round-trip throughput of Dynamodel against the SDK's generic
// marshaller and a hand-written converter, through the public path (Model.put + Model.get) and the
// inner codec, for two shapes (each codec in fresh processes, after a warm-up); then the overhead of
// Tweet.get over a raw GetItemCommand + unmarshall on one DynamoDB Local.
import { execFileSync, spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { createConnection } from '@dynamodel/core';
import { startLocalDynamo } from '@dynamodel/local';
import { Tweet } from './tweet';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const CODECS = ['dynamodel', 'util-dynamodb marshall/unmarshall', 'hand-written converter'];
const GETS = Number(process.env.BENCH_GETS ?? 10_000);
/** Single runs on a shared 2-core machine vary by ±10%: the figure is a median over many rounds. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 11);

/** Each codec runs in PROCESSES fresh processes, interleaved (A B C A B C …) so drift hits all alike. */
const PROCESSES = Number(process.env.BENCH_CODEC_PROCESSES ?? 3);
const SHAPES = (process.env.BENCH_SHAPES ?? 'book,post').split(',');
const PATHS = ['public', 'inner'];
const SHAPE_NAMES: Record<string, string> = {
  book: '6-field book (string key, two strings, a Date, a number, a string list)',
  post: 'tweet shape (a Date, a Set, a Map and an embedded class besides strings)',
};

interface CodecResult {
  readonly best: number;
  readonly median: number;
}

function runWorker(shape: string, path: string, codec: string): CodecResult {
  const child = spawnSync(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', join(__dirname, 'codec-worker.ts'), shape, path, codec],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  );
  if (child.status !== 0) throw new Error(`codec worker ${shape} ${path} ${codec} exited with ${child.status}`);
  return JSON.parse(child.stdout.trim().split('\n').pop() ?? '{}') as CodecResult;
}

/**
 * Round trips per second, for each shape and path (`public`: `Model.put` + `Model.get` through an
 * executor that answers at once; `inner`: the codec alone), each codec in fresh processes. Targets
 * (issue 10 §4) on the public path: at least 2× `marshall` + `unmarshall`, within 1.5× of a
 * hand-written converter.
 */
function codecThroughput(): void {
  const middle = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
  console.log(
    `\nround trips per second; ${PROCESSES} fresh processes per codec, interleaved; middle of their best and median rounds`,
  );
  for (const shape of SHAPES) {
    for (const path of PATHS) {
      const best = new Map<string, number[]>(CODECS.map((codec) => [codec, []]));
      const medians = new Map<string, number[]>(CODECS.map((codec) => [codec, []]));
      for (let run = 0; run < PROCESSES; run++) {
        for (const codec of CODECS) {
          const result = runWorker(shape, path, codec);
          best.get(codec)?.push(result.best);
          medians.get(codec)?.push(result.median);
        }
      }
      const of = (codec: string, which: 'best' | 'median'): number =>
        middle((which === 'best' ? best : medians).get(codec) ?? []);
      const what = path === 'public' ? 'Model.put + Model.get (what a user call runs)' : 'codec.encode + codec.decode';
      console.log(`\n  ${SHAPE_NAMES[shape] ?? shape}, ${path} path: ${what}`);
      console.log('    codec                                best round items/s   median round items/s');
      for (const codec of CODECS) {
        console.log(
          `    ${codec.padEnd(36)} ${Math.round(of(codec, 'best')).toLocaleString('en').padStart(18)} ` +
            `${Math.round(of(codec, 'median')).toLocaleString('en').padStart(22)}`,
        );
      }
      const [ours, sdk, hand] = CODECS as [string, string, string];
      for (const which of ['best', 'median'] as const) {
        const versusSdk = of(ours, which) / of(sdk, which);
        const handOverOurs = of(hand, which) / of(ours, which);
        const verdict =
          path === 'public'
            ? ` (targets: ≥ 2× ${versusSdk >= 2 ? 'met' : 'MISSED'}; ≤ 1.5× ${handOverOurs <= 1.5 ? 'met' : 'MISSED'})`
            : '';
        console.log(
          `    ${which} rounds: Dynamodel ${versusSdk.toFixed(2)}× marshall/unmarshall; hand-written ${handOverOurs.toFixed(2)}× Dynamodel${verdict}`,
        );
      }
    }
  }
}

/** Same machine rule as the executor benchmark: DynamoDB Local on the last core, this process on the rest. */
function pin(javaPid: number): string {
  const cores = availableParallelism();
  if (process.env.BENCH_PIN === '0' || cores < 2) return 'not pinned';
  try {
    const others = cores === 2 ? '0' : `0-${cores - 2}`;
    execFileSync('taskset', ['-a', '-p', '-c', String(cores - 1), String(javaPid)], { stdio: 'ignore' });
    execFileSync('taskset', ['-a', '-p', '-c', others, String(process.pid)], { stdio: 'ignore' });
    return `DynamoDB Local pinned to core ${cores - 1}, this process to ${others}`;
  } catch {
    return 'not pinned (taskset unavailable)';
  }
}

interface GetRun {
  /** Wall time per get, µs. */
  readonly wall: number;
  /** This process's CPU time (user + system) per get, µs: the client-side cost, where a mapper adds its own. */
  readonly cpu: number;
}

async function runGets(ids: string[], get: (id: string) => Promise<unknown>): Promise<GetRun> {
  let next = 0;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const worker = async (): Promise<void> => {
    while (next < GETS) {
      const found = await get(ids[next++ % ids.length] as string);
      if (!found) throw new Error('benchmark item missing');
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  const wall = ((performance.now() - started) * 1000) / GETS;
  const cpu = process.cpuUsage(cpuBefore);
  return { wall, cpu: (cpu.user + cpu.system) / GETS };
}

async function getOverhead(): Promise<void> {
  const db = await startLocalDynamo();
  console.log(
    `\nTweet.get vs GetItemCommand + unmarshall: ${GETS} gets at concurrency 16 per run, DynamoDB Local at ${db.endpoint}`,
  );
  console.log(pin(db.pid));
  const connection = createConnection({ ...db.clientConfig, prefix: 'bench_' });
  const client = new DynamoDBClient(db.clientConfig);
  try {
    await connection.syncTables([Tweet]);
    const tweets = Tweet.using(connection);
    const ids: string[] = [];
    for (let i = 0; i < 1_000; i++)
      ids.push((await tweets.create({ author: `a${i % 50}`, text: `tweet ${i}` })).tweetId);
    const table = connection.tableName(Tweet.schema());
    const raw = async (id: string): Promise<unknown> => {
      const output = await client.send(new GetItemCommand({ TableName: table, Key: { tweetId: { S: id } } }));
      if (!output.Item) return undefined;
      const plain = unmarshall(output.Item);
      return Object.assign(Object.create(Tweet.prototype) as Tweet, plain, {
        created: new Date(plain.created as string),
      });
    };
    const dynamodel = (id: string): Promise<unknown> => tweets.get(id);
    const writers: [string, (id: string) => Promise<unknown>][] = [
      ['raw GetItemCommand + unmarshall', raw],
      ['Tweet.get', dynamodel],
    ];
    for (const [, get] of writers) await runGets(ids, get); // warm-up, both paths
    const samples = new Map<string, GetRun[]>(writers.map(([name]) => [name, []]));
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? writers : [...writers].reverse();
      for (const [name, get] of order) samples.get(name)?.push(await runGets(ids, get));
    }
    const median = (values: number[]): number =>
      [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
    const [rawName, oursName] = ['raw GetItemCommand + unmarshall', 'Tweet.get'];
    const of = (name: string, key: keyof GetRun): number => median((samples.get(name) ?? []).map((run) => run[key]));
    // Each round's two runs are neighbours in time, so their ratio cancels most of the machine's drift.
    const pairedRatio = (key: keyof GetRun): number => {
      const ours = samples.get(oursName) ?? [];
      return median((samples.get(rawName) ?? []).map((raw, i) => (ours[i]?.[key] ?? NaN) / raw[key]));
    };
    const overhead = (ours: number, raw: number): string => `${((ours / raw - 1) * 100).toFixed(1)}%`;
    console.log(`  (medians of ${ROUNDS} rounds in alternating order)      wall µs/get   client CPU µs/get`);
    for (const name of [rawName, oursName]) {
      console.log(
        `  ${name.padEnd(34)} ${of(name, 'wall').toFixed(1).padStart(12)} ${of(name, 'cpu').toFixed(1).padStart(18)}`,
      );
    }
    console.log(
      `  Tweet.get overhead: ${overhead(of(oursName, 'wall'), of(rawName, 'wall'))} wall time, ` +
        `${overhead(of(oursName, 'cpu'), of(rawName, 'cpu'))} client CPU (ratio of medians); ` +
        `${overhead(pairedRatio('wall'), 1)} wall, ${overhead(pairedRatio('cpu'), 1)} CPU (median of per-round ratios; target ≤ 5%)`,
    );
  } finally {
    client.destroy();
    await connection.close();
    await db.stop();
  }
}

/** BENCH_PART=codec or BENCH_PART=get runs one half. */
async function main(): Promise<void> {
  const part = process.env.BENCH_PART;
  if (part !== 'get') codecThroughput();
  if (part !== 'codec') await getOverhead();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
