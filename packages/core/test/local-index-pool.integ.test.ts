import 'reflect-metadata';
import { DeleteTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ResourceInUseError } from '@dynamodel/executor';
import { startLocalDynamo, type LocalDynamo } from '@dynamodel/local';
import { Attribute, compileModel, createConnection, HashKey, Index, Model, Table, type Connection } from '../src';

// docs/reliability.md §6.1: DynamoDB Local builds indexes on the thread pool its TTL expiry jobs
// hold, one per table with TTL enabled; with 7 of them an index stays CREATING for good. This pins
// the fact (a newer Local that lifts it makes the first expectation fail, and the docs must change)
// and the error that says so. Its own DynamoDB Local: 7 TTL tables would stall every other file's
// index changes on the shared one.

@Table({ name: 'notes' })
class Note extends Model {
  @HashKey() id!: string;
  @Attribute() owner!: string;
}

@Table({ name: 'notes' })
class IndexedNote extends Model {
  @HashKey() id!: string;
  @Index('byOwner', { hash: true }) @Attribute() owner!: string;
}

const ttlTables = Array.from({ length: 7 }, (_, i) => {
  @Table({ name: `expiring_${i}`, ttl: 'expiresAt' })
  class Expiring extends Model {
    @HashKey() id!: string;
    @Attribute({ type: Date, dateFormat: 'epochSeconds', optional: true }) expiresAt?: Date;
  }
  return Expiring;
});

let local: LocalDynamo;
let connection: Connection;
let raw: DynamoDBClient;

beforeAll(async () => {
  local = await startLocalDynamo();
  connection = createConnection({ ...local.clientConfig });
  raw = new DynamoDBClient(local.clientConfig);
}, 120_000);
afterAll(async () => {
  raw?.destroy();
  await connection?.close();
  await local?.stop();
});

it('with 7 TTL tables an index never gets built on DynamoDB Local, the error says why, and deleting one lets it finish', async () => {
  await connection.syncTables([Note, ...ttlTables]);
  // Local's TTL scheduler starts each table's expiry job within a second (and restarts it each second).
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  const error = (await connection.syncTables([IndexedNote], { timeoutMs: 8_000 }).catch((e: unknown) => e)) as Error;
  expect(error).toBeInstanceOf(ResourceInUseError);
  expect(error.message).toContain('index byOwner of table notes did not become ACTIVE in time (status CREATING)');
  expect(error.message).toContain('On DynamoDB Local, index changes never finish while 7 or more tables have TTL');

  // Deleting one of the TTL tables frees a thread: the index that was waiting is built.
  await raw.send(new DeleteTableCommand({ TableName: connection.tableName(compileModel(ttlTables[0]!)) }));
  const started = Date.now();
  let status: string | undefined;
  while (Date.now() - started < 60_000) {
    const table = (await raw.send(new DescribeTableCommand({ TableName: 'notes' }))).Table;
    status = table?.GlobalSecondaryIndexes?.[0]?.IndexStatus;
    if (status === 'ACTIVE') break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  expect(status).toBe('ACTIVE');
  expect(Object.values(await connection.syncTables([IndexedNote]))).toEqual(['existed']);
}, 120_000);
