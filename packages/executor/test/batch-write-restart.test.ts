import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DynamoDBClient, ScanCommand, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { startLocalDynamo, type LocalDynamo } from '@dynamodel/local';
import { DynamoExecutor, OutcomeUnknownError, batchWrite, type BatchWriteFailure } from '../src';

// Kill DynamoDB Local (SIGKILL) in the middle of a batchWrite and start it again on the same port and
// database: every item reported written is stored, every plain failure is not, and the items whose
// answer was lost are reported OutcomeUnknownError, never as plain failures (issue: batch reports
// must be precise about outcome-unknown items).

const TABLE = 'restart_items';
const COUNT = 3_000;
let dbPath: string;
let first: LocalDynamo;
let second: LocalDynamo | undefined;

beforeAll(async () => {
  dbPath = mkdtempSync(join(tmpdir(), 'dynamodel-restart-'));
  first = await startLocalDynamo({ dbPath });
  const client = new DynamoDBClient(first.clientConfig);
  await client.send(
    new CreateTableCommand({
      TableName: TABLE,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    }),
  );
  client.destroy();
}, 120_000);

afterAll(async () => {
  await first.stop();
  await second?.stop();
  rmSync(dbPath, { recursive: true, force: true });
});

it('a Local killed and restarted mid-batch: written items are stored, plain failures are not, lost answers are OutcomeUnknownError', async () => {
  const executor = new DynamoExecutor({ ...first.clientConfig, maxAttempts: 2 });
  const requests: WriteRequest[] = Array.from({ length: COUNT }, (_, i) => ({
    PutRequest: { Item: { pk: { S: `k${i}` }, payload: { S: 'x'.repeat(2_000) } } },
  }));
  let restarted: Promise<LocalDynamo> | undefined;
  const failures: BatchWriteFailure[] = [];
  const report = await batchWrite(executor, TABLE, requests, {
    keyAttributes: ['pk'],
    concurrency: 8,
    maxAttempts: 3,
    backoff: { baseMs: 20, maxMs: 100 },
    onFailure: (failure) => failures.push(failure),
    onProgress: ({ written }) => {
      if (written >= 500 && !restarted) {
        process.kill(first.pid, 'SIGKILL'); // mid-flight: other calls are on the wire right now
        restarted = new Promise((resolve) => setTimeout(resolve, 500)).then(() =>
          startLocalDynamo({ port: first.port, dbPath }),
        );
      }
    },
  });
  executor.destroy();
  expect(restarted).toBeDefined();
  second = await restarted;

  const client = new DynamoDBClient(second?.clientConfig ?? first.clientConfig);
  const stored = new Set<string>();
  let start: Record<string, never> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: TABLE, ExclusiveStartKey: start }));
    for (const item of page.Items ?? []) stored.add(item.pk?.S ?? '');
    start = page.LastEvaluatedKey as typeof start;
  } while (start);
  client.destroy();

  expect(report.written + report.failed + report.notAttempted).toBe(COUNT);
  expect(failures).toHaveLength(report.failed);
  const failedKeys = new Set(failures.map((failure) => failure.key?.pk?.S ?? ''));
  const unknown = failures.filter((failure) => failure.reason instanceof OutcomeUnknownError);
  const plain = failures.filter((failure) => !(failure.reason instanceof OutcomeUnknownError));
  expect(unknown.length).toBe(report.outcomeUnknown);
  expect(unknown.length).toBeGreaterThan(0); // calls were in flight when the process died
  expect(plain.length).toBeGreaterThan(0); // calls sent while it was down were refused

  // Written items are stored; items never applied are not; only unknown ones may be either.
  for (let i = 0; i < COUNT; i++) {
    const key = `k${i}`;
    if (!failedKeys.has(key)) expect(stored.has(key)).toBe(true);
  }
  for (const failure of plain) expect(stored.has(failure.key?.pk?.S ?? '')).toBe(false);
  // Whether any of the unknown ones landed depends on how far the killed JVM had got with the calls
  // in flight (most runs store some, a run on 2026-11-26 stored none), so it is not asserted: what
  // is, above, is that a failed item found stored is always one reported OutcomeUnknownError.
}, 180_000);
