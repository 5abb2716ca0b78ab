import 'reflect-metadata';
import {
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { ValidationError } from '@dynamodel/executor';
import { localTestConfig, uniqueTablePrefix } from '@dynamodel/local/jest';
import { Entity } from '../src/metadata/decorators';
import { defineTable } from '../src/single-table/define-table';
import {
  Attribute,
  CreatedAt,
  DecodeError,
  ItemExistsError,
  Model,
  Ttl,
  UpdatedAt,
  Version,
  createConnection,
  syncTables,
  transact,
  transactGet,
  type Connection,
} from '../src';

// Entities of one shared table (issue 26 §1–§2, first part): keys from templates, the entity
// attribute on every item, and no entity ever reading another's item as its own. Against DynamoDB Local.

const app = defineTable({
  name: 'entities_app',
  hash: 'pk',
  range: 'sk',
  indexes: { gsi1: { hash: 'gsi1pk', range: 'gsi1sk' }, inverted: { hash: 'sk', range: 'pk' } },
});

@Entity(app, { keys: { pk: 'USER#{userId}', sk: 'PROFILE' }, indexes: { gsi1: { pk: 'EMAIL#{email}', sk: 'USER' } } })
class User extends Model {
  @Attribute() userId!: string;
  @Attribute() email!: string;
  @Attribute() displayName!: string;
  @Version() version?: number;
}

@Entity(app, { name: 'Order', keys: { pk: 'USER#{userId}', sk: 'ORDER#{placed}#{orderId}' } })
class Order extends Model {
  @Attribute() userId!: string;
  @Attribute() orderId!: string;
  @Attribute() placed!: Date;
  @Attribute() total!: number;
  @CreatedAt() createdAt?: Date;
}

/** A third entity whose sort keys interleave with Order's (`ORDER#…` and `ORDERLINE#…` share "ORDER"). */
@Entity(app, { keys: { pk: 'USER#{userId}', sk: 'ORDERLINE#{orderId}#{line:3}' } })
class OrderLine extends Model {
  @Attribute() userId!: string;
  @Attribute() orderId!: string;
  @Attribute() line!: number;
}

const config = localTestConfig();
const raw = new DynamoDBClient(config);
let connection: Connection;
let tableName: string;

beforeAll(async () => {
  connection = createConnection({ ...config, prefix: uniqueTablePrefix('entities') });
  await syncTables([User, Order, OrderLine], { connection });
  tableName = connection.tableName(User.schema());
});
afterAll(async () => {
  await connection.close();
  raw.destroy();
});

const users = () => User.using(connection);
const orders = () => Order.using(connection);
const placed = new Date('2026-12-04T10:00:00.000Z');

describe('a shared table', () => {
  it('is one table, created with every index whichever entity defines it', async () => {
    expect(connection.tableName(Order.schema())).toBe(tableName);
    const { Table } = await raw.send(new DescribeTableCommand({ TableName: tableName }));
    expect(Table?.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    expect(Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName).sort()).toEqual(['gsi1', 'inverted']);
  });
});

describe('keys from templates', () => {
  it('writes the keys, the index keys and the entity name on each item, and reads by the template attributes', async () => {
    await users().create({ userId: 'u1', email: 'ana@example.com', displayName: 'Ana' });
    await orders().create({ userId: 'u1', orderId: 'o1', placed, total: 30 });
    const stored = await raw.send(
      new GetItemCommand({ TableName: tableName, Key: { pk: { S: 'USER#u1' }, sk: { S: 'PROFILE' } } }),
    );
    expect(stored.Item).toMatchObject({
      pk: { S: 'USER#u1' },
      sk: { S: 'PROFILE' },
      gsi1pk: { S: 'EMAIL#ana@example.com' },
      gsi1sk: { S: 'USER' },
      _et: { S: 'User' },
      version: { N: '1' },
    });
    const user = await users().getOrFail({ userId: 'u1' });
    expect(user).toBeInstanceOf(User);
    expect(Object.keys(user).sort()).toEqual(['displayName', 'email', 'userId', 'version']);
    const order = await orders().getOrFail({ userId: 'u1', orderId: 'o1', placed });
    expect(order.total).toBe(30);
    expect(order.createdAt).toBeInstanceOf(Date);
  });

  it('save, update, delete and create-never-overwrites work through the templates', async () => {
    const user = await users().create({ userId: 'u2', email: 'bo@example.com', displayName: 'Bo' });
    user.displayName = 'Bob';
    await user.save();
    expect((await users().getOrFail({ userId: 'u2' })).displayName).toBe('Bob');
    await users().update({ userId: 'u2' }, { displayName: 'Bobby' });
    expect((await users().getOrFail({ userId: 'u2' })).version).toBe(3);
    await expect(users().create({ userId: 'u2', email: 'x@example.com', displayName: 'X' })).rejects.toBeInstanceOf(
      ItemExistsError,
    );
    await users().delete({ userId: 'u2' });
    expect(await users().get({ userId: 'u2' })).toBeUndefined();
  });

  it('save() of a changed template attribute rewrites the index key computed from it, whole or partial', async () => {
    const user = await users().create({ userId: 'u5', email: 'old@example.com', displayName: 'Eve' });
    user.email = 'new@example.com';
    await user.save();
    const byIndex = { key: { email: 'new@example.com' }, index: 'gsi1' } as const;
    expect((await users().query(byIndex.key, { index: byIndex.index }).all()).map((found) => found.userId)).toEqual([
      'u5',
    ]);
    const [partial] = await users()
      .query({ userId: 'u5' }, { projection: ['email', 'version'] })
      .all();
    expect(partial).toMatchObject({ userId: 'u5', email: 'new@example.com' });
    (partial as User).email = 'newer@example.com';
    await (partial as User).save();
    const stored = await raw.send(
      new GetItemCommand({ TableName: tableName, Key: { pk: { S: 'USER#u5' }, sk: { S: 'PROFILE' } } }),
    );
    expect(stored.Item).toMatchObject({ gsi1pk: { S: 'EMAIL#newer@example.com' }, displayName: { S: 'Eve' } });
  });

  it('refuses, before sending, a key passed as a value, a missing template attribute, and a separator in a value', async () => {
    await expect(users().get('USER#u1')).rejects.toThrow(/pass its key as an object holding userId/);
    await expect(orders().get({ userId: 'u1', orderId: 'o1' })).rejects.toThrow(
      'Order.placed: is part of a key, so it cannot be undefined [required]',
    );
    const error: unknown = await orders()
      .create({ userId: 'u1#ORDER', orderId: 'o9', placed, total: 1 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ model: 'Order', attribute: 'userId', rule: 'key-separator' });
  });
});

describe('no entity reads another entity’s item', () => {
  it('an item of another entity, or with no entity attribute, under the key is a DecodeError naming both', async () => {
    // Another program wrote an Order-shaped item where User u3's profile would be.
    await raw.send(
      new PutItemCommand({
        TableName: tableName,
        Item: { pk: { S: 'USER#u3' }, sk: { S: 'PROFILE' }, _et: { S: 'Order' }, userId: { S: 'u3' } },
      }),
    );
    const error: unknown = await users()
      .get({ userId: 'u3' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DecodeError);
    expect((error as DecodeError).rule).toBe('entity');
    expect((error as Error).message).toContain('the item is a "Order" (its _et), not a User');
    await raw.send(
      new PutItemCommand({
        TableName: tableName,
        Item: {
          pk: { S: 'USER#u4' },
          sk: { S: 'PROFILE' },
          userId: { S: 'u4' },
          email: { S: 'e' },
          displayName: { S: 'd' },
        },
      }),
    );
    await expect(users().get({ userId: 'u4' })).rejects.toThrow(/has no _et attribute, so it is not a User/);
  });
});

describe('queries and scans of an entity', () => {
  beforeAll(async () => {
    for (let i = 0; i < 5; i++) {
      await orders().create({
        userId: 'q1',
        orderId: `o${i}`,
        placed: new Date(placed.getTime() + i * 1000),
        total: i,
      });
      await OrderLine.using(connection).create({ userId: 'q1', orderId: `o${i}`, line: i });
    }
    await users().create({ userId: 'q1', email: 'q1@example.com', displayName: 'Q' });
    // A raw item of no entity in the same partition, whose sort key even looks like an order's.
    await raw.send(
      new PutItemCommand({
        TableName: tableName,
        Item: { pk: { S: 'USER#q1' }, sk: { S: 'ORDER#2026-12-04T09:00:00.000Z#raw' }, total: { N: '1' } },
      }),
    );
  });

  it('yield only their own items from a partition the three share, in sort key order, across pages', async () => {
    const found = await orders().query({ userId: 'q1' }, { pageSize: 2 }).all();
    expect(found.map((order) => order.orderId)).toEqual(['o0', 'o1', 'o2', 'o3', 'o4']);
    expect(found.every((order) => order instanceof Order)).toBe(true);
    const lines = await OrderLine.using(connection).query({ userId: 'q1' }).all();
    expect(lines.map((line) => line.line)).toEqual([0, 1, 2, 3, 4]);
    expect(await users().query({ userId: 'q1' }).all()).toHaveLength(1);
  });

  it('narrow the sort key by its leading attributes, and refuse where and unknown properties', async () => {
    const at = new Date(placed.getTime() + 2000);
    expect((await orders().query({ userId: 'q1', placed: at }).all()).map((o) => o.orderId)).toEqual(['o2']);
    expect(() => orders().query({ userId: 'q1', total: 1 })).toThrow(/"total" is in no key template/);
    expect(() => orders().query({ userId: 'q1' }, { where: { orderId: 'o1' } as never })).toThrow(/entity-where/);
    expect(() => orders().query('USER#q1')).toThrow(/query it with an object holding userId/);
  });

  it('a scan of the shared table keeps the entity’s own items', async () => {
    const scanned = await OrderLine.using(connection).scan().all();
    expect(scanned.length).toBeGreaterThanOrEqual(5);
    expect(scanned.every((line) => line instanceof OrderLine && typeof line.line === 'number')).toBe(true);
  });
});

describe('queries of the shared table’s indexes', () => {
  it('an overloaded index, by the entity’s own templates of its keys', async () => {
    await users().create({ userId: 'i1', email: 'ivy@example.com', displayName: 'Ivy' });
    const found = await users()
      .query({ index: 'gsi1', key: { email: 'ivy@example.com' } })
      .all();
    expect(found.map((user) => user.userId)).toEqual(['i1']);
    expect(() => orders().query({ index: 'gsi1', key: { userId: 'x' } })).toThrow(/is not in index "gsi1"/);
    expect(() => users().query({ index: 'gsi9', key: {} })).toThrow(/has no index "gsi9"/);
  });

  it('an inverted index (hash sk, range pk), by the table key templates swapped', async () => {
    await users().create({ userId: 'i2', email: 'inv@example.com', displayName: 'Inv' });
    const profiles = await users().query({}, { index: 'inverted' }).all();
    expect(profiles.map((user) => user.userId)).toEqual(expect.arrayContaining(['i1', 'i2']));
    expect(profiles.every((user) => user instanceof User)).toBe(true);
    const one = await users().query({ userId: 'i2' }, { index: 'inverted' }).all();
    expect(one.map((user) => user.userId)).toEqual(['i2']);
  });
});

describe('batches and transactions mixing entities', () => {
  it('a transaction writes two entities of one partition at once, and transactGet reads each as its class', async () => {
    await transact([
      users().createOp({ userId: 't1', email: 't1@example.com', displayName: 'T' }),
      orders().createOp({ userId: 't1', orderId: 'o1', placed, total: 9 }),
    ]);
    const [user, order] = await transactGet([
      users().getOp({ userId: 't1' }),
      orders().getOp({ userId: 't1', orderId: 'o1', placed }),
    ]);
    expect(user).toBeInstanceOf(User);
    expect(order).toBeInstanceOf(Order);
    expect((order as Order).total).toBe(9);
  });

  it('batchPut and batchGet of each entity, keys from templates', async () => {
    // User is versioned, so it is written one by one (batchPut refuses it); OrderLine goes in a batch.
    await users().create({ userId: 'b1', email: 'b1@example.com', displayName: 'B1' });
    await users().create({ userId: 'b2', email: 'b2@example.com', displayName: 'B2' });
    await OrderLine.using(connection).batchPut([{ userId: 'b1', orderId: 'x', line: 1 }]);
    const { items } = await users().batchGet([{ userId: 'b1' }, { userId: 'b2' }, { userId: 'missing' }]);
    expect(items.map((user) => user?.displayName).sort()).toEqual(['B1', 'B2']);
    const lines = await OrderLine.using(connection).batchGet([{ userId: 'b1', orderId: 'x', line: 1 }]);
    expect(lines.items[0]).toBeInstanceOf(OrderLine);
  });
});

describe('TTL and timestamps on a shared table', () => {
  const sessions = defineTable({ name: 'entities_ttl', hash: 'pk', range: 'sk', ttl: 'expires' });

  @Entity(sessions, { keys: { pk: 'USER#{userId}', sk: 'SESSION#{sessionId}' } })
  class Session extends Model {
    @Attribute() userId!: string;
    @Attribute() sessionId!: string;
    @Ttl({ type: Date, name: 'expires' }) expiresAt!: Date;
    @CreatedAt() createdAt?: Date;
    @UpdatedAt() updatedAt?: Date;
  }

  it('syncTables turns TTL on for the table, and the entity stores its expiry as epoch seconds', async () => {
    await syncTables([Session], { connection });
    const table = connection.tableName(Session.schema());
    const ttl = await raw.send(new DescribeTimeToLiveCommand({ TableName: table }));
    expect(ttl.TimeToLiveDescription).toMatchObject({ TimeToLiveStatus: 'ENABLED', AttributeName: 'expires' });
    const expiresAt = new Date('2027-01-01T00:00:00.000Z');
    const session = await Session.using(connection).create({ userId: 'u1', sessionId: 's1', expiresAt });
    const stored = await raw.send(
      new GetItemCommand({ TableName: table, Key: { pk: { S: 'USER#u1' }, sk: { S: 'SESSION#s1' } } }),
    );
    expect(stored.Item?.expires).toEqual({ N: String(expiresAt.getTime() / 1000) });
    expect(session.createdAt).toBeInstanceOf(Date);
    const first = session.updatedAt as Date;
    await new Promise((resolve) => setTimeout(resolve, 5));
    await Session.using(connection).update(
      { userId: 'u1', sessionId: 's1' },
      { expiresAt: new Date('2027-02-01T00:00:00.000Z') },
    );
    const read = await Session.using(connection).getOrFail({ userId: 'u1', sessionId: 's1' });
    expect(read.updatedAt?.getTime()).toBeGreaterThan(first.getTime());
    expect(read.createdAt).toEqual(session.createdAt);
  });
});
