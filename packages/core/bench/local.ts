// The model API against the raw SDK on one DynamoDB Local, in one process: Tweet.get, Tweet.update,
// Tweet.query(...).all() and Tweet.scan().all(), each against the SDK call a careful user writes by
// hand (paging by hand, unmarshall, building the same Tweet instances). Rounds alternate their order,
// and each round's two runs are neighbours in time, so the median of per-round ratios cancels most of
// the machine's drift.
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import {
  DynamoDBClient,
  GetItemCommand,
  QueryCommand,
  ScanCommand,
  UpdateItemCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { createConnection } from '@dynamodel/core';
import { startLocalDynamo } from '@dynamodel/local';
import { Tweet } from './tweet';

// Point operations run in many short rounds: the client's CPU per call drifts by up to 30% within
// seconds here (the host's load), so short neighbouring rounds pair up better than long ones.
const OPERATIONS = Number(process.env.BENCH_GETS ?? 1_000);
const POINT_ROUNDS = Number(process.env.BENCH_POINT_ROUNDS ?? 41);
const READ_ITEMS = Number(process.env.BENCH_READ_ITEMS ?? 10_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 11);
const CONCURRENCY = 16;

/** DynamoDB Local on the last core, this process on the others (as the executor benchmark does). */
export function pin(javaPid: number): string {
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

interface Run {
  /** Wall time per unit of work, µs. */
  readonly wall: number;
  /** This process's CPU time (user + system) per unit, µs: the client-side cost a mapper adds to. */
  readonly cpu: number;
}

async function measure(units: number, work: () => Promise<void>): Promise<Run> {
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await work();
  const wall = ((performance.now() - started) * 1000) / units;
  const cpu = process.cpuUsage(cpuBefore);
  return { wall, cpu: (cpu.user + cpu.system) / units };
}

/** `count` calls of `call` with `CONCURRENCY` in flight. */
async function concurrently(count: number, call: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) await call(next++);
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

/** Runs raw and ours in alternating order for `rounds` rounds after a warm-up, and prints the comparison. */
async function compare(
  title: string,
  unit: string,
  units: number,
  target: number,
  raw: [string, () => Promise<void>],
  ours: [string, () => Promise<void>],
  rounds = ROUNDS,
): Promise<void> {
  await raw[1]();
  await ours[1]();
  const runs = { raw: [] as Run[], ours: [] as Run[] };
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? (['raw', 'ours'] as const) : (['ours', 'raw'] as const);
    for (const side of order) runs[side].push(await measure(units, side === 'raw' ? raw[1] : ours[1]));
  }
  const of = (side: 'raw' | 'ours', key: keyof Run) => median(runs[side].map((run) => run[key]));
  const paired = (key: keyof Run) => median(runs.raw.map((run, i) => (runs.ours[i]?.[key] ?? NaN) / run[key]));
  const percent = (ratio: number) => `${ratio >= 1 ? '+' : ''}${((ratio - 1) * 100).toFixed(1)}%`;
  console.log(`\n${title}`);
  console.log(`  (medians of ${rounds} rounds, alternating)      wall µs/${unit}   client CPU µs/${unit}`);
  for (const [side, [name]] of [
    ['raw', raw],
    ['ours', ours],
  ] as const) {
    console.log(
      `  ${name.padEnd(42)} ${of(side, 'wall').toFixed(1).padStart(12)} ${of(side, 'cpu').toFixed(1).padStart(18)}`,
    );
  }
  const wall = paired('wall');
  console.log(
    `  ${ours[0]} vs ${raw[0]}: ${percent(wall)} wall, ${percent(paired('cpu'))} client CPU (median of per-round ratios); ` +
      `target within ${(target * 100).toFixed(0)}% of the raw SDK: ${wall <= 1 + target ? 'met' : 'MISSED'}`,
  );
}

/** A Tweet from an item, the way a careful hand-written loop builds one. */
function rawTweet(item: Record<string, AttributeValue>): Tweet {
  const plain = unmarshall(item);
  return Object.assign(Object.create(Tweet.prototype) as Tweet, plain, { created: new Date(plain.created as string) });
}

export async function localBenchmarks(): Promise<void> {
  const db = await startLocalDynamo();
  console.log(`\nThe model API vs the raw SDK on one DynamoDB Local at ${db.endpoint}; ${pin(db.pid)}`);
  const connection = createConnection({ ...db.clientConfig, prefix: 'bench_' });
  const client = new DynamoDBClient(db.clientConfig);
  try {
    await connection.syncTables([Tweet]);
    const tweets = Tweet.using(connection);
    const table = connection.tableName(Tweet.schema());
    const ids: string[] = [];
    await concurrently(READ_ITEMS, async (i) => {
      const created = await tweets.create({ author: 'ana', text: `tweet number ${i} about #dynamodb`, likes: i % 50 });
      ids.push(created.tweetId);
    });

    await compare(
      `Tweet.get vs GetItemCommand + unmarshall: ${OPERATIONS} gets, ${CONCURRENCY} in flight`,
      'get',
      OPERATIONS,
      0.05,
      [
        'GetItemCommand + unmarshall',
        () =>
          concurrently(OPERATIONS, async (i) => {
            const output = await client.send(
              new GetItemCommand({ TableName: table, Key: { tweetId: { S: ids[i % ids.length] as string } } }),
            );
            if (!output.Item) throw new Error('benchmark item missing');
            rawTweet(output.Item);
          }),
      ],
      [
        'Tweet.get',
        () =>
          concurrently(OPERATIONS, async (i) => {
            if (!(await tweets.get(ids[i % ids.length] as string))) throw new Error('benchmark item missing');
          }),
      ],
      POINT_ROUNDS,
    );

    await compare(
      `Tweet.update vs UpdateItemCommand (ALL_NEW) + unmarshall: ${OPERATIONS} updates, ${CONCURRENCY} in flight`,
      'update',
      OPERATIONS,
      0.05,
      [
        'UpdateItemCommand + unmarshall',
        () =>
          concurrently(OPERATIONS, async (i) => {
            const output = await client.send(
              new UpdateItemCommand({
                TableName: table,
                Key: { tweetId: { S: ids[i % ids.length] as string } },
                UpdateExpression: 'SET #text = :text, #likes = if_not_exists(#likes, :zero) + :one',
                ConditionExpression: 'attribute_exists(#id)',
                ExpressionAttributeNames: { '#text': 'text', '#likes': 'likes', '#id': 'tweetId' },
                ExpressionAttributeValues: { ':text': { S: `edited ${i}` }, ':zero': { N: '0' }, ':one': { N: '1' } },
                ReturnValues: 'ALL_NEW',
              }),
            );
            rawTweet(output.Attributes ?? {});
          }),
      ],
      [
        'Tweet.update',
        () =>
          concurrently(OPERATIONS, async (i) => {
            await tweets.update(ids[i % ids.length] as string, (u) => u.set('text', `edited ${i}`).increment('likes'));
          }),
      ],
      POINT_ROUNDS,
    );

    const readAll = async (
      command: (start: Record<string, AttributeValue> | undefined) => QueryCommand | ScanCommand,
    ) => {
      const found: Tweet[] = [];
      let start: Record<string, AttributeValue> | undefined;
      do {
        const output = await client.send(command(start));
        for (const item of output.Items ?? []) found.push(rawTweet(item));
        start = output.LastEvaluatedKey;
      } while (start);
      if (found.length !== READ_ITEMS) throw new Error(`read ${found.length} items, expected ${READ_ITEMS}`);
    };
    const expectAll = (found: unknown[]) => {
      if (found.length !== READ_ITEMS) throw new Error(`read ${found.length} items, expected ${READ_ITEMS}`);
    };
    await compare(
      `Tweet.query(...).all() vs QueryCommand paged by hand + unmarshall: ${READ_ITEMS} items through the byAuthor index`,
      'item',
      READ_ITEMS,
      0.1,
      [
        'QueryCommand pages + unmarshall',
        () =>
          readAll(
            (start) =>
              new QueryCommand({
                TableName: table,
                IndexName: 'byAuthor',
                KeyConditionExpression: '#a = :a',
                ExpressionAttributeNames: { '#a': 'author' },
                ExpressionAttributeValues: { ':a': { S: 'ana' } },
                ...(start ? { ExclusiveStartKey: start } : {}),
              }),
          ),
      ],
      ['Tweet.query(...).all()', async () => expectAll(await tweets.query({ index: 'byAuthor', key: 'ana' }).all())],
    );

    await compare(
      `Tweet.scan().all() vs ScanCommand paged by hand + unmarshall: ${READ_ITEMS} items`,
      'item',
      READ_ITEMS,
      0.1,
      [
        'ScanCommand pages + unmarshall',
        () => readAll((start) => new ScanCommand({ TableName: table, ...(start ? { ExclusiveStartKey: start } : {}) })),
      ],
      ['Tweet.scan().all()', async () => expectAll(await tweets.scan().all())],
    );
  } finally {
    client.destroy();
    await connection.close();
    await db.stop();
  }
}
