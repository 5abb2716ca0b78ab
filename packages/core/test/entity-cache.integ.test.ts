import 'reflect-metadata';
import { Redis } from 'ioredis';
import { localTestConfig, uniqueTablePrefix } from '@dynamodel/local/jest';
import { startLocalRedis, type LocalRedis } from '@dynamodel/local/redis';
import { RedisCache } from '@dynamodel/cache';
import { Entity } from '../src/metadata/decorators';
import { defineTable } from '../src/single-table/define-table';
import { defineCollection } from '../src/model/collection';
import { Attribute, Model, createConnection, type Connection } from '../src';
import { gatedExecutor, type GatedExecutor } from './support/gated-executor';

// Issue 26 §5: the item and query cache on a shared table, against DynamoDB Local and a real
// redis-server. Entities share the table's partitions, so a write to any entity of a partition
// invalidates every page cached for it: each entity's queries and the collections over it.

const app = defineTable({ name: 'entity_cache', hash: 'pk', range: 'sk' });
const cache = { ttl: '1h', queries: true } as const;

@Entity(app, { keys: { pk: 'USER#{userId}', sk: 'PROFILE' }, cache })
class User extends Model {
  @Attribute() userId!: string;
  @Attribute() name!: string;
}

@Entity(app, { keys: { pk: 'USER#{userId}', sk: 'ORDER#{orderId}' }, cache })
class Order extends Model {
  @Attribute() userId!: string;
  @Attribute() orderId!: string;
  @Attribute() total!: number;
}

@Entity(app, { name: 'PriorityOrder', cache })
class PriorityOrder extends Order {
  @Attribute() level!: number;
}

const config = localTestConfig();
let server: LocalRedis;
let client: Redis;
let executor: GatedExecutor;
let connection: Connection;
const queries = () => executor.count('Query');
const userItems = defineCollection({ users: User, orders: Order });

beforeAll(async () => {
  server = await startLocalRedis();
  client = new Redis(server.port, '127.0.0.1');
  executor = gatedExecutor(config);
  connection = createConnection({
    executor,
    cache: new RedisCache(client),
    cacheNamespace: 'entity-cache-tests',
    prefix: uniqueTablePrefix('entity_cache'),
    cacheTimeoutMs: 2_000,
  });
  await connection.syncTables([User]);
});
afterAll(async () => {
  executor.destroy();
  await connection.close();
  client.disconnect();
  await server.stop();
});

describe('a shared table behind the cache', () => {
  it('serves a collection page from the cache, and reads it again after a write to any one entity of the partition', async () => {
    await User.using(connection).create({ userId: 'c1', name: 'Ana' });
    await Order.using(connection).create({ userId: 'c1', orderId: 'o1', total: 10 });
    const collection = userItems.using(connection);
    const before = queries();
    expect(await collection.query({ userId: 'c1' }).all()).toHaveLength(2);
    expect(await collection.query({ userId: 'c1' }).all()).toHaveLength(2);
    expect(queries() - before).toBe(1); // the second read was served by the cache

    await Order.using(connection).create({ userId: 'c1', orderId: 'o2', total: 20 });
    const { users, orders } = await collection.query({ userId: 'c1' }).grouped();
    expect(orders.map((order) => order.total)).toEqual([10, 20]);
    expect(queries() - before).toBe(2);

    // A write to another entity of the partition drops this entity's own query pages too.
    expect((await User.using(connection).query({ userId: 'c1' }).all())[0]?.name).toBe('Ana');
    users[0]!.name = 'Ann';
    await users[0]!.save();
    expect((await collection.query({ userId: 'c1' }).grouped()).users[0]?.name).toBe('Ann');
    expect((await User.using(connection).query({ userId: 'c1' }).all())[0]?.name).toBe('Ann');
  });

  it('a subclass item cached through its base class is read again after the subclass writes it', async () => {
    const priority = Object.assign(new PriorityOrder(), { userId: 'c2', orderId: 'p1', total: 5, level: 1 });
    await Order.using(connection).put(priority);
    const gets = executor.count('GetItem');
    const read = (await Order.using(connection).getOrFail({ userId: 'c2', orderId: 'p1' })) as PriorityOrder;
    expect(read).toBeInstanceOf(PriorityOrder);
    expect(await Order.using(connection).getOrFail({ userId: 'c2', orderId: 'p1' })).toEqual(read);
    expect(executor.count('GetItem') - gets).toBe(1);
    read.level = 2;
    await PriorityOrder.using(connection).save(read);
    expect(((await Order.using(connection).getOrFail({ userId: 'c2', orderId: 'p1' })) as PriorityOrder).level).toBe(2);
  });

  it('collection({ cache: false }) and consistent reads go to DynamoDB', async () => {
    const collection = userItems.using(connection);
    await collection.query({ userId: 'c1' }).all();
    const before = queries();
    await collection.query({ userId: 'c1' }, { cache: false }).all();
    await collection.query({ userId: 'c1' }, { consistent: true }).all();
    expect(queries() - before).toBe(2);
  });
});
