// pnpm bench (in packages/executor): bulk-write throughput of the batch engine against the raw SDK,
// on one DynamoDB Local in one process, directly and through a latency proxy (5 ms each way),
// plus the engine's memory while it streams 1,000,000 items. Prints time per item and ratios.
import { execFileSync, spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import {
  CreateTableCommand,
  DeleteTableCommand,
  DynamoDBClient,
  PutItemCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { startLocalDynamo, type LocalClientConfig } from '@dynamodel/local';
import { DynamoExecutor, batchWrite, type Executor } from '../src';
import { handWrittenBatchLoop } from './hand-loop';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const N = Number(process.env.BENCH_ITEMS ?? 10_000);
/** Sequential PutItem through the proxy is slow; it runs on fewer items and is compared per item. */
const N_SEQUENTIAL_PROXY = Number(process.env.BENCH_SEQUENTIAL_PROXY_ITEMS ?? 1_000);

type Item = Record<string, AttributeValue>;
const book = (run: string, i: number): Item => ({
  isbn: { S: `${run}-${String(i).padStart(7, '0')}` },
  title: { S: `Book number ${i}` },
  author: { S: `Author ${i % 97}` },
  published: { S: new Date(1_600_000_000_000 + i * 86_400_000).toISOString() },
  pages: { N: String(100 + (i % 900)) },
  tags: { L: [{ S: 'fiction' }, { S: `shelf-${i % 13}` }] },
});

let tableCount = 0;
async function newTable(client: DynamoDBClient): Promise<string> {
  const name = `bench_${process.pid}_${tableCount++}`;
  await client.send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: 'isbn', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'isbn', AttributeType: 'S' }],
    }),
  );
  return name;
}

type Writer = (client: DynamoDBClient, executor: Executor, table: string, items: Item[]) => Promise<void>;

const sequentialPut: Writer = async (client, _executor, table, items) => {
  for (const Item of items) await client.send(new PutItemCommand({ TableName: table, Item }));
};

const concurrentPut: Writer = async (client, _executor, table, items) => {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await client.send(new PutItemCommand({ TableName: table, Item: items[next++] }));
  };
  await Promise.all(Array.from({ length: 16 }, worker));
};

/** What a careful user writes by hand (bench/hand-loop.ts). */
const handWrittenBatch: Writer = (client, _executor, table, items) => handWrittenBatchLoop(client, table, items);

const engine: Writer = async (_client, executor, table, items) => {
  const report = await batchWrite(
    executor,
    table,
    items.map((Item) => ({ PutRequest: { Item } })),
    {
      keyAttributes: ['isbn'],
      concurrency: 8,
    },
  );
  if (report.written !== items.length) throw new Error(`engine wrote ${report.written} of ${items.length}`);
};

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
/** DynamoDB Local's JIT needs tens of thousands of writes before its speed settles. */
const WARMUP_ITEMS = Number(process.env.BENCH_WARMUP_ITEMS ?? 20_000);

interface Harness {
  readonly client: DynamoDBClient;
  readonly executor: DynamoExecutor;
  close(): void;
}

function harness(config: LocalClientConfig): Harness {
  const client = new DynamoDBClient(config);
  const executor = new DynamoExecutor({ ...config, maxSockets: 64 });
  return { client, executor, close: () => (client.destroy(), executor.destroy()) };
}

let runCount = 0;
async function timePerItemMs(h: Harness, writer: Writer, count: number): Promise<number> {
  const table = await newTable(h.client);
  const items = Array.from({ length: count }, (_, i) => book(`run${runCount}`, i));
  runCount++;
  const started = performance.now();
  await writer(h.client, h.executor, table, items);
  const msPerItem = (performance.now() - started) / count;
  // DynamoDB Local slows down as its database grows: every run starts from the same state.
  await h.client.send(new DeleteTableCommand({ TableName: table }));
  return msPerItem;
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

const BATCHED: [string, Writer][] = [
  ['PutItem, 16 in flight (raw SDK)', concurrentPut],
  ['hand-written BatchWriteItem loop (25 × 8)', handWrittenBatch],
  ['Dynamodel batchWrite (concurrency 8)', engine],
];

/**
 * Sequential PutItem runs once; the batched writers run in rounds, in a rotating order (so a drift
 * in DynamoDB Local's speed hits them alike), and report their median.
 */
async function throughput(config: LocalClientConfig, where: string, sequentialCount: number): Promise<void> {
  const h = harness(config);
  try {
    const sequential = await timePerItemMs(h, sequentialPut, sequentialCount);
    const rounds = new Map<string, number[]>(BATCHED.map(([name]) => [name, []]));
    for (let round = 0; round < ROUNDS; round++) {
      // Rotate the order each round, so no writer always runs first or last.
      const order = [...BATCHED.slice(round % BATCHED.length), ...BATCHED.slice(0, round % BATCHED.length)];
      for (const [name, writer] of order) rounds.get(name)?.push(await timePerItemMs(h, writer, N));
    }
    const results: [string, number, number][] = [
      ['sequential PutItem (raw SDK)', sequentialCount, sequential],
      ...BATCHED.map(([name]): [string, number, number] => [name, N, median(rounds.get(name) ?? [])]),
    ];
    const hand = results[2]?.[2] ?? 1;
    console.log(`\n${where} (batched writers: median of ${ROUNDS} rounds in rotating order)`);
    console.log(
      '  writer                                        items   ms/item   vs hand loop   speed-up vs sequential',
    );
    for (const [name, count, ms] of results) {
      console.log(
        `  ${name.padEnd(44)} ${String(count).padStart(6)}  ${ms.toFixed(4).padStart(8)}   ${(ms / hand).toFixed(2).padStart(8)}×      ${(sequential / ms).toFixed(1).padStart(8)}×`,
      );
    }
  } finally {
    h.close();
  }
}

async function warmUp(config: LocalClientConfig): Promise<void> {
  const h = harness(config);
  try {
    for (const writer of [handWrittenBatch, engine, concurrentPut, handWrittenBatch, engine]) {
      await timePerItemMs(h, writer, Math.ceil(WARMUP_ITEMS / 5));
    }
  } finally {
    h.close();
  }
}

/**
 * Engine memory runs in a fresh Node process on the built package (no TypeScript compiler loaded,
 * no garbage from the runs above), so its RSS is the engine's own.
 */
function memory(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', join(__dirname, 'memory.mjs')], { stdio: 'inherit' });
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`memory benchmark exited with ${code}`))));
  });
}

/** Starts bench/latency-proxy.mjs in its own process; resolves with its endpoint and a way to stop it. */
async function startLatencyProxy(target: string, latencyMs: number): Promise<{ endpoint: string; close(): void }> {
  const child = spawn(process.execPath, [join(__dirname, 'latency-proxy.mjs'), target, String(latencyMs)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`latency proxy exited with ${code}`)));
  });
  const { endpoint } = JSON.parse(line) as { endpoint: string };
  return { endpoint, close: () => child.stdin.end() };
}

/**
 * On a small machine DynamoDB Local, the client and the proxy fight over the same cores, and the
 * scheduler's choices swamp the gap between writers. Pinning Local (every JVM thread) to the last core
 * and this process and the proxy to the others makes rounds comparable. BENCH_PIN=0 turns it off.
 */
function pinProcesses(javaPid: number): string {
  const cores = availableParallelism();
  if (process.env.BENCH_PIN === '0' || cores < 2) return 'not pinned';
  try {
    const last = cores - 1;
    const others = cores === 2 ? '0' : `0-${last - 1}`;
    execFileSync('taskset', ['-a', '-p', '-c', String(last), String(javaPid)], { stdio: 'ignore' });
    execFileSync('taskset', ['-a', '-p', '-c', others, String(process.pid)], { stdio: 'ignore' });
    return `DynamoDB Local pinned to core ${last}, client and proxy to core ${others}`;
  } catch {
    return 'not pinned (taskset unavailable)';
  }
}

async function main(): Promise<void> {
  const db = await startLocalDynamo();
  const pinning = pinProcesses(db.pid);
  // Started after pinning, so the proxy process inherits the client's cores.
  const proxy = await startLatencyProxy(db.endpoint, 5);
  try {
    console.log(`DynamoDB Local at ${db.endpoint}; ${N} items per run, after a ${WARMUP_ITEMS}-item warm-up`);
    console.log(pinning);
    await warmUp(db.clientConfig);
    await throughput(db.clientConfig, 'direct to DynamoDB Local', N);
    await throughput(
      { ...db.clientConfig, endpoint: proxy.endpoint },
      'through a 5 ms-per-direction latency proxy (own process)',
      N_SEQUENTIAL_PROXY,
    );
    await memory();
  } finally {
    proxy.close();
    await db.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
