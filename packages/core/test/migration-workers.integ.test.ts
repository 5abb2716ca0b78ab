import 'reflect-metadata';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import {
  BatchWriteItemCommand,
  DynamoDBClient,
  QueryCommand,
  ScanCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { localTestConfig, uniqueTablePrefix } from '@dynamodel/local/jest';
import { createConnection, migrator, type Connection, type MigrationProgress, type MigrationReport } from '../src';
import { Person, personItem, splitName } from './support/migration-models';

// Issue 27 §3: a migration survives its workers. Worker processes (test/support/migration-worker.ts,
// run by tsx) are killed with SIGKILL mid-run; the run is resumed from its checkpoints, or the
// segments of the dead worker taken over by the living, and every one of 20,000 items ends up
// migrated exactly once (migration 2 adds 1 to `n`: twice would show).

type Stored = Record<string, AttributeValue>;
const config = localTestConfig();
const raw = new DynamoDBClient(config);
const COUNT = 20_000;
const LEASE_MS = 2_000;
let prefix: string;
let connection: Connection;

interface Worker {
  readonly child: ChildProcess;
  /** The last progress event it printed. */
  progress: MigrationProgress | undefined;
  reports: MigrationReport[] | undefined;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

function startWorker(
  workerId: string,
  segments: number,
  parallel: number,
  onProgress?: (worker: Worker) => void,
): Worker {
  const job = { config, prefix, workerId, segments, parallel, leaseMs: LEASE_MS, pageSize: 200 };
  // `--import tsx` rather than tsx's CLI, which runs the script in a second process that a SIGKILL
  // of the first would leave running.
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(__dirname, 'support', 'migration-worker.ts'), JSON.stringify(job)],
    {
      cwd: join(__dirname, '..'),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const worker: Worker = {
    child,
    progress: undefined,
    reports: undefined,
    exited: new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stderr }))),
  };
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    const message = JSON.parse(line) as { progress?: MigrationProgress; reports?: MigrationReport[] };
    if (message.progress) {
      worker.progress = message.progress;
      onProgress?.(worker);
    }
    if (message.reports) worker.reports = message.reports;
  });
  return worker;
}

async function load(): Promise<void> {
  const items = Array.from({ length: COUNT }, (_, i) => personItem(i));
  const tableName = `${prefix}migrated_people`;
  const batches: Stored[][] = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let batch = batches.pop(); batch; batch = batches.pop()) {
        let pending: Record<string, { PutRequest: { Item: Stored } }[]> | undefined = {
          [tableName]: batch.map((Item) => ({ PutRequest: { Item } })),
        };
        while (pending && Object.keys(pending).length > 0) {
          pending = (await raw.send(new BatchWriteItemCommand({ RequestItems: pending })))
            .UnprocessedItems as typeof pending;
        }
      }
    }),
  );
}

/** Every item's check: migrated exactly once (`n` is its number plus one, never two), or not at all. */
async function census(): Promise<{ migrated: number; untouched: number; wrong: string[] }> {
  const result = { migrated: 0, untouched: 0, wrong: [] as string[] };
  let start: Stored | undefined;
  do {
    const page = await raw.send(
      new ScanCommand({
        TableName: `${prefix}migrated_people`,
        ConsistentRead: true,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    for (const item of page.Items ?? []) {
      const i = Number(item.id?.S?.slice(1));
      if (item._v?.N === '2' && item.n?.N === String(i + 1) && item.first?.S === `First${i}` && !item.name)
        result.migrated++;
      else if (!item._v && item.n?.N === String(i) && item.name?.S === `First${i} Last${i}`) result.untouched++;
      else result.wrong.push(JSON.stringify(item));
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return result;
}

/**
 * The census once the table stops changing: writes the killed worker had sent are still carried
 * out by DynamoDB Local after the process is gone (a run counted 2 of them after an early census).
 */
async function settledCensus(): Promise<Awaited<ReturnType<typeof census>>> {
  let previous = await census();
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const current = await census();
    if (JSON.stringify(current) === JSON.stringify(previous)) return current;
    previous = current;
  }
}

beforeEach(async () => {
  prefix = uniqueTablePrefix('migration_workers');
  connection = createConnection({ ...config, prefix });
  await connection.syncTables([Person]);
  await load();
}, 120_000);
afterEach(async () => {
  await connection.close();
});
afterAll(() => raw.destroy());

test('a worker killed with SIGKILL at about half is resumed from its checkpoints: every item migrated exactly once', async () => {
  const worker = startWorker('first', 8, 4, (w) => {
    if ((w.progress?.scanned ?? 0) >= COUNT / 2) w.child.kill('SIGKILL');
  });
  const exit = await worker.exited;
  expect(exit.signal).toBe('SIGKILL');
  const midway = await settledCensus();
  expect(midway.wrong).toEqual([]);
  expect(midway.migrated).toBeGreaterThan(COUNT / 4);
  expect(midway.untouched).toBeGreaterThan(COUNT / 10);
  const migrations = migrator(Person, [splitName], { connection });
  expect((await migrations.status())[0]?.state).toBe('running');

  // The next apply joins the run: it waits out the dead worker's leases and goes on from each segment's checkpoint.
  const [report] = await migrations.apply({ leaseMs: LEASE_MS, workerId: 'second', parallel: 4 });
  expect(report?.state).toBe('applied');
  expect(report?.counts.scanned).toBe(COUNT);
  expect((report?.counts.migrated ?? 0) + (report?.counts.notDue ?? 0)).toBe(COUNT);
  expect(report?.worker.migrated).toBe(midway.untouched);
  const after = await census();
  expect(after).toEqual({ migrated: COUNT, untouched: 0, wrong: [] });
}, 300_000);

test('three workers share a run; one is killed and its segments are taken over by the others, no item done twice', async () => {
  let killed = false;
  const workers = ['a', 'b', 'c'].map((id) =>
    startWorker(id, 12, 2, (w) => {
      // Kill b once it is inside its segments (a page done, more to go).
      if (id === 'b' && !killed && (w.progress?.scanned ?? 0) >= 1_000) {
        killed = true;
        w.child.kill('SIGKILL');
      }
    }),
  );
  const exits = await Promise.all(workers.map((w) => w.exited));
  expect(exits.map((e) => e.signal ?? e.code)).toEqual([0, 'SIGKILL', 0]);
  expect(exits[0]?.stderr).toBe('');
  const [a, , c] = workers;
  for (const survivor of [a, c]) {
    expect(survivor?.reports?.[0]).toMatchObject({ version: 2, state: 'applied', direction: 'up' });
    expect(survivor?.reports?.[0]?.counts.scanned).toBe(COUNT);
  }
  const own = (w: Worker | undefined) => w?.reports?.[0]?.worker.migrated ?? 0;
  expect(own(a)).toBeGreaterThan(0);
  expect(own(c)).toBeGreaterThan(0);
  expect(await census()).toEqual({ migrated: COUNT, untouched: 0, wrong: [] });

  // The segment records: all done, and some claimed more than once (taken over from b).
  const runs = await raw.send(
    new QueryCommand({
      TableName: `${prefix}dynamodel_migrations`,
      KeyConditionExpression: 'id = :id AND begins_with(sk, :run)',
      ExpressionAttributeValues: { ':id': { S: `${prefix}migrated_people#Person` }, ':run': { S: 'run#' } },
    }),
  );
  const segments = runs.Items ?? [];
  expect(segments).toHaveLength(12);
  expect(segments.every((s) => s.done?.BOOL === true)).toBe(true);
  expect(segments.some((s) => Number(s.fence?.N) >= 2)).toBe(true);
  expect(new Set(segments.map((s) => s.owner?.S))).not.toContain('b');
}, 300_000);
