// Bulk writes through the model against what a careful user writes by hand, on one DynamoDB Local
// in one process, directly and through a latency proxy (5 ms each way): Book.batchPut of plain
// attributes (building, validation and encoding included) against a BatchWriteItem loop over
// pre-marshalled items (chunks of 25, 8 in flight, UnprocessedItems re-sent), from the first round
// after start (cold: the model, its codec and the engine have not run in this process yet) on; then
// Book.put at 16 in flight against PutItem at 16, and sequential PutItem. DynamoDB Local's own JVM is
// warmed first with raw SDK writes only: its first ~20,000 writes run several times slower, which
// would otherwise decide the first rounds for whichever writer ran second. Every run writes into a
// freshly created table, and each round runs its two writers A B B A on half the items each. The
// cold figure of Book.batchPut is the median first round of several fresh processes
// (bench/batch-cold-worker.ts), since one round is one sample of a quantity that varies by 20%.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import {
  BatchWriteItemCommand,
  DynamoDBClient,
  PutItemCommand,
  type AttributeValue,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { createConnection, type Connection } from '@dynamodel/core';
import { startLocalDynamo, type LocalClientConfig } from '@dynamodel/local';
import { Book, handWritten } from './book';
import { pin } from './local';

const N = Number(process.env.BENCH_BATCH_ITEMS ?? 10_000);
const ROUNDS = Number(process.env.BENCH_BATCH_ROUNDS ?? 7);
const SEQUENTIAL = Number(process.env.BENCH_SEQUENTIAL_ITEMS ?? 1_000);
/** Raw SDK writes that warm DynamoDB Local's JVM (not the model's code) before the first round. */
const WARMUP = Number(process.env.BENCH_WARMUP_ITEMS ?? 20_000);
/** Fresh processes whose first round gives the cold figure of `Book.batchPut`. */
/** Raw SDK writes before the cold round in the second set of fresh processes. */
const COLD_SDK_WARMUP = Number(process.env.BENCH_COLD_SDK_WARMUP_ITEMS ?? 10_000);
/** Fresh processes per cold figure of `Book.batchPut`: even, so each writer goes first in half of them. */
const COLD_STARTS = Number(process.env.BENCH_COLD_STARTS ?? 8);

type Attributes = Pick<Book, 'isbn' | 'title' | 'author' | 'published' | 'pages' | 'tags'>;
type Item = Record<string, AttributeValue>;

let generation = 0;
/** `count` books under keys never used before (each round writes new items). */
function attributes(count: number): Attributes[] {
  const run = generation++;
  return Array.from({ length: count }, (_, i) => ({
    isbn: `r${run}-${String(i).padStart(7, '0')}`,
    title: `Book number ${i}`,
    author: `Author ${i % 97}`,
    published: new Date(1_600_000_000_000 + i * 86_400_000),
    pages: 100 + (i % 900),
    tags: ['fiction', `shelf-${i % 13}`],
  }));
}

/** Pre-marshalled items, as the hand-written loops get them (their encoding is not timed). */
const marshalled = (books: Attributes[]): Item[] => books.map((book) => handWritten.encode(book as Book));

export interface Side {
  readonly client: DynamoDBClient;
  readonly connection: Connection;
  readonly table: string;
}

export type Writer = (side: Side, books: Attributes[], items: Item[]) => Promise<void>;

/** Chunks of 25, 8 in flight, UnprocessedItems re-sent until none are left. */
export const handLoop: Writer = async ({ client, table }, _books, items) => {
  const chunks: WriteRequest[][] = [];
  for (let i = 0; i < items.length; i += 25)
    chunks.push(items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })));
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < chunks.length) {
      let requests = chunks[next++] ?? [];
      while (requests.length > 0) {
        const out = await client.send(new BatchWriteItemCommand({ RequestItems: { [table]: requests } }));
        requests = out.UnprocessedItems?.[table] ?? [];
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
};

export const batchPut: Writer = async ({ connection }, books) => {
  const report = await Book.using(connection).batchPut(books, { concurrency: 8 });
  if (report.written !== books.length) throw new Error(`batchPut wrote ${report.written} of ${books.length}`);
};

const in16 = async (count: number, call: (i: number) => Promise<unknown>): Promise<void> => {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) await call(next++);
  };
  await Promise.all(Array.from({ length: 16 }, worker));
};

const rawPut16: Writer = ({ client, table }, _books, items) =>
  in16(items.length, (i) => client.send(new PutItemCommand({ TableName: table, Item: items[i] })));

const modelPut16: Writer = ({ connection }, books) =>
  in16(books.length, (i) => Book.using(connection).put(books[i] as Attributes));

const sequentialPut: Writer = async ({ client, table }, _books, items) => {
  for (const Item of items) await client.send(new PutItemCommand({ TableName: table, Item }));
};

export interface Timing {
  /** Wall time, µs per item. */
  readonly wall: number;
  /** This process's CPU time (user + system), µs per item: the client-side cost, what a mapper adds to. */
  readonly cpu: number;
}

/** One timed run of `writer` into an empty table. */
export async function timed(side: Side, writer: Writer, count: number): Promise<Timing> {
  // DynamoDB Local slows down as its database grows: every run starts from an empty table.
  await side.connection.dropTables([Book]);
  await side.connection.syncTables([Book]);
  const books = attributes(count);
  const items = marshalled(books);
  const cpu = process.cpuUsage();
  const started = performance.now();
  await writer(side, books, items);
  const wall = ((performance.now() - started) * 1000) / count;
  const used = process.cpuUsage(cpu);
  return { wall, cpu: (used.user + used.system) / count };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? NaN)
    : ((sorted[middle - 1] ?? NaN) + (sorted[middle] ?? NaN)) / 2;
}
const ratio = (value: number) => `${value.toFixed(2)}×`;
const row = (values: number[], digits = 0) => values.map((v) => v.toFixed(digits).padStart(7)).join('');

type Pairing = { theirs: Timing; ours: Timing };

/**
 * One round: `theirs` and `ours` run A B B A on half of `count` items each (`theirs` first or
 * second), each one's two halves averaged.
 */
export async function round(
  side: Side,
  theirs: Writer,
  ours: Writer,
  count: number,
  theirsFirst: boolean,
): Promise<Pairing> {
  const [first, second] = theirsFirst ? [theirs, ours] : [ours, theirs];
  const a1 = await timed(side, first, count / 2);
  const b1 = await timed(side, second, count / 2);
  const b2 = await timed(side, second, count / 2);
  const a2 = await timed(side, first, count / 2);
  const a = { wall: (a1.wall + a2.wall) / 2, cpu: (a1.cpu + a2.cpu) / 2 };
  const b = { wall: (b1.wall + b2.wall) / 2, cpu: (b1.cpu + b2.cpu) / 2 };
  return theirsFirst ? { theirs: a, ours: b } : { theirs: b, ours: a };
}

/** A raw client and a connection on one DynamoDB Local (or proxy), writing to `prefix`'s Book table. */
export function sideOf(config: LocalClientConfig, prefix: string): Side {
  const connection = createConnection({ ...config, prefix });
  return { client: new DynamoDBClient(config), connection, table: connection.tableName(Book.schema()) };
}

/**
 * The first round of COLD_STARTS fresh processes (bench/batch-cold-worker.ts, on this process's
 * core), DynamoDB Local already warm: in each, `sdkWarmup` raw SDK writes run first (0: the client's
 * code is all cold, as at a process start; the hand loop's own SDK path is then the first writer's
 * cost, and each writer goes first in half the processes). One cold round is one sample of a noisy
 * quantity (rounds of one writer vary by up to 20% on DynamoDB Local); their median is the figure.
 */
async function coldStarts(
  config: LocalClientConfig,
  prefix: string,
  count: number,
  sdkWarmup: number,
): Promise<Pairing[]> {
  const results: Pairing[] = [];
  for (let start = 0; start < COLD_STARTS; start++) {
    // Spawned, not run synchronously: this process's event loop must keep tending its keep-alive
    // sockets (DynamoDB Local closes idle ones) while the worker runs.
    const child = spawn(
      process.execPath,
      [
        '-r',
        'ts-node/register/transpile-only',
        join(__dirname, 'batch-cold-worker.ts'),
        JSON.stringify(config),
        `${prefix}cold_`,
        String(count),
        start % 2 === 0 ? 'theirs-first' : 'ours-first',
        String(sdkWarmup),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    if (code !== 0) throw new Error(`cold-start worker exited with ${code}`);
    results.push(JSON.parse(output.trim().split('\n').pop() ?? '{}') as Pairing);
  }
  return results;
}

interface ColdStarts {
  /** What is warm before the cold round, for the report. */
  readonly label: string;
  readonly run: () => Promise<Pairing[]>;
}

/**
 * `ours` against `theirs` for ROUNDS rounds of `count` items from the first round after start. Each
 * round runs them A B B A on half the items each, so DynamoDB Local's warm-up (steep at first) and
 * any drift hit both alike; the round's ratio is ours over theirs, summed over its two halves. With
 * `cold` (sets of first rounds of fresh processes), the cold figure is the median of the first set;
 * otherwise it is the worse of this run's first two rounds.
 */
async function pair(
  side: Side,
  title: string,
  theirs: [string, Writer],
  ours: [string, Writer],
  count: number,
  target: number,
  cold: readonly ColdStarts[] = [],
): Promise<void> {
  const rounds: Pairing[] = [];
  for (let r = 0; r < ROUNDS; r++) rounds.push(await round(side, theirs[1], ours[1], count, r % 2 === 0));
  const wallRatios = rounds.map((r) => r.ours.wall / r.theirs.wall);
  const cpuRatios = rounds.map((r) => r.ours.cpu / r.theirs.cpu);
  console.log(`\n  ${title}: ${count} items per round (A B B A halves), ${ROUNDS} rounds, the first ones cold`);
  printRounds(rounds, theirs[0], ours[0]);
  const warm = median(wallRatios.slice(2));
  const firstRounds = `this run's rounds 1–2 ${wallRatios.slice(0, 2).map(ratio).join(', ')}`;
  let coldFigure = Math.max(...wallRatios.slice(0, 2));
  let coldText = `cold: ${firstRounds}`;
  const coldMedians: string[] = [];
  for (const set of cold) {
    const starts = await set.run();
    const startMedian = median(starts.map((r) => r.ours.wall / r.theirs.wall));
    console.log(
      `\n  first round of ${starts.length} fresh processes, ${set.label}: median wall ratio ${ratio(startMedian)}`,
    );
    printRounds(starts, theirs[0], ours[0], 'fresh process');
    coldMedians.push(`${ratio(startMedian)} (${set.label})`);
    if (coldMedians.length === 1) coldFigure = startMedian;
  }
  if (coldMedians.length > 0) coldText = `cold, median of fresh starts: ${coldMedians.join('; ')}; ${firstRounds}`;
  console.log(
    `    ${ours[0]} / ${theirs[0]} wall: ${coldText}; warm median ${ratio(warm)}; ` +
      `client CPU median ${ratio(median(cpuRatios))}; target wall ≤ ${ratio(target)}: ` +
      `${Math.max(coldFigure, warm) <= target ? 'met' : 'MISSED'}`,
  );
}

function printRounds(rounds: Pairing[], theirs: string, ours: string, label = 'round'): void {
  const wallRatios = rounds.map((r) => r.ours.wall / r.theirs.wall);
  const cpuRatios = rounds.map((r) => r.ours.cpu / r.theirs.cpu);
  console.log(`    ${label.padEnd(29)}${rounds.map((_, i) => String(i + 1).padStart(7)).join('')}`);
  console.log(`    ${`${theirs} wall µs/item`.padEnd(29)}${row(rounds.map((r) => r.theirs.wall))}`);
  console.log(`    ${`${ours} wall µs/item`.padEnd(29)}${row(rounds.map((r) => r.ours.wall))}`);
  console.log(`    ${'wall ratio'.padEnd(29)}${row(wallRatios, 2)}`);
  console.log(
    `    ${`${theirs} CPU µs/item`.padEnd(29)}${row(
      rounds.map((r) => r.theirs.cpu),
      1,
    )}`,
  );
  console.log(
    `    ${`${ours} CPU µs/item`.padEnd(29)}${row(
      rounds.map((r) => r.ours.cpu),
      1,
    )}`,
  );
  console.log(`    ${'client CPU ratio'.padEnd(29)}${row(cpuRatios, 2)}`);
}

async function benchmarks(config: LocalClientConfig, where: string, prefix: string): Promise<void> {
  const side = sideOf(config, prefix);
  const { client, connection } = side;
  try {
    console.log(`\n${where}`);
    for (let done = 0; done < WARMUP; done += N / 2) await timed(side, handLoop, N / 2);
    await pair(
      side,
      'Book.batchPut vs hand-written BatchWriteItem loop',
      ['hand loop', handLoop],
      ['Book.batchPut', batchPut],
      N,
      1.0,
      [
        { label: 'all client code cold', run: () => coldStarts(config, prefix, N, 0) },
        {
          label: `SDK pre-warmed by ${COLD_SDK_WARMUP} raw writes`,
          run: () => coldStarts(config, prefix, N, COLD_SDK_WARMUP),
        },
      ],
    );
    await pair(
      side,
      'Book.put at 16 in flight vs PutItem at 16',
      ['PutItem ×16', rawPut16],
      ['Book.put ×16', modelPut16],
      N,
      1.05,
    );
    const sequential = await timed(side, sequentialPut, SEQUENTIAL);
    const batched = await timed(side, batchPut, N);
    console.log(
      `\n  sequential PutItem: ${sequential.wall.toFixed(0)} µs/item (${SEQUENTIAL} items); ` +
        `Book.batchPut ${(sequential.wall / batched.wall).toFixed(1)}× faster per item`,
    );
  } finally {
    client.destroy();
    await connection.close();
  }
}

/** Starts the executor benchmark's latency proxy (the fault proxy in its own process). */
async function startLatencyProxy(target: string, latencyMs: number): Promise<{ endpoint: string; close(): void }> {
  const script = join(__dirname, '..', '..', 'executor', 'bench', 'latency-proxy.mjs');
  const child = spawn(process.execPath, [script, target, String(latencyMs)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`latency proxy exited with ${code}`)));
  });
  return { endpoint: (JSON.parse(line) as { endpoint: string }).endpoint, close: () => child.stdin.end() };
}

export async function batchBenchmarks(): Promise<void> {
  const db = await startLocalDynamo();
  const pinning = pin(db.pid);
  const proxy = await startLatencyProxy(db.endpoint, 5);
  try {
    console.log(
      `\nBulk writes on DynamoDB Local at ${db.endpoint} (its JVM warmed by ${WARMUP} raw SDK writes; ` +
        `the model's code cold); ${pinning}`,
    );
    await benchmarks(db.clientConfig, 'direct to DynamoDB Local', 'bulk_');
    await benchmarks(
      { ...db.clientConfig, endpoint: proxy.endpoint },
      'through a 5 ms-per-direction latency proxy',
      'bulkp_',
    );
  } finally {
    proxy.close();
    await db.stop();
  }
}
