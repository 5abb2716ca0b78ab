import 'reflect-metadata';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { localTestConfig, uniqueTablePrefix } from '@dynamodel/local/jest';
import {
  Attribute,
  compileModel,
  type AnyClass,
  createConnection,
  HashKey,
  Index,
  Model,
  RangeKey,
  Table,
  TableMismatchError,
  type Connection,
} from '../src';
import { busyOnceExecutor } from './support/busy-once-executor';

// Issue 11 §4: syncTables adds a GSI the model gained to the existing table (UpdateTable, waited
// for until ACTIVE) and never drops or changes an index: a difference is a typed error saying what.

@Table({ name: 'articles' })
class ArticleV1 extends Model {
  @HashKey() id!: string;
  @Attribute() author!: string;
  @Attribute() published!: string;
}

@Table({ name: 'articles' })
class ArticleV2 extends Model {
  @HashKey() id!: string;
  @Index('byAuthor', { hash: true }) @Attribute() author!: string;
  @Index('byAuthor', { range: true })
  @Index('byDay', { hash: true, projection: 'KEYS_ONLY' })
  @Attribute()
  published!: string;
}

@Table({ name: 'articles' })
class ArticleOtherProjection extends Model {
  @HashKey() id!: string;
  @Index('byAuthor', { hash: true, projection: 'KEYS_ONLY' }) @Attribute() author!: string;
  @Index('byAuthor', { range: true }) @Attribute() published!: string;
}

@Table({ name: 'threads' })
class ThreadV1 extends Model {
  @HashKey() forum!: string;
  @RangeKey() id!: string;
  @Attribute() lastReply!: string;
}

@Table({ name: 'threads' })
class ThreadV2 extends Model {
  @HashKey() forum!: string;
  @RangeKey() id!: string;
  @Index('byReply', { range: true }) @Attribute() lastReply!: string;
}

const config = localTestConfig();
const raw = new DynamoDBClient(config);
let connection: Connection;

beforeAll(() => {
  connection = createConnection({ ...config, prefix: uniqueTablePrefix('idxsync') });
});
afterAll(async () => {
  raw.destroy();
  await connection.close();
});

const describeTable = async (model: AnyClass) =>
  (await raw.send(new DescribeTableCommand({ TableName: connection.tableName(compileModel(model)) }))).Table;

describe('syncTables and indexes', () => {
  it('adds the GSIs a model gained to its existing table, waits until ACTIVE, and is idempotent', async () => {
    expect(Object.values(await connection.syncTables([ArticleV1]))).toEqual(['created']);
    await ArticleV1.using(connection).put({ id: 'a1', author: 'ana', published: '2026-11-01' });
    expect(Object.values(await connection.syncTables([ArticleV2]))).toEqual(['indexes-added']);
    const table = await describeTable(ArticleV2);
    expect(table?.GlobalSecondaryIndexes?.map((index) => [index.IndexName, index.IndexStatus]).sort()).toEqual([
      ['byAuthor', 'ACTIVE'],
      ['byDay', 'ACTIVE'],
    ]);
    expect(Object.values(await connection.syncTables([ArticleV2]))).toEqual(['existed']);
    // Queryable at once, including the item stored before the index existed.
    await ArticleV2.using(connection).put({ id: 'a2', author: 'ana', published: '2026-11-20' });
    const byAna = await ArticleV2.using(connection).query({ index: 'byAuthor', key: 'ana' }).all();
    expect(byAna.map((article) => [article.id, article.published])).toEqual([
      ['a1', '2026-11-01'],
      ['a2', '2026-11-20'],
    ]);
    const onDay = await ArticleV2.using(connection).query({ index: 'byDay', key: '2026-11-20' }).all();
    expect(onDay.map((article) => article.id)).toEqual(['a2']);
    // The old model still works against the table: an index it does not declare is left alone.
    expect(Object.values(await connection.syncTables([ArticleV1]))).toEqual(['existed']);
  });

  it('never changes an index: another projection is a TableMismatchError that says what differs', async () => {
    const error = (await connection
      .syncTables([ArticleOtherProjection])
      .catch((e: unknown) => e)) as TableMismatchError;
    expect(error).toBeInstanceOf(TableMismatchError);
    expect(error.differences).toEqual(['index "byAuthor" projects ALL in the table, KEYS_ONLY in the model']);
    expect(
      (await describeTable(ArticleV2))?.GlobalSecondaryIndexes?.find((i) => i.IndexName === 'byAuthor')?.Projection,
    ).toEqual({
      ProjectionType: 'ALL',
    });
  });

  it('a local index the table lacks cannot be added: the error says so', async () => {
    await connection.syncTables([ThreadV1]);
    const error = (await connection.syncTables([ThreadV2]).catch((e: unknown) => e)) as TableMismatchError;
    expect(error).toBeInstanceOf(TableMismatchError);
    expect(error.differences).toEqual([
      'local index "byReply" is missing, and local indexes can only be created with the table',
    ]);
  });

  it('an index creation refused as "in use" is sent again once the table is idle, not waited for (regression)', async () => {
    const busyOnce = busyOnceExecutor(config);
    const busy = createConnection({ executor: busyOnce.executor, prefix: uniqueTablePrefix('idxbusy') });
    await busy.syncTables([ArticleV1]);
    // Before, the refusal was taken for another applier's creation and waited for until the deadline.
    expect(Object.values(await busy.syncTables([ArticleV2], { timeoutMs: 20_000 }))).toEqual(['indexes-added']);
    expect(busyOnce.refused()).toBe(1);
    await busy.close();
    busyOnce.destroy();
  });
});
