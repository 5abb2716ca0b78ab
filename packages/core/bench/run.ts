// pnpm bench (in packages/core): codec throughput (Dynamodel's compiled codec vs the SDK's generic
// marshaller vs a hand-written converter; each in a fresh process, after a warm-up), then the
// overhead of Tweet.get over a raw GetItemCommand + unmarshall on one DynamoDB Local.
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

function codecThroughput(): void {
  const best = new Map<string, number[]>(CODECS.map((codec) => [codec, []]));
  const medians = new Map<string, number[]>(CODECS.map((codec) => [codec, []]));
  for (let run = 0; run < PROCESSES; run++) {
    for (const codec of CODECS) {
      const child = spawnSync(
        process.execPath,
        ['-r', 'ts-node/register/transpile-only', join(__dirname, 'codec-worker.ts'), codec],
        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
      );
      if (child.status !== 0) throw new Error(`codec worker ${codec} exited with ${child.status}`);
      const line = child.stdout.trim().split('\n').pop() ?? '{}';
      const result = JSON.parse(line) as { best: number; median: number };
      best.get(codec)?.push(result.best);
      medians.get(codec)?.push(result.median);
    }
  }
  const middle = (values: number[] = []): number =>
    [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
  const ours = { best: middle(best.get('dynamodel')), median: middle(medians.get('dynamodel')) };
  console.log(
    `\ncodec round trip (encode + decode) of a 6-field book item; ${PROCESSES} fresh processes per codec, interleaved`,
  );
  console.log(
    '  codec                                best round items/s   Dynamodel is   median round items/s   Dynamodel is',
  );
  for (const codec of CODECS) {
    const b = middle(best.get(codec));
    const m = middle(medians.get(codec));
    const versus = (value: number, mine: number): string =>
      codec === 'dynamodel' ? '' : `${(mine / value).toFixed(2)}×`;
    console.log(
      `  ${codec.padEnd(36)} ${Math.round(b).toLocaleString('en').padStart(12)}   ${versus(b, ours.best).padStart(12)}   ` +
        `${Math.round(m).toLocaleString('en').padStart(18)}   ${versus(m, ours.median).padStart(12)}`,
    );
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
