import 'reflect-metadata';
import {
  DeleteItemCommand,
  DynamoDBClient,
  PutItemCommand,
  UpdateItemCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { Redis } from 'ioredis';
import { ConfigurationError } from '@dynamodel/executor';
import { localTestConfig, uniqueTablePrefix } from '@dynamodel/local/jest';
import { startLocalRedis, type LocalRedis } from '@dynamodel/local/redis';
import { RedisCache } from '@dynamodel/cache';
import { Entity } from '../src/metadata/decorators';
import { defineTable } from '../src/single-table/define-table';
import { streamDecoder, type ModelChange, type StreamChange } from '../src/streams/stream-decoder';
import { pollStream, type StreamRecord } from '../src/streams/stream-poller';
import { invalidateFromStream } from '../src/streams/stream-invalidation';
import { Attribute, HashKey, Model, Table, createConnection, type Connection } from '../src';

// Issue 26 §6–§7 against DynamoDB Local (and redis-server for the cache): records of a shared
// table's stream decoded into typed changes, each image an instance of its own class; a keys-only
// stream's items fetched; and a cache kept true to raw SDK writes by the stream.

const app = defineTable({ name: 'streams_app', hash: 'pk', range: 'sk', stream: 'NEW_AND_OLD_IMAGES' });

@Entity(app, { keys: { pk: 'USER#{userId}', sk: 'PROFILE' }, cache: { ttl: '1h' } })
class User extends Model {
  @Attribute() userId!: string;
  @Attribute() name!: string;
  @Attribute({ optional: true }) visits?: number;
  @Attribute({ type: Uint8Array, optional: true }) avatar?: Uint8Array;
}

@Entity(app, { keys: { pk: 'USER#{userId}', sk: 'ORDER#{orderId}' } })
class Order extends Model {
  @Attribute() userId!: string;
  @Attribute() orderId!: string;
  @Attribute() total!: number;
}

@Entity(app, { name: 'GiftOrder' })
class GiftOrder extends Order {
  @Attribute() recipient!: string;
}

@Table({ name: 'streams_keys_only', stream: 'KEYS_ONLY' })
class Note extends Model {
  @HashKey() noteId!: string;
  @Attribute() text!: string;
}

/** A model of its own table, cached, whose stream carries keys only. */
@Table({ name: 'streams_cached', stream: 'KEYS_ONLY', cache: { ttl: '1h' } })
class Counter extends Model {
  @HashKey() counterId!: string;
  @Attribute() value!: number;
}

@Table({ name: 'streams_none' })
class Silent extends Model {
  @HashKey() id!: string;
}

const config = localTestConfig();
const raw = new DynamoDBClient(config);
let connection: Connection;
let tableName: string;

beforeAll(async () => {
  connection = createConnection({ ...config, prefix: uniqueTablePrefix('streams') });
  await connection.syncTables([User, Note, Silent, Counter]);
  tableName = connection.tableName(User.schema());
});
afterAll(async () => {
  await connection.close();
  raw.destroy();
});

/** Reads the stream until `count` records arrived (or 20 s passed). */
async function collect(poller: ReturnType<typeof pollStream>, count: number): Promise<StreamRecord[]> {
  const records: StreamRecord[] = [];
  const timer = setTimeout(() => poller.stop(), 20_000);
  try {
    for await (const batch of poller) {
      records.push(...batch.records);
      if (records.length >= count) break;
    }
  } finally {
    clearTimeout(timer);
  }
  return records;
}

const userItem = (id: number): Record<string, AttributeValue> => ({
  pk: { S: `USER#s${id}` },
  sk: { S: 'PROFILE' },
  _et: { S: 'User' },
  userId: { S: `s${id}` },
  name: { S: `name ${id}` },
});

/** Runs `work` over `items`, 16 at a time. */
async function inParallel<T>(items: readonly T[], work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
}

describe('stream records to typed changes', () => {
  it('decodes 1,000 raw-SDK writes with the right kinds, entities and images', async () => {
    const poller = pollStream({ table: User, connection, from: 'latest', idleMs: 20 });
    const reading = collect(poller, 1_000);
    await poller.ready;
    const ids = Array.from({ length: 400 }, (_, i) => i);
    await inParallel(ids, (id) => raw.send(new PutItemCommand({ TableName: tableName, Item: userItem(id) })));
    await inParallel(ids.slice(0, 300), (id) =>
      raw.send(
        new UpdateItemCommand({
          TableName: tableName,
          Key: { pk: { S: `USER#s${id}` }, sk: { S: 'PROFILE' } },
          UpdateExpression: 'SET visits = :v',
          ExpressionAttributeValues: { ':v': { N: String(id) } },
        }),
      ),
    );
    await inParallel(ids.slice(0, 200), (id) =>
      raw.send(
        new DeleteItemCommand({ TableName: tableName, Key: { pk: { S: `USER#s${id}` }, sk: { S: 'PROFILE' } } }),
      ),
    );
    // Items written outside Dynamodel with no entity attribute: still reported, by key.
    await inParallel(ids.slice(0, 100), (id) =>
      raw.send(new PutItemCommand({ TableName: tableName, Item: { pk: { S: `RAW#${id}` }, sk: { S: 'X' } } })),
    );
    const records = await reading;
    expect(records).toHaveLength(1_000);

    const changes = streamDecoder(app, { connection }).decode(records);
    const kinds = (kind: string, entity: string | undefined) =>
      changes.filter((change) => change.kind === kind && change.entity === entity);
    expect(kinds('insert', 'User')).toHaveLength(400);
    expect(kinds('modify', 'User')).toHaveLength(300);
    expect(kinds('remove', 'User')).toHaveLength(200);
    expect(kinds('insert', undefined)).toHaveLength(100);

    for (const change of changes) {
      if (change.entity === undefined) {
        expect(change.newItem).toEqual({ pk: change.keys.pk, sk: { S: 'X' } });
        continue;
      }
      const id = Number((change.keys.pk?.S ?? '').slice('USER#s'.length));
      const expected = Object.assign(new User(), { userId: `s${id}`, name: `name ${id}` });
      if (change.kind === 'insert') {
        expect(change.newImage).toEqual(expected);
        expect(change.oldImage).toBeUndefined();
      } else if (change.kind === 'modify') {
        expect(change.oldImage).toEqual(expected);
        expect(change.newImage).toEqual(Object.assign(new User(), { ...expected, visits: id }));
      } else {
        expect(change.newImage).toBeUndefined();
        expect(change.oldImage).toEqual(Object.assign(new User(), { ...expected, visits: id }));
        expect(change.expired).toBe(false);
      }
    }
    // Per key, the changes come in the order they were made.
    const ofFirst = changes.filter((change) => change.keys.pk?.S === 'USER#s0').map((change) => change.kind);
    expect(ofFirst).toEqual(['insert', 'modify', 'remove']);
  });

  it('decodes each entity as its own class, a subclass as the subclass, from the Lambda event shape too', async () => {
    const poller = pollStream({ table: app, connection, idleMs: 20 });
    const reading = collect(poller, 3);
    await poller.ready;
    await Order.using(connection).create({ userId: 'l1', orderId: 'o1', total: 5 });
    await Order.using(connection).put(
      Object.assign(new GiftOrder(), { userId: 'l1', orderId: 'o2', total: 6, recipient: 'Bo' }),
    );
    await User.using(connection).create({ userId: 'l1', name: 'Ana', avatar: new Uint8Array([1, 2, 3]) });
    const records = await reading;
    const decoder = streamDecoder<Order | User>([Order, User], { connection });
    const changes = decoder.decode(records);
    expect(changes.map((change) => change.model?.name)).toEqual(['Order', 'GiftOrder', 'User']);
    expect((changes[1] as ModelChange<GiftOrder>).newImage?.recipient).toBe('Bo');

    // The same records as Lambda delivers them: JSON, binaries as base64, times in epoch seconds.
    const lambdaEvent = JSON.parse(
      JSON.stringify({ Records: records }, (_key, value: unknown) =>
        value instanceof Uint8Array ? Buffer.from(value).toString('base64') : value,
      ),
    ) as { Records: { dynamodb: { ApproximateCreationDateTime: unknown } }[] };
    for (const record of lambdaEvent.Records) record.dynamodb.ApproximateCreationDateTime = 1_765_000_000;
    const fromLambda = decoder.decode(lambdaEvent as never);
    const user = (fromLambda[2] as ModelChange<User>).newImage;
    expect(user).toBeInstanceOf(User);
    expect(user?.avatar).toEqual(new Uint8Array([1, 2, 3]));
    expect(fromLambda[2]?.time).toEqual(new Date(1_765_000_000_000));
    // Decoded instances are stored instances of the connection: save() writes what changed.
    (user as User).name = 'Ann';
    await (user as User).save();
    expect((await User.using(connection).getOrFail({ userId: 'l1' })).name).toBe('Ann');
  });

  it('marks a TTL removal as expired, and refuses what is not a change record', () => {
    const decoder = streamDecoder(app, { connection });
    const [change] = decoder.decode([
      {
        eventName: 'REMOVE',
        userIdentity: { type: 'Service', principalId: 'dynamodb.amazonaws.com' },
        dynamodb: {
          Keys: { pk: { S: 'USER#t' }, sk: { S: 'PROFILE' } },
          OldImage: userItem(7),
        },
      },
    ]);
    expect(change).toMatchObject({ kind: 'remove', expired: true, entity: 'User' });
    expect(() => decoder.decodeRecord({ eventName: 'UPSERT', dynamodb: { Keys: {} } })).toThrow(
      /not a DynamoDB Streams change record/,
    );
  });

  it('a keys-only stream: changes without images, whose items fetch() reads', async () => {
    const poller = pollStream({ table: Note, connection, idleMs: 20 });
    const reading = collect(poller, 2);
    await poller.ready;
    await Note.using(connection).create({ noteId: 'n1', text: 'hello' });
    await Note.using(connection).create({ noteId: 'n2', text: 'gone' });
    await Note.using(connection).delete('n2');
    const records = await reading;
    const decoder = streamDecoder<Note>([Note], { connection });
    const [first, second] = decoder.decode(records);
    expect(first).toMatchObject({ kind: 'insert', entity: undefined, keys: { noteId: { S: 'n1' } } });
    const fetched = (await decoder.fetch(first as StreamChange<Note>)) as ModelChange<Note>;
    expect(fetched.entity).toBe('Note');
    expect(fetched.newImage).toEqual(Object.assign(new Note(), { noteId: 'n1', text: 'hello' }));
    const gone = await decoder.fetch(second as StreamChange<Note>);
    expect(gone.model).toBeUndefined();
  });

  it('resumes after a checkpoint, reading only what came after it', async () => {
    const first = pollStream({ table: Note, connection, idleMs: 20 });
    const reading = collect(first, 1);
    await first.ready;
    await Note.using(connection).put({ noteId: 'c1', text: 'one' });
    await reading;
    const checkpoint = first.checkpoint();
    await Note.using(connection).put({ noteId: 'c2', text: 'two' });
    const resumed = pollStream({ table: Note, connection, from: checkpoint, idleMs: 20 });
    const records = await collect(resumed, 1);
    expect(records.map((record) => record.dynamodb?.Keys?.noteId?.S)).toEqual(['c2']);
  });

  it('refuses a table without a stream, with the way out', async () => {
    const poller = pollStream({ table: Silent, connection });
    await expect(collect(poller, 1)).rejects.toThrow(ConfigurationError);
    await expect(poller.ready).rejects.toThrow(/has no stream: declare one/);
  });
});

describe('stream-driven cache invalidation', () => {
  let server: LocalRedis;
  let client: Redis;
  let cached: Connection;
  beforeAll(async () => {
    server = await startLocalRedis();
    client = new Redis(server.port, '127.0.0.1');
    cached = createConnection({
      ...config,
      prefix: connection.prefix,
      cache: new RedisCache(client),
      cacheNamespace: 'stream-tests',
      cacheTimeoutMs: 2_000,
    });
  });
  afterAll(async () => {
    await cached.close();
    client.disconnect();
    await server.stop();
  });

  it('a raw SDK write stops being served from the cache within 2 s', async () => {
    const invalidation = invalidateFromStream({ table: app, connection: cached, idleMs: 20 });
    await invalidation.ready;
    const users = User.using(cached);
    await users.put({ userId: 'k1', name: 'cached' });
    expect((await users.getOrFail({ userId: 'k1' })).name).toBe('cached');
    expect((await users.getOrFail({ userId: 'k1' })).name).toBe('cached'); // from the cache now

    const delays: number[] = [];
    for (let round = 0; round < 5; round++) {
      const name = `raw ${round}`;
      const written = Date.now();
      await raw.send(
        new UpdateItemCommand({
          TableName: tableName,
          Key: { pk: { S: 'USER#k1' }, sk: { S: 'PROFILE' } },
          UpdateExpression: 'SET #n = :n',
          ExpressionAttributeNames: { '#n': 'name' },
          ExpressionAttributeValues: { ':n': { S: name } },
        }),
      );
      while ((await users.getOrFail({ userId: 'k1' })).name !== name) {
        expect(Date.now() - written).toBeLessThan(2_000);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      delays.push(Date.now() - written);
    }
    await invalidation.stop();
    expect(invalidation.applied).toBeGreaterThanOrEqual(5);
    expect(Math.max(...delays)).toBeLessThan(2_000);
  });

  it('works for a model of its own table too, from a keys-only stream', async () => {
    const invalidation = invalidateFromStream({ table: Counter, connection: cached, idleMs: 20 });
    await invalidation.ready;
    const counters = Counter.using(cached);
    await counters.put({ counterId: 'c', value: 1 });
    expect((await counters.getOrFail('c')).value).toBe(1);
    const written = Date.now();
    await raw.send(
      new PutItemCommand({
        TableName: connection.tableName(Counter.schema()),
        Item: { counterId: { S: 'c' }, value: { N: '2' } },
      }),
    );
    while ((await counters.getOrFail('c')).value !== 2) {
      expect(Date.now() - written).toBeLessThan(2_000);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await invalidation.stop();
  });

  it('a table without a stream ends the invalidation with the error', async () => {
    const errors: unknown[] = [];
    const invalidation = invalidateFromStream({ table: Silent, connection: cached, onError: (e) => errors.push(e) });
    await expect(invalidation.ready).rejects.toThrow(ConfigurationError);
    await expect(invalidation.done).rejects.toThrow(ConfigurationError);
    expect(errors).toHaveLength(1);
  });
});
