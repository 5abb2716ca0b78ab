import 'reflect-metadata';
import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  GetItemCommand,
} from '@aws-sdk/client-dynamodb';
import { localTestConfig, uniqueTablePrefix } from '@dynamodel/local/jest';
import {
  connect,
  createConnection,
  disconnect,
  HashKey,
  Model,
  syncTables,
  Table,
  Ttl,
  TableMismatchError,
} from '../src';
import { ResourceNotFoundError } from '@dynamodel/executor';
import { startLocalDynamo } from '@dynamodel/local';
import { startFaultProxy } from '@dynamodel/local/fault-proxy';
import { recordingExecutor } from './support/recording-executor';
import { Tweet } from './support/models';

@Table({ name: 'sessions' })
class Session extends Model {
  @HashKey() id!: string;
  @Ttl() expires!: Date;
}

const config = localTestConfig();
const raw = new DynamoDBClient(config);
afterAll(() => raw.destroy());

describe('syncTables', () => {
  it('creates missing tables, waits for ACTIVE, enables TTL, and is idempotent', async () => {
    const executor = recordingExecutor(config);
    const connection = createConnection({ executor, prefix: uniqueTablePrefix('sync') });
    try {
      expect(await connection.syncTables([Tweet, Session])).toEqual({
        [connection.tableName(Tweet.schema())]: 'created',
        [connection.tableName(Session.schema())]: 'created',
      });
      const table = connection.tableName(Session.schema());
      const described = await raw.send(new DescribeTableCommand({ TableName: table }));
      expect(described.Table?.TableStatus).toBe('ACTIVE');
      const ttl = await raw.send(new DescribeTimeToLiveCommand({ TableName: table }));
      expect(ttl.TimeToLiveDescription).toEqual({ TimeToLiveStatus: 'ENABLED', AttributeName: 'expires' });

      // The TTL attribute holds epoch seconds, which is what DynamoDB's TTL reads.
      await Session.using(connection).create({ id: 's', expires: new Date(1_800_000_000_000) });
      const stored = await raw.send(new GetItemCommand({ TableName: table, Key: { id: { S: 's' } } }));
      expect(stored.Item?.expires).toEqual({ N: '1800000000' });

      // A second process (another connection, its own client) finds everything in place.
      const again = createConnection({ ...config, prefix: connection.prefix });
      const creates = executor.count('CreateTable');
      expect(await again.syncTables([Tweet, Session])).toEqual({
        [connection.tableName(Tweet.schema())]: 'existed',
        [table]: 'existed',
      });
      expect(executor.count('CreateTable')).toBe(creates);
      await again.close();
    } finally {
      executor.destroy();
    }
  });

  it('is safe when several processes sync at once (connections with clients of their own)', async () => {
    const prefix = uniqueTablePrefix('sync_race');
    // Each connection has its own client, so nothing is shared in this process: like 5 processes.
    const clients = Array.from({ length: 5 }, () => new DynamoDBClient(config));
    const connections = clients.map((client) => createConnection({ client, prefix }));
    try {
      const results = await Promise.all(connections.map((connection) => connection.syncTables([Tweet, Session])));
      const tweetTable = connections[0]?.tableName(Tweet.schema()) ?? '';
      // Exactly one connection created each table; the others waited for it.
      expect(results.filter((result) => result[tweetTable] === 'created')).toHaveLength(1);
      await Tweet.using(connections[3] as never).create({ author: 'a', text: 'after the race' });
    } finally {
      await Promise.all(connections.map((connection) => connection.close()));
      for (const client of clients) client.destroy();
    }
  });

  it('creates a table again when it was deleted and synced again in the same process', async () => {
    const connection = createConnection({ ...config, prefix: uniqueTablePrefix('sync_again') });
    const table = connection.tableName(Tweet.schema());
    try {
      expect(await connection.syncTables([Tweet])).toEqual({ [table]: 'created' });
      await raw.send(new DeleteTableCommand({ TableName: table }));
      expect(await connection.syncTables([Tweet])).toEqual({ [table]: 'created' });
      await Tweet.using(connection).create({ author: 'a', text: 'there again' });
    } finally {
      await connection.close();
    }
  });

  it('a missing table without autoCreateTables: the error says how to create it', async () => {
    const connection = createConnection({ ...config, prefix: uniqueTablePrefix('no_table') });
    try {
      const error: unknown = await Tweet.using(connection)
        .get('x')
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ResourceNotFoundError);
      expect((error as Error).message).toMatch(
        /^Tweet: table .*tweets does not exist\. Create it with syncTables\(\[Tweet\]\), or in development connect\(\{ autoCreateTables: true \}\)/,
      );
    } finally {
      await connection.close();
    }
  });

  it('never changes an existing table whose key differs from the model', async () => {
    const connection = createConnection({ ...config, prefix: uniqueTablePrefix('mismatch') });
    const table = connection.tableName(Tweet.schema());
    await raw.send(
      new CreateTableCommand({
        TableName: table,
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [{ AttributeName: 'tweetId', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'tweetId', AttributeType: 'N' }],
      }),
    );
    const error: unknown = await connection.syncTables([Tweet]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TableMismatchError);
    expect((error as Error).message).toContain('HASH tweetId (N)');
    expect((error as Error).message).toContain('HASH tweetId (S)');
    const described = await raw.send(new DescribeTableCommand({ TableName: table }));
    expect(described.Table?.AttributeDefinitions).toEqual([{ AttributeName: 'tweetId', AttributeType: 'N' }]);
    await connection.close();
  });
});

describe('syncTables() on the default connection', () => {
  it('syncs through connect()', async () => {
    const connection = connect({ ...config, prefix: uniqueTablePrefix('sync_default') });
    try {
      expect(await syncTables([Tweet])).toEqual({ [connection.tableName(Tweet.schema())]: 'created' });
      const described = await raw.send(new DescribeTableCommand({ TableName: connection.tableName(Tweet.schema()) }));
      expect(described.Table?.TableStatus).toBe('ACTIVE');
    } finally {
      await disconnect();
    }
  });
});

describe('autoCreateTables', () => {
  it('creates a table once for several connections sharing a client; connections of their own each make sure', async () => {
    const proxy = await startFaultProxy({ target: config.endpoint });
    const prefix = uniqueTablePrefix('auto_process');
    const client = new DynamoDBClient({ ...config, endpoint: proxy.endpoint });
    const sharing = Array.from({ length: 3 }, () => createConnection({ client, prefix, autoCreateTables: true }));
    const own = Array.from({ length: 2 }, () =>
      createConnection({ ...config, endpoint: proxy.endpoint, prefix, autoCreateTables: true }),
    );
    const count = (operation: string): number => proxy.records.filter((r) => r.operation === operation).length;
    try {
      const firstCalls = (connections: typeof sharing) =>
        Promise.all(
          connections.flatMap((connection) =>
            Array.from({ length: 4 }, (_, i) => Tweet.using(connection).create({ author: 'a', text: `t${i}` })),
          ),
        );
      await firstCalls(sharing);
      expect(count('CreateTable')).toBe(1);
      expect(count('DescribeTable')).toBeGreaterThanOrEqual(1);
      const describesBefore = count('DescribeTable');
      await firstCalls(own); // other executors: each checks, none creates (the table exists)
      expect(count('CreateTable')).toBe(1);
      expect(count('DescribeTable') - describesBefore).toBeGreaterThanOrEqual(2);
      expect(count('PutItem')).toBe(20);
    } finally {
      await Promise.all([...sharing, ...own].map((connection) => connection.close()));
      client.destroy();
      await proxy.close();
    }
  });

  it('creates the tables of a second account on the same endpoint and region (issue: memory keyed by executor)', async () => {
    // Without -sharedDb, DynamoDB Local keeps one database per access key: two accounts.
    const local = await startLocalDynamo({ sharedDb: false });
    const account = (accessKeyId: string) =>
      createConnection({
        endpoint: local.endpoint,
        region: local.region,
        credentials: { accessKeyId, secretAccessKey: 'x' },
        prefix: 'acct_',
        autoCreateTables: true,
      });
    const first = account('accountone');
    const second = account('accounttwo');
    try {
      await Tweet.using(first).create({ tweetId: 't1', author: 'a', text: 'in account one' });
      await Tweet.using(second).create({ tweetId: 't1', author: 'b', text: 'in account two' });
      expect((await Tweet.using(first).getOrFail('t1')).text).toBe('in account one');
      expect((await Tweet.using(second).getOrFail('t1')).text).toBe('in account two');
    } finally {
      await first.close();
      await second.close();
      await local.stop();
    }
  }, 120_000);

  it('creates a table again when it was deleted after first use', async () => {
    const executor = recordingExecutor(config);
    const connection = createConnection({ executor, prefix: uniqueTablePrefix('auto_again'), autoCreateTables: true });
    try {
      await Tweet.using(connection).create({ tweetId: 'x', author: 'a', text: 'before' });
      await raw.send(new DeleteTableCommand({ TableName: connection.tableName(Tweet.schema()) }));
      const after = await Tweet.using(connection).create({ tweetId: 'x', author: 'a', text: 'after' });
      expect(after.text).toBe('after');
      expect(executor.count('CreateTable')).toBe(2);
      expect((await Tweet.using(connection).getOrFail('x')).text).toBe('after');
      // get and put await the executor themselves on the hot path: they recover the same way.
      await raw.send(new DeleteTableCommand({ TableName: connection.tableName(Tweet.schema()) }));
      expect(await Tweet.using(connection).get('x')).toBeUndefined();
      expect(executor.count('CreateTable')).toBe(3);
      await raw.send(new DeleteTableCommand({ TableName: connection.tableName(Tweet.schema()) }));
      await Tweet.using(connection).put({ tweetId: 'y', author: 'a', text: 'put after' });
      expect(executor.count('CreateTable')).toBe(4);
      expect((await Tweet.using(connection).getOrFail('y')).text).toBe('put after');
    } finally {
      executor.destroy();
    }
  });

  it('creates a table once when 10 first calls arrive together', async () => {
    const executor = recordingExecutor(config);
    const connection = createConnection({ executor, prefix: uniqueTablePrefix('auto'), autoCreateTables: true });
    try {
      const tweets = await Promise.all(
        Array.from({ length: 10 }, (_, i) => Tweet.using(connection).create({ author: 'a', text: `t${i}` })),
      );
      expect(executor.count('CreateTable')).toBe(1);
      expect(executor.count('PutItem')).toBe(10);
      for (const tweet of tweets)
        expect((await Tweet.using(connection).getOrFail(tweet.tweetId)).text).toBe(tweet.text);
      expect(executor.count('CreateTable')).toBe(1);
    } finally {
      executor.destroy();
    }
  });
});

describe("endpoint: 'local'", () => {
  const answers = (endpoint: string): Promise<boolean> =>
    fetch(endpoint).then(
      () => true,
      () => false,
    );

  it('starts one DynamoDB Local for the process, shares it, and stops it with the last connection', async () => {
    const published = process.env.DYNAMODEL_LOCAL_ENDPOINT;
    delete process.env.DYNAMODEL_LOCAL_ENDPOINT; // as in a program outside the test setup
    const a = createConnection({ endpoint: 'local', autoCreateTables: true, prefix: 'own_' });
    const b = createConnection({ endpoint: 'local', autoCreateTables: true, prefix: 'own_' });
    let endpoint = '';
    try {
      endpoint = (await a.endpoint()) ?? '';
      expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(endpoint).not.toBe(published);
      expect(await b.endpoint()).toBe(endpoint);
      const tweet = await Tweet.using(a).create({ author: 'a', text: 'on my own Local' });
      expect((await Tweet.using(b).getOrFail(tweet.tweetId)).text).toBe('on my own Local');
    } finally {
      await a.close();
      expect(await answers(endpoint)).toBe(true); // b still uses it
      await b.close();
      process.env.DYNAMODEL_LOCAL_ENDPOINT = published;
    }
    expect(await answers(endpoint)).toBe(false);
  });

  it("reuses the test run's DynamoDB Local when the jest setup published one", async () => {
    const connection = createConnection({
      endpoint: 'local',
      autoCreateTables: true,
      prefix: uniqueTablePrefix('reuse'),
    });
    const tweet = await Tweet.using(connection).create({ author: 'a', text: 'shared' });
    const stored = await raw.send(
      new GetItemCommand({ TableName: connection.tableName(Tweet.schema()), Key: { tweetId: { S: tweet.tweetId } } }),
    );
    expect(stored.Item?.text).toEqual({ S: 'shared' });
    await connection.close();
  });
});
