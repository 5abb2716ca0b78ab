// Bulk writes through the model against what a careful user writes by hand, on one DynamoDB Local
// in one process, directly and through a latency proxy (5 ms each way): Book.batchPut of plain
// attributes (building, validation and encoding included) against a BatchWriteItem loop over
// pre-marshalled items (chunks of 25, 8 in flight, UnprocessedItems re-sent), from the first round
// after start (cold: the model, its codec and the engine have not run in this process yet) on; then
// Book.put at 16 in flight against PutItem at 16, and sequential PutItem. DynamoDB Local's own JVM
// is warmed first with raw SDK writes only, until its JIT compiler has quieted (warmServer): its
// first writes run several times slower, and its compiler takes up to half of its core in bursts
// until ~400,000, which would otherwise decide rounds for whichever writer they fell on. Every run
// writes into a freshly created table, and each round runs its two writers A B B A on half the
// items each. The cold figure of Book.batchPut is the median over pairs of fresh processes that
// each run one writer (bench/batch-cold-worker.ts), since one run is one sample of a quantity that
// varies by 20%. Every timing also reads DynamoDB Local's CPU time (bench/server-cpu.ts): where the
// server is the bottleneck, its CPU per item drifts between runs of the very same requests, and
// dividing it out leaves what the client made it wait; a control pairs the hand loop with itself.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import {
  DynamoDBClient,
  PutItemCommand,
  type AttributeValue,
  type ServiceInputTypes,
  type ServiceOutputTypes,
} from '@aws-sdk/client-dynamodb';
import { createConnection, type Connection } from '@dynamodel/core';
import { DynamoExecutor } from '@dynamodel/executor';
import type { BuildMiddleware, HttpRequest } from '@smithy/types';
import { startLocalDynamo, type LocalClientConfig } from '@dynamodel/local';
import { handWrittenBatchLoop } from '../../executor/bench/hand-loop';
import { Book, handWritten } from './book';
import { pin } from './local';
import { cpuBetween, threadTimes } from './server-cpu';

const N = Number(process.env.BENCH_BATCH_ITEMS ?? 10_000);
/**
 * In-process rounds; the warm figure is the median of all but the first two. Directly, DynamoDB
 * Local is the bottleneck and its CPU per item moves by ±5% between rounds of the same requests (the
 * hand loop against itself on a second client gave 1.00–1.05× as medians of 7 warm rounds): a
 * median of 5 cannot tell 1.01× from 1.00×; one of 19 has about half its spread (1/√n).
 */
const ROUNDS = Number(process.env.BENCH_BATCH_ROUNDS ?? 21);
const SEQUENTIAL = Number(process.env.BENCH_SEQUENTIAL_ITEMS ?? 1_000);
/** Raw SDK writes that warm DynamoDB Local's JVM (not the model's code) before the first round, at least. */
const WARMUP = Number(process.env.BENCH_WARMUP_ITEMS ?? 20_000);
/** At most, if its JIT compiler does not quiet sooner (warmServer). */
const WARMUP_MAX = Number(process.env.BENCH_WARMUP_MAX_ITEMS ?? 800_000);
/** The warm-up ends once DynamoDB Local's JIT used under this share of its CPU over its last QUIET_RUNS runs. */
const QUIET_JIT_SHARE = 0.01;
const QUIET_RUNS = 10;
/** Raw SDK writes before the timed runs in the second set of fresh processes. */
const COLD_SDK_WARMUP = Number(process.env.BENCH_COLD_SDK_WARMUP_ITEMS ?? 10_000);
/**
 * Pairs of fresh processes per cold figure of `Book.batchPut`: even, so each writer goes first in
 * half. One pair's wall ratio varies by ±10% or more with DynamoDB Local's drift: 16 pairs halve the
 * variance of the median against 8 (its spread from run to run shrinks by about 1/√2).
 */
const COLD_STARTS = Number(process.env.BENCH_COLD_STARTS ?? 16);

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
  /** DynamoDB Local's process, whose CPU time is read around each run (bench/server-cpu.ts). */
  readonly serverPid: number | undefined;
}

/**
 * A writer and the input it takes: the books' attributes (the model's calls, which build, validate
 * and encode them) or pre-marshalled items (the hand-written loops, whose encoding is not timed).
 */
export type Writer = BooksWriter | ItemsWriter;
interface BooksWriter {
  readonly takes: 'books';
  readonly run: (side: Side, books: Attributes[]) => Promise<void>;
}
interface ItemsWriter {
  readonly takes: 'items';
  readonly run: (side: Side, items: Item[]) => Promise<void>;
}

/** Chunks of 25, 8 in flight, UnprocessedItems re-sent (the executor benchmark's loop). */
export const handLoop: ItemsWriter = {
  takes: 'items',
  run: ({ client, table }, items) => handWrittenBatchLoop(client, table, items),
};

export const batchPut: Writer = {
  takes: 'books',
  run: async ({ connection }, books) => {
    const report = await Book.using(connection).batchPut(books, { concurrency: 8 });
    if (report.written !== books.length) throw new Error(`batchPut wrote ${report.written} of ${books.length}`);
  },
};

const in16 = async (count: number, call: (i: number) => Promise<unknown>): Promise<void> => {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) await call(next++);
  };
  await Promise.all(Array.from({ length: 16 }, worker));
};

const rawPut16: Writer = {
  takes: 'items',
  run: ({ client, table }, items) =>
    in16(items.length, (i) => client.send(new PutItemCommand({ TableName: table, Item: items[i] }))),
};

const modelPut16: Writer = {
  takes: 'books',
  run: ({ connection }, books) => in16(books.length, (i) => Book.using(connection).put(books[i] as Attributes)),
};

const sequentialPut: Writer = {
  takes: 'items',
  run: async ({ client, table }, items) => {
    for (const Item of items) await client.send(new PutItemCommand({ TableName: table, Item }));
  },
};

export interface Timing {
  /** Wall time, µs per item. */
  readonly wall: number;
  /** This process's CPU time (user + system), µs per item: the client-side cost, what a mapper adds to. */
  readonly cpu: number;
  /** DynamoDB Local's CPU time, µs per item (NaN where it cannot be read). */
  readonly server: number;
  /** The part of `server` its JIT compiler threads used: the JVM's warm-up, not the requests' work. */
  readonly jit: number;
}

/** The mean of two timings of one writer. */
export const meanTiming = (x: Timing, y: Timing): Timing => ({
  wall: (x.wall + y.wall) / 2,
  cpu: (x.cpu + y.cpu) / 2,
  server: (x.server + y.server) / 2,
  jit: (x.jit + y.jit) / 2,
});

/** One timed run of `writer` into an empty table. */
export async function timed(side: Side, writer: Writer, count: number): Promise<Timing> {
  // DynamoDB Local slows down as its database grows: every run starts from an empty table.
  await side.connection.dropTables([Book]);
  await side.connection.syncTables([Book]);
  const write = prepared(side, writer, count);
  // The server's threads are read outside this process's CPU window: reading /proc is not the writer's cost.
  const server = threadTimes(side.serverPid);
  const cpu = process.cpuUsage();
  const started = performance.now();
  await write();
  const wall = ((performance.now() - started) * 1000) / count;
  const used = process.cpuUsage(cpu);
  const serverAfter = threadTimes(side.serverPid);
  return {
    wall,
    cpu: (used.user + used.system) / count,
    server: cpuBetween(server, serverAfter) / count,
    jit: cpuBetween(server, serverAfter, 'compiler') / count,
  };
}

/**
 * `writer` on `count` new books, holding only its own input. Holding the other writer's too would
 * make it pay for that: the garbage collector copies whatever is live at each scavenge, and 10,000
 * marshalled books are ~100,000 objects (the attributes ~40,000), which the model's run would carry
 * along unused.
 */
function prepared(side: Side, writer: Writer, count: number): () => Promise<void> {
  if (writer.takes === 'books') {
    const books = attributes(count);
    return () => writer.run(side, books);
  }
  const items = marshalled(attributes(count));
  return () => writer.run(side, items);
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
  const [a, b] = [meanTiming(a1, a2), meanTiming(b1, b2)];
  return theirsFirst ? { theirs: a, ours: b } : { theirs: b, ours: a };
}

/** A raw client and a connection on one DynamoDB Local (or proxy), writing to `prefix`'s Book table. */
export function sideOf(config: LocalClientConfig, prefix: string, serverPid: number | undefined): Side {
  const connection = createConnection({ ...config, prefix });
  return {
    client: new DynamoDBClient(config),
    connection,
    table: connection.tableName(Book.schema()),
    serverPid,
  };
}

/**
 * One writer's first `count` items in a fresh process (bench/batch-cold-worker.ts, on this process's
 * core), DynamoDB Local already warm: after `sdkWarmup` raw SDK writes (0: all of the client's code
 * cold, as when a process starts and runs one bulk write), two timed runs of `count / 2` items.
 */
async function coldStart(
  config: LocalClientConfig,
  serverPid: number | undefined,
  prefix: string,
  writer: 'theirs' | 'ours',
  count: number,
  sdkWarmup: number,
): Promise<Timing> {
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
      writer,
      String(sdkWarmup),
      String(serverPid ?? ''),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  if (code !== 0) throw new Error(`cold-start worker exited with ${code}`);
  // JSON has no NaN (a server CPU that could not be read): it comes back as null.
  const revive = (_key: string, value: unknown) => (value === null ? NaN : value);
  return JSON.parse(output.trim().split('\n').pop() ?? '{}', revive) as Timing;
}

/**
 * COLD_STARTS pairs of fresh processes, one writer each (each pays for its own code's warm-up, the
 * SDK's included, as a process that starts and runs one bulk write does), the pair's two processes
 * neighbours in time and each writer first in half the pairs. One cold run is one sample of a noisy
 * quantity (runs of one writer vary by up to 20% on DynamoDB Local); the median ratio is the figure.
 */
async function coldStarts(
  config: LocalClientConfig,
  serverPid: number | undefined,
  prefix: string,
  count: number,
  sdkWarmup: number,
): Promise<Pairing[]> {
  const pairs: Pairing[] = [];
  for (let start = 0; start < COLD_STARTS; start++) {
    const run = (writer: 'theirs' | 'ours') => coldStart(config, serverPid, prefix, writer, count, sdkWarmup);
    if (start % 2 === 0) {
      const theirs = await run('theirs');
      pairs.push({ theirs, ours: await run('ours') });
    } else {
      const ours = await run('ours');
      pairs.push({ ours, theirs: await run('theirs') });
    }
  }
  return pairs;
}

interface ColdStarts {
  /** What is warm before the cold round, for the report. */
  readonly label: string;
  readonly run: () => Promise<Pairing[]>;
}

type Measure = (timing: Timing) => number;
const wallOf: Measure = (t) => t.wall;
const cpuOf: Measure = (t) => t.cpu;
const serverOf: Measure = (t) => t.server;
/**
 * Wall time per unit of DynamoDB Local's CPU time: 1 / the share of the run the server was busy.
 * Its ratio is the wall ratio at equal server work; the wall ratio is this times the server-CPU ratio.
 */
const wallPerServer: Measure = (t) => t.wall / t.server;
/** Ours over theirs, per pairing. */
const ratios = (pairs: Pairing[], measure: Measure): number[] => pairs.map((p) => measure(p.ours) / measure(p.theirs));

/**
 * `ours` against `theirs` for ROUNDS rounds of `count` items from the first round after start. Each
 * round runs them A B B A on half the items each, so DynamoDB Local's warm-up (steep at first) and
 * any drift hit both alike; the round's ratio is ours over theirs, summed over its two halves. With
 * `coldSets` (sets of pairs of fresh processes), the cold figure is the median of the first set;
 * otherwise it is the worse of this run's first two rounds. The target is on the wall ratios; the
 * ratio at equal server work is reported beside them (it is what the client decides where the
 * server was busy nearly all the time). Without a target, the pair is a control.
 */
async function pair(
  side: Side,
  title: string,
  theirs: [string, Writer],
  ours: [string, Writer],
  count: number,
  target?: number,
  coldSets: readonly ColdStarts[] = [],
): Promise<void> {
  const rounds: Pairing[] = [];
  for (let r = 0; r < ROUNDS; r++) rounds.push(await round(side, theirs[1], ours[1], count, r % 2 === 0));
  console.log(`\n  ${title}: ${count} items per round (A B B A halves), ${ROUNDS} rounds, the first ones cold`);
  printRounds(rounds, theirs[0], ours[0]);
  const warm = (measure: Measure) => median(ratios(rounds.slice(2), measure));
  const firstTwo = (measure: Measure) => ratios(rounds.slice(0, 2), measure);
  let cold = { wall: Math.max(...firstTwo(wallOf)), equalServer: Math.max(...firstTwo(wallPerServer)) };
  const coldTexts: string[] = [];
  for (const set of coldSets) {
    const starts = await set.run();
    const startMedians = { wall: median(ratios(starts, wallOf)), equalServer: median(ratios(starts, wallPerServer)) };
    console.log(
      `\n  ${starts.length} pairs of fresh processes, one writer each on its first ${count} items, ` +
        `${set.label}: median wall ratio ` +
        `${ratio(startMedians.wall)}, at equal server work ${ratio(startMedians.equalServer)}`,
    );
    printRounds(starts, theirs[0], ours[0], 'pair of fresh processes');
    coldTexts.push(`${ratio(startMedians.wall)} (${set.label})`);
    if (coldTexts.length === 1) cold = startMedians;
  }
  const firstRounds = `this run's rounds 1–2 ${firstTwo(wallOf).map(ratio).join(', ')}`;
  const coldText = coldTexts.length > 0 ? `fresh starts ${coldTexts.join(', ')}; ${firstRounds}` : firstRounds;
  console.log(
    `    ${ours[0]} / ${theirs[0]}, medians: wall cold ${coldText}; warm ${ratio(warm(wallOf))}; ` +
      `client CPU ${ratio(median(ratios(rounds, cpuOf)))}; server CPU per item ${ratio(warm(serverOf))} warm; ` +
      `wall at equal server work: cold ${ratio(cold.equalServer)}, warm ${ratio(warm(wallPerServer))}`,
  );
  if (target === undefined) return;
  const met = Math.max(cold.wall, warm(wallOf)) <= target;
  console.log(`    target wall ≤ ${ratio(target)}, cold and warm: ${met ? 'met' : 'MISSED'}`);
}

function printRounds(rounds: Pairing[], theirs: string, ours: string, label = 'round'): void {
  const line = (name: string, values: number[], digits: number) =>
    console.log(`    ${name.padEnd(40)}${row(values, digits)}`);
  /** One line for each writer, then their ratio if named. */
  const measured = (unit: string, measure: Measure, digits: number, ratioName?: string) => {
    line(
      `${theirs} ${unit}`,
      rounds.map((r) => measure(r.theirs)),
      digits,
    );
    line(
      `${ours} ${unit}`,
      rounds.map((r) => measure(r.ours)),
      digits,
    );
    if (ratioName) line(ratioName, ratios(rounds, measure), 2);
  };
  console.log(`    ${label.padEnd(40)}${rounds.map((_, i) => String(i + 1).padStart(7)).join('')}`);
  measured('wall µs/item', wallOf, 0, 'wall ratio');
  measured('CPU µs/item', cpuOf, 1, 'client CPU ratio');
  // Its ratio is the inverse of the ratio at equal server work, printed below.
  measured('server busy %', (t) => (100 * t.server) / t.wall, 1);
  measured('server JIT µs/item', (t) => t.jit, 1);
  line('server CPU per item ratio', ratios(rounds, serverOf), 2);
  line('wall ratio at equal server work', ratios(rounds, wallPerServer), 2);
}

async function benchmarks(
  config: LocalClientConfig,
  serverPid: number | undefined,
  where: string,
  prefix: string,
): Promise<void> {
  const side = sideOf(config, prefix, serverPid);
  const { client, connection } = side;
  const second = new DynamoDBClient(config);
  try {
    console.log(`\n${where}`);
    console.log(`  requests: ${await sameRequests(config, prefix)}`);
    console.log(`  ${await warmServer(side)}`);
    await pair(
      side,
      'Book.batchPut vs hand-written BatchWriteItem loop',
      ['hand loop', handLoop],
      ['Book.batchPut', batchPut],
      N,
      1.0,
      [
        { label: 'all client code cold', run: () => coldStarts(config, serverPid, prefix, N, 0) },
        {
          label: `SDK pre-warmed by ${COLD_SDK_WARMUP} raw writes`,
          run: () => coldStarts(config, serverPid, prefix, N, COLD_SDK_WARMUP),
        },
      ],
    );
    // The noise of these ratios: the same loop on a second client of its own, as ours has.
    const secondLoop: Writer = { takes: 'items', run: (s, items) => handLoop.run({ ...s, client: second }, items) };
    await pair(
      side,
      'control: the hand loop against itself on a second client',
      ['hand loop', handLoop],
      ['hand loop, 2nd client', secondLoop],
      N,
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
    second.destroy();
    await connection.close();
  }
}

/**
 * Warms DynamoDB Local's JVM with raw writes (the hand loop, N / 2 items a run): at least WARMUP,
 * then on until its JIT compiler threads used under QUIET_JIT_SHARE of its CPU over the last
 * QUIET_RUNS runs, or WARMUP_MAX were written. Measured on a Local pinned to one core (runs of
 * 5,000): the compiler took about half of its CPU over the first 50,000 writes, and came back in
 * bursts of up to 45% of a run until ~400,000; from there it used under 1% over any 50,000. The
 * bursts are the same from run to run (the compiler is triggered by counts), so they fell on the
 * same writer's rounds in two runs of the benchmark. Where the server's threads cannot be read,
 * WARMUP only.
 */
async function warmServer(side: Side): Promise<string> {
  const recent: Timing[] = [];
  let items = 0;
  const quiet = (): boolean => {
    if (recent.length < QUIET_RUNS) return false;
    const jit = recent.reduce((sum, run) => sum + run.jit, 0);
    return jit < QUIET_JIT_SHARE * recent.reduce((sum, run) => sum + run.server, 0);
  };
  while (items < WARMUP || (!Number.isNaN(recent.at(-1)?.jit) && !quiet() && items < WARMUP_MAX)) {
    recent.push(await timed(side, handLoop, N / 2));
    if (recent.length > QUIET_RUNS) recent.shift();
    items += N / 2;
  }
  if (Number.isNaN(recent.at(-1)?.jit))
    return `DynamoDB Local warmed by ${items} raw writes (its threads not readable here)`;
  const until = `its JIT compiler under ${QUIET_JIT_SHARE * 100}% of its CPU over ${QUIET_RUNS * (N / 2)} writes`;
  return quiet()
    ? `DynamoDB Local warmed by ${items} raw writes, until ${until}`
    : `DynamoDB Local warmed by ${items} raw writes, the most allowed: NOT reached ${until}`;
}

/**
 * Whether `Book.batchPut` sends DynamoDB Local exactly what the hand loop sends for the same books:
 * the body of every `BatchWriteItem` request, as its client wrote it (the executor's own client
 * writes bodies with `JSON.stringify`, the hand loop's default client with the SDK's serializer),
 * byte for byte. Then DynamoDB Local has the same work from both writers, and any difference in its
 * CPU per item between their runs is its own drift.
 */
async function sameRequests(config: LocalClientConfig, prefix: string): Promise<string> {
  const ours: string[] = [];
  const theirs: string[] = [];
  const connection = createConnection({
    ...config,
    prefix: `${prefix}same_`,
    wrap: (executor) => {
      if (!(executor instanceof DynamoExecutor)) throw new Error('expected the connection to make a DynamoExecutor');
      recordBodies(executor.client, ours);
      return executor;
    },
  });
  const client = new DynamoDBClient(config);
  recordBodies(client, theirs);
  try {
    await connection.syncTables([Book]);
    const side: Side = { client, connection, table: connection.tableName(Book.schema()), serverPid: undefined };
    const books = attributes(1_000);
    const report = await Book.using(connection).batchPut(books, { concurrency: 8 });
    if (report.written !== books.length) throw new Error(`batchPut wrote ${report.written} of ${books.length}`);
    await handLoop.run(side, marshalled(books));
    ours.sort();
    theirs.sort();
    const same = ours.length === theirs.length && ours.every((body, i) => body === theirs[i]);
    await connection.dropTables([Book]);
    return same
      ? `Book.batchPut's ${ours.length} BatchWriteItem request bodies for 1,000 books are the hand loop's, byte for byte`
      : `Book.batchPut's request bodies DIFFER from the hand loop's (${ours.length} against ${theirs.length}); first: ` +
          `${ours.find((body, i) => body !== theirs[i])?.slice(0, 300) ?? ''}`;
  } finally {
    client.destroy();
    await connection.close();
  }
}

/** Records the body of every `BatchWriteItem` request `client` sends, as its protocol wrote it. */
function recordBodies(client: DynamoDBClient, bodies: string[]): void {
  const record: BuildMiddleware<ServiceInputTypes, ServiceOutputTypes> = (next, context) => (args) => {
    const body = (args.request as HttpRequest).body as unknown;
    // The SDK's body is a Uint8Array that warns when used as a string: its bytes are decoded instead.
    if (context.commandName === 'BatchWriteItemCommand')
      bodies.push(typeof body === 'string' ? body : new TextDecoder().decode(body as Uint8Array));
    return next(args);
  };
  client.middlewareStack.add(record, { step: 'build', name: 'benchRecordBody' });
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
      `\nBulk writes on DynamoDB Local at ${db.endpoint} (its JVM warmed by raw SDK writes; ` +
        `the model's code cold); ${pinning}`,
    );
    await benchmarks(db.clientConfig, db.pid, 'direct to DynamoDB Local', 'bulk_');
    await benchmarks(
      { ...db.clientConfig, endpoint: proxy.endpoint },
      db.pid,
      'through a 5 ms-per-direction latency proxy',
      'bulkp_',
    );
  } finally {
    proxy.close();
    await db.stop();
  }
}
