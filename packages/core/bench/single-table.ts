// Single-table design (issue 26): a collection query of 5,000 items of three entities against the
// raw SDK paging by hand with unmarshall and a hand-written dispatch on the entity attribute, on one
// DynamoDB Local; and 100,000 stream records decoded into typed changes against `unmarshall` of
// their images alone. Each comparison runs a control beside it (the baseline against itself, in the
// same alternating rounds), whose spread says how far apart two runs of one thing land here.
import { DynamoDBClient, QueryCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { createConnection, defineCollection } from '@dynamodel/core';
import { startLocalDynamo } from '@dynamodel/local';
import { pin } from './local';
import { Address, Customer, Purchase } from './shop';

const COLLECTION_ITEMS = Number(process.env.BENCH_COLLECTION_ITEMS ?? 5_000);
const STREAM_RECORDS = Number(process.env.BENCH_STREAM_RECORDS ?? 100_000);
const PROCESSES = Number(process.env.BENCH_STREAM_PROCESSES ?? 4);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 11);

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

async function time(work: () => unknown): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

/**
 * `rounds` rounds of baseline, ours and the baseline again (the control), in rotating order; the
 * median of per-round ratios ours ÷ baseline and control ÷ baseline.
 */
async function compare(
  title: string,
  target: number,
  baseline: [string, () => unknown],
  ours: [string, () => unknown],
): Promise<void> {
  await baseline[1]();
  await ours[1]();
  const runs = { baseline: [] as number[], ours: [] as number[], control: [] as number[] };
  const sides = ['baseline', 'ours', 'control'] as const;
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < sides.length; i++) {
      const side = sides[(i + round) % sides.length] as (typeof sides)[number];
      runs[side].push(await time(side === 'ours' ? ours[1] : baseline[1]));
    }
  }
  const ratio = (side: 'ours' | 'control') =>
    median(runs.baseline.map((base, round) => (runs[side][round] ?? NaN) / base));
  const ourRatio = ratio('ours');
  const control = ratio('control');
  const spread = Math.max(control, 1 / control);
  console.log(`\n${title}`);
  console.log(`  (medians of ${ROUNDS} rounds, rotating order)            ms per run`);
  console.log(`  ${baseline[0].padEnd(52)} ${median(runs.baseline).toFixed(1).padStart(10)}`);
  console.log(`  ${ours[0].padEnd(52)} ${median(runs.ours).toFixed(1).padStart(10)}`);
  console.log(`  ${`${baseline[0]} again (control)`.padEnd(52)} ${median(runs.control).toFixed(1).padStart(10)}`);
  const verdict =
    ourRatio <= target ? 'met' : ourRatio <= target * spread ? "met within the control's spread" : 'MISSED';
  console.log(
    `  ours ÷ baseline ${ourRatio.toFixed(2)}× (control ${control.toFixed(2)}×); target ≤ ${target.toFixed(2)}×: ${verdict}`,
  );
}

/** The hand-written dispatch a careful user writes: unmarshall, then the class by the entity attribute. */
function rawInstance(item: Record<string, AttributeValue>): Customer | Purchase | Address {
  const plain = unmarshall(item);
  switch (plain._et) {
    case 'Customer':
      return Object.assign(Object.create(Customer.prototype) as Customer, plain, {
        joined: new Date(plain.joined as string),
      });
    case 'Purchase':
      return Object.assign(Object.create(Purchase.prototype) as Purchase, plain, {
        placed: new Date(plain.placed as string),
      });
    case 'Address':
      return Object.assign(Object.create(Address.prototype) as Address, plain);
    default:
      throw new Error(`unknown entity ${String(plain._et)}`);
  }
}

async function collectionQuery(): Promise<void> {
  const db = await startLocalDynamo();
  console.log(`\nSingle-table reads on one DynamoDB Local at ${db.endpoint}; ${pin(db.pid)}`);
  const connection = createConnection({ ...db.clientConfig, prefix: 'bench_' });
  const client = new DynamoDBClient(db.clientConfig);
  try {
    await connection.syncTables([Customer]);
    const table = connection.tableName(Customer.schema());
    await Customer.using(connection).put({
      customerId: 'c1',
      name: 'Ana Lima',
      email: 'ana@example.com',
      joined: new Date(),
    });
    const purchases = Math.floor((COLLECTION_ITEMS - 1) * 0.6);
    await Purchase.using(connection).batchPut(
      Array.from({ length: purchases }, (_, i) => ({
        customerId: 'c1',
        purchaseId: `p${String(i).padStart(6, '0')}`,
        placed: new Date(Date.UTC(2026, 0, 1) + i * 60_000),
        total: (i % 500) + 0.5,
        status: i % 3 === 0 ? 'shipped' : 'open',
      })),
    );
    await Address.using(connection).batchPut(
      Array.from({ length: COLLECTION_ITEMS - 1 - purchases }, (_, i) => ({
        customerId: 'c1',
        addressId: `a${String(i).padStart(6, '0')}`,
        street: `${i} Rua Augusta`,
        city: 'Lisboa',
        postcode: '1100-053',
      })),
    );
    const collection = defineCollection({ customers: Customer, purchases: Purchase, addresses: Address }).using(
      connection,
    );
    const check = (count: number) => {
      if (count !== COLLECTION_ITEMS) throw new Error(`read ${count} items, expected ${COLLECTION_ITEMS}`);
    };
    await compare(
      `A collection query of ${COLLECTION_ITEMS.toLocaleString('en')} items of three entities vs QueryCommand paged by hand + unmarshall + a switch on _et`,
      1.1,
      [
        'QueryCommand pages + unmarshall + dispatch',
        async () => {
          let count = 0;
          let start: Record<string, AttributeValue> | undefined;
          do {
            const output = await client.send(
              new QueryCommand({
                TableName: table,
                KeyConditionExpression: '#pk = :pk',
                ExpressionAttributeNames: { '#pk': 'pk' },
                ExpressionAttributeValues: { ':pk': { S: 'CUSTOMER#c1' } },
                ...(start ? { ExclusiveStartKey: start } : {}),
              }),
            );
            for (const item of output.Items ?? []) {
              rawInstance(item);
              count++;
            }
            start = output.LastEvaluatedKey;
          } while (start);
          check(count);
        },
      ],
      [
        'collection.query({ customerId }).all()',
        async () => check((await collection.query({ customerId: 'c1' }).all()).length),
      ],
    );
  } finally {
    client.destroy();
    await connection.close();
    await db.stop();
  }
}

/**
 * Stream records decoded per second: Dynamodel's decoder (every image an instance of its class)
 * against `unmarshall` of the images alone, and `unmarshall` again as the control. Each runs in
 * PROCESSES fresh processes, interleaved, each pinned to one core in turn (as the codec benchmark
 * runs, bench/run.ts); the fastest process of each is compared.
 */
function streamDecoding(): void {
  const decoders = ['unmarshall', 'dynamodel', 'unmarshall'] as const;
  const results: { best: number; median: number }[][] = decoders.map(() => []);
  const cores = availableParallelism();
  const pinned =
    process.env.BENCH_PIN !== '0' && cores > 1 && spawnSync('taskset', ['-V'], { stdio: 'ignore' }).status === 0;
  for (let run = 0; run < PROCESSES; run++) {
    decoders.forEach((decoder, index) => {
      const worker = [
        process.execPath,
        '-r',
        'ts-node/register/transpile-only',
        join(__dirname, 'stream-worker.ts'),
        decoder,
      ];
      const [command, ...args] = pinned ? ['taskset', '-c', String((run + index) % cores), ...worker] : worker;
      const child = spawnSync(command as string, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
      if (child.status !== 0) throw new Error(`stream worker ${decoder} exited with ${child.status}`);
      results[index]?.push(
        JSON.parse(child.stdout.trim().split('\n').pop() ?? '{}') as { best: number; median: number },
      );
    });
  }
  const fastest = (index: number, which: 'best' | 'median') => Math.max(...(results[index] ?? []).map((r) => r[which]));
  console.log(
    `\nDecoding ${STREAM_RECORDS.toLocaleString('en')} stream records (a third each insert, modify with both images, remove); ` +
      `${PROCESSES} fresh processes each, interleaved${pinned ? ', pinned' : ''}; records/s of the fastest process`,
  );
  const names = [
    'unmarshall of the images alone',
    'streamDecoder(shop).decode → Purchase instances',
    'unmarshall again (control)',
  ];
  for (const which of ['best', 'median'] as const) {
    const [sdk, ours, control] = [0, 1, 2].map((index) => fastest(index, which)) as [number, number, number];
    console.log(
      `  ${which} rounds: ${names.map((name, i) => `${name} ${Math.round([sdk, ours, control][i] as number).toLocaleString('en')}`).join('; ')}`,
    );
    const ratio = sdk / ours;
    const controlRatio = sdk / control;
    const spread = Math.max(controlRatio, 1 / controlRatio);
    const verdict = ratio <= 1 ? 'met' : ratio <= spread ? "met within the control's spread" : 'MISSED';
    console.log(
      `    time per record, ours ÷ unmarshall: ${ratio.toFixed(2)}× (control ${controlRatio.toFixed(2)}×); target ≤ 1.00×: ${verdict}`,
    );
  }
}

/** BENCH_SINGLE_TABLE=collection or stream runs one of the two; by default both run. */
export async function singleTableBenchmarks(): Promise<void> {
  const which = process.env.BENCH_SINGLE_TABLE;
  if (which === undefined || which === 'collection') await collectionQuery();
  if (which === undefined || which === 'stream') streamDecoding();
}
