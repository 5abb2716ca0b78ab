import 'reflect-metadata';
import {
  BatchWriteCommand,
  DynamoDBDocumentClient,
  DeleteCommand,
  ExecuteStatementCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { RedisCache } from '@dynamodel/cache';
import { ConditionFailedError, ConfigurationError, wrapExecutor, type ExecutorEvent } from '@dynamodel/executor';
import { localTestConfig, uniqueTablePrefix } from '@dynamodel/local/jest';
import { startLocalRedis, type LocalRedis } from '@dynamodel/local/redis';
import Redis from 'ioredis';
import { DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import {
  Attribute,
  compileModel,
  createConnection,
  HashKey,
  Model,
  RangeKey,
  Table,
  type AnyClass,
  type Connection,
} from '../src';

// Issue 29 §4: code written against lib-dynamodb's DocumentClient, moved onto a connection. Its
// commands go through the connection's executor (cap, events) and its writes forget what a cached
// model holds of the keys written.

@Table({ name: 'profiles', cache: { ttl: '1h' } })
class Profile extends Model {
  @HashKey() id!: string;
  @Attribute() name!: string;
  @Attribute({ optional: true }) visits?: number;
}

@Table({ name: 'events' })
class Event extends Model {
  @HashKey() stream!: string;
  @RangeKey() seq!: number;
  @Attribute() body!: string;
}

const config = localTestConfig();
let redis: LocalRedis;
let client: Redis;
let connection: Connection;
let inFlight = 0;
let mostInFlight = 0;
const events: ExecutorEvent[] = [];

beforeAll(async () => {
  redis = await startLocalRedis();
  client = new Redis(redis.port, '127.0.0.1');
  connection = createConnection({
    ...config,
    prefix: uniqueTablePrefix('document_client'),
    concurrency: 2,
    cache: new RedisCache(client),
    // Counts what is in flight where the connection's cap applies (its own layer sits inside the cap).
    wrap: (executor) =>
      wrapExecutor(executor, async (operation, input, options, next) => {
        mostInFlight = Math.max(mostInFlight, ++inFlight);
        try {
          return await next(operation, input, options);
        } finally {
          inFlight--;
        }
      }),
  });
  connection.events.on('request', (event) => events.push(event));
  await connection.syncTables([Profile, Event]);
}, 60_000);
afterAll(async () => {
  await connection.close();
  client.disconnect();
  await redis.stop();
});

const table = (model: AnyClass) => connection.tableName(compileModel(model));

describe('connection.documentClient()', () => {
  it('puts, gets and queries in document form, values as lib-dynamodb gives them', async () => {
    const doc = connection.documentClient();
    const item = {
      stream: 's1',
      seq: 1,
      body: 'hello',
      tags: new Set(['a', 'b']),
      raw: new Uint8Array([1, 2, 3]),
      meta: { n: [1, 'two', null] },
    };
    await doc.send(new PutCommand({ TableName: table(Event), Item: item }));
    expect((await doc.send(new GetCommand({ TableName: table(Event), Key: { stream: 's1', seq: 1 } }))).Item).toEqual(
      item,
    );
    await doc.send(new PutCommand({ TableName: table(Event), Item: { stream: 's1', seq: 2, body: 'world' } }));
    const page = await doc.send(
      new QueryCommand({
        TableName: table(Event),
        KeyConditionExpression: '#s = :s AND seq > :after',
        ExpressionAttributeNames: { '#s': 'stream' },
        ExpressionAttributeValues: { ':s': 's1', ':after': 0 },
      }),
    );
    expect(page.Items?.map((i): unknown[] => [i.seq, i.body])).toEqual([
      [1, 'hello'],
      [2, 'world'],
    ]);
    // The models read what the document client wrote.
    expect((await Event.using(connection).get('s1', 2))?.body).toBe('world');
  });

  it('goes through the connection: under its concurrency cap, in its events', async () => {
    const doc = connection.documentClient();
    events.length = 0;
    mostInFlight = 0;
    await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        doc.send(new PutCommand({ TableName: table(Event), Item: { stream: 'cap', seq: i, body: `b${i}` } })),
      ),
    );
    expect(mostInFlight).toBe(2);
    const puts = events.filter(
      (event): event is Extract<ExecutorEvent, { type: 'request' }> =>
        event.type === 'request' && event.operation === 'PutItem',
    );
    expect(puts).toHaveLength(24);
    expect(puts.every((event) => event.table === table(Event))).toBe(true);
  });

  it('a write through it forgets the cached model entry of each key it wrote (put, update, delete, batch, transaction)', async () => {
    const doc = connection.documentClient();
    const profiles = Profile.using(connection);
    const cachedName = async (id: string) => (await profiles.get(id))?.name;
    await profiles.put({ id: 'p1', name: 'Ana' });
    await profiles.put({ id: 'p2', name: 'Bo' });
    await profiles.put({ id: 'p3', name: 'Cy' });
    expect([await cachedName('p1'), await cachedName('p2'), await cachedName('p3')]).toEqual(['Ana', 'Bo', 'Cy']); // now cached
    // The control: a write the connection does not see (another client) leaves the cached entry as it was.
    const outside = new DynamoDBClient(config);
    await outside.send(
      new UpdateItemCommand({
        TableName: table(Profile),
        Key: { id: { S: 'p1' } },
        UpdateExpression: 'SET #n = :n',
        ExpressionAttributeNames: { '#n': 'name' },
        ExpressionAttributeValues: { ':n': { S: 'written elsewhere' } },
      }),
    );
    outside.destroy();
    expect(await cachedName('p1')).toBe('Ana');

    await doc.send(
      new UpdateCommand({
        TableName: table(Profile),
        Key: { id: 'p1' },
        UpdateExpression: 'SET #n = :n',
        ExpressionAttributeNames: { '#n': 'name' },
        ExpressionAttributeValues: { ':n': 'Ana Maria' },
      }),
    );
    expect(await cachedName('p1')).toBe('Ana Maria');
    await doc.send(new PutCommand({ TableName: table(Profile), Item: { id: 'p2', name: 'Bob' } }));
    expect(await cachedName('p2')).toBe('Bob');
    await doc.send(new DeleteCommand({ TableName: table(Profile), Key: { id: 'p3' } }));
    expect(await profiles.get('p3')).toBeUndefined();

    await doc.send(
      new BatchWriteCommand({
        RequestItems: {
          [table(Profile)]: [
            { PutRequest: { Item: { id: 'p1', name: 'Ana (batch)' } } },
            { DeleteRequest: { Key: { id: 'p2' } } },
          ],
        },
      }),
    );
    expect([await cachedName('p1'), await profiles.get('p2')]).toEqual(['Ana (batch)', undefined]);
    await doc.send(
      new TransactWriteCommand({
        TransactItems: [{ Put: { TableName: table(Profile), Item: { id: 'p1', name: 'Ana (transaction)' } } }],
      }),
    );
    expect(await cachedName('p1')).toBe('Ana (transaction)');
  });

  it('a connection can be made from the DocumentClient a program already has', async () => {
    const theirs = DynamoDBDocumentClient.from(new DynamoDBClient(config));
    const own = createConnection({ client: theirs, prefix: connection.prefix, cacheNamespace: 'document-client-test' });
    try {
      await Event.using(own).put({ stream: 'theirs', seq: 1, body: 'through their client' });
      const stored = await theirs.send(new GetCommand({ TableName: table(Event), Key: { stream: 'theirs', seq: 1 } }));
      expect(stored.Item).toEqual({ stream: 'theirs', seq: 1, body: 'through their client' });
      expect((await Event.using(own).get('theirs', 1))?.body).toBe('through their client');
    } finally {
      await own.close();
      theirs.destroy();
    }
  });

  it('errors are the executor’s typed errors, the SDK exception as their cause; an operation it does not carry is refused', async () => {
    const doc = connection.documentClient();
    const error = (await doc
      .send(
        new PutCommand({
          TableName: table(Event),
          Item: { stream: 's1', seq: 1, body: 'again' },
          ConditionExpression: 'attribute_not_exists(seq)',
        }),
      )
      .catch((e: unknown) => e)) as ConditionFailedError;
    expect(error).toBeInstanceOf(ConditionFailedError);
    expect((error.cause as Error).name).toBe('ConditionalCheckFailedException');
    const refused = await doc
      .send(new ExecuteStatementCommand({ Statement: `SELECT * FROM "${table(Event)}"` }))
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ConfigurationError);
    expect((refused as Error).message).toMatch(
      /^document client: ExecuteStatement is not one of the operations a Dynamodel executor sends/,
    );
  });
});
