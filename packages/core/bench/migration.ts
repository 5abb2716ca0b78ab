// Versioned migrations (issue 27 §3): a migration of 100,000 items through `migrator(...).apply()`
// with batch writes and no rate limit, against the pipeline a careful user writes by hand for the
// same job — a parallel scan whose pages are transformed and written back with BatchWriteItem,
// unprocessed items re-sent — on one DynamoDB Local. Each run migrates its own copy of the items
// (a migrated table has nothing left to migrate); the hand-written pipeline runs once before ours
// and once after (the control), so drift of DynamoDB Local over the runs shows as the control's spread.
import {
  BatchWriteItemCommand,
  DynamoDBClient,
  ScanCommand,
  type AttributeValue,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { HashKey, Model, Table, createConnection, defineMigration, migrator } from '@dynamodel/core';
import { startLocalDynamo } from '@dynamodel/local';
import { pin } from './local';

const ITEMS = Number(process.env.BENCH_MIGRATION_ITEMS ?? 100_000);
const SEGMENTS = 8;
/** BatchWriteItem calls in flight per segment, on both sides. */
const WRITES_IN_FLIGHT = 4;

type Stored = Record<string, AttributeValue>;
type Side = 'warmup1' | 'warmup2' | 'baseline' | 'ours' | 'control' | 'conditional';
/** The conditional-write run is for information (no target); BENCH_MIGRATION_CONDITIONAL=0 leaves it out. */
const CONDITIONAL = process.env.BENCH_MIGRATION_CONDITIONAL !== '0';

/** The transform both sides run: split the name, count the migration. */
function splitName(item: Record<string, unknown>): Record<string, unknown> {
  const { name, ...rest } = item;
  const [first, last] = String(name).split(' ');
  return { ...rest, first, last, n: Number(item.n) + 1 };
}

const migration = defineMigration({ version: 2, description: 'split name', up: splitName });

function person(i: number): Stored {
  return {
    id: { S: `p${String(i).padStart(7, '0')}` },
    name: { S: `First${i} Last${i}` },
    n: { N: String(i) },
    email: { S: `person${i}@example.com` },
    joined: { S: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString() },
  };
}

/** BatchWriteItem of `requests`, `WRITES_IN_FLIGHT` calls at a time, unprocessed items re-sent. */
async function writeAll(client: DynamoDBClient, table: string, requests: WriteRequest[]): Promise<void> {
  const chunks: WriteRequest[][] = [];
  for (let i = 0; i < requests.length; i += 25) chunks.push(requests.slice(i, i + 25));
  await Promise.all(
    Array.from({ length: WRITES_IN_FLIGHT }, async () => {
      for (let chunk = chunks.shift(); chunk; chunk = chunks.shift()) {
        let pending: Record<string, WriteRequest[]> | undefined = { [table]: chunk };
        for (let attempt = 0; pending && Object.keys(pending).length > 0; attempt++) {
          if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1_000, 25 * 2 ** attempt)));
          pending = (await client.send(new BatchWriteItemCommand({ RequestItems: pending }))).UnprocessedItems;
        }
      }
    }),
  );
}

async function load(client: DynamoDBClient, table: string, count: number): Promise<void> {
  const requests = Array.from({ length: count }, (_, i) => ({ PutRequest: { Item: person(i) } }));
  const parts = 8;
  const size = Math.ceil(requests.length / parts);
  await Promise.all(
    Array.from({ length: parts }, (_, p) => writeAll(client, table, requests.slice(p * size, (p + 1) * size))),
  );
}

/** The hand-written pipeline: each segment scanned page by page, each page transformed and batch-written. */
async function handWritten(client: DynamoDBClient, table: string): Promise<void> {
  await Promise.all(
    Array.from({ length: SEGMENTS }, async (_, segment) => {
      let start: Stored | undefined;
      do {
        const page = await client.send(
          new ScanCommand({
            TableName: table,
            Segment: segment,
            TotalSegments: SEGMENTS,
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        );
        const requests = (page.Items ?? []).map((item) => ({
          PutRequest: { Item: marshall({ ...splitName(unmarshall(item)), _v: 2 }, { removeUndefinedValues: true }) },
        }));
        await writeAll(client, table, requests);
        start = page.LastEvaluatedKey;
      } while (start);
    }),
  );
}

/** Every item migrated once, as both sides must leave it. */
async function check(client: DynamoDBClient, table: string): Promise<void> {
  let start: Stored | undefined;
  let count = 0;
  do {
    const page = await client.send(
      new ScanCommand({ TableName: table, ...(start ? { ExclusiveStartKey: start } : {}) }),
    );
    for (const item of page.Items ?? []) {
      const i = Number(item.id?.S?.slice(1));
      if (item._v?.N !== '2' || item.n?.N !== String(i + 1) || item.first?.S !== `First${i}` || item.name) {
        throw new Error(`${table}: item ${item.id?.S} not migrated exactly once`);
      }
      count++;
    }
    start = page.LastEvaluatedKey;
  } while (start);
  if (count !== ITEMS) throw new Error(`${table}: ${count} items, expected ${ITEMS}`);
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

export async function migrationBenchmarks(): Promise<void> {
  const db = await startLocalDynamo();
  console.log(
    `\nA migration of ${ITEMS.toLocaleString('en')} items on one DynamoDB Local at ${db.endpoint}; ${pin(db.pid)}`,
  );
  const client = new DynamoDBClient(db.clientConfig);
  const tables: Record<Side, string> = {
    warmup1: '',
    warmup2: '',
    baseline: '',
    ours: '',
    control: '',
    conditional: '',
  };
  try {
    const models = {} as Record<Side, typeof Model>;
    const sides = (Object.keys(tables) as Side[]).filter((side) => CONDITIONAL || side !== 'conditional');
    for (const side of sides) {
      @Table({ name: `bench_migrate_${side}` })
      class Person extends Model {
        @HashKey({ type: String }) id!: string;
      }
      models[side] = Person;
      const connection = createConnection({ ...db.clientConfig });
      await connection.syncTables([Person]);
      tables[side] = connection.tableName(Person.schema());
      await connection.close();
      await load(client, tables[side], side.startsWith('warmup') ? ITEMS / 5 : ITEMS);
    }
    const connection = createConnection({ ...db.clientConfig });
    const ours = (side: Side, write: 'batch' | 'conditional') =>
      migrator(models[side], [migration], { connection }).apply({
        write,
        segments: SEGMENTS,
        parallel: SEGMENTS,
        ...(write === 'batch' ? { concurrency: WRITES_IN_FLIGHT } : {}),
      });
    // Both paths once on a fifth of the items first: DynamoDB Local's JVM runs its first scans and
    // writes slower, which would count against whichever side ran first.
    await handWritten(client, tables.warmup1);
    await ours('warmup2', 'batch');
    const times = {
      baseline: await timed(() => handWritten(client, tables.baseline)),
      ours: await timed(() => ours('ours', 'batch')),
      control: await timed(() => handWritten(client, tables.control)),
      conditional: CONDITIONAL ? await timed(() => ours('conditional', 'conditional')) : Number.NaN,
    };
    await connection.close();
    for (const side of sides) if (!side.startsWith('warmup')) await check(client, tables[side]);
    const rate = (ms: number) => `${Math.round((ITEMS / ms) * 1000).toLocaleString('en')} items/s`;
    console.log(
      `  hand-written parallel scan + BatchWriteItem   ${(times.baseline / 1000).toFixed(1).padStart(6)} s  ${rate(times.baseline)}`,
    );
    console.log(
      `  migrator(...).apply({ write: 'batch' })        ${(times.ours / 1000).toFixed(1).padStart(6)} s  ${rate(times.ours)}`,
    );
    console.log(
      `  hand-written again (control)                  ${(times.control / 1000).toFixed(1).padStart(6)} s  ${rate(times.control)}`,
    );
    if (CONDITIONAL) {
      console.log(
        `  migrator(...).apply() (conditional writes)      ${(times.conditional / 1000).toFixed(1).padStart(6)} s  ${rate(times.conditional)}  (${(times.conditional / times.baseline).toFixed(2)}×; one UpdateItem per item, for information)`,
      );
    }
    const ratio = times.ours / times.baseline;
    const control = times.control / times.baseline;
    const spread = Math.max(control, 1 / control);
    const verdict = ratio <= 1.1 ? 'met' : ratio <= 1.1 * spread ? "met within the control's spread" : 'MISSED';
    console.log(
      `  ours ÷ hand-written ${ratio.toFixed(2)}× (control ${control.toFixed(2)}×); target ≤ 1.10×: ${verdict}`,
    );
    // Ours ran between the two hand-written runs: against their mean, drift over the runs cancels.
    console.log(
      `  ours ÷ mean of the two hand-written runs ${((2 * times.ours) / (times.baseline + times.control)).toFixed(2)}×`,
    );
  } finally {
    client.destroy();
    await db.stop();
  }
}
