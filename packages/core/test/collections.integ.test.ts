import 'reflect-metadata';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { ValidationError } from '@dynamodel/executor';
import { localTestConfig, uniqueTablePrefix } from '@dynamodel/local/jest';
import { Entity } from '../src/metadata/decorators';
import { defineTable } from '../src/single-table/define-table';
import { defineCollection } from '../src/model/collection';
import {
  Attribute,
  Model,
  ModelDefinitionError,
  Table,
  HashKey,
  createConnection,
  syncTables,
  type Connection,
} from '../src';

// Issue 26 §3: one query over a partition (or an overloaded index) of a shared table returns the
// items of several entities, each as an instance of its own class. Against DynamoDB Local.

const shop = defineTable({
  name: 'collections_shop',
  hash: 'pk',
  range: 'sk',
  indexes: { gsi1: { hash: 'gsi1pk', range: 'gsi1sk' } },
});

@Entity(shop, { keys: { pk: 'USER#{userId}', sk: 'PROFILE' } })
class User extends Model {
  @Attribute() userId!: string;
  @Attribute() name!: string;
}

@Entity(shop, {
  keys: { pk: 'USER#{userId}', sk: 'ORDER#{orderId}' },
  indexes: { gsi1: { pk: 'STATUS#{status}', sk: 'ORDER#{orderId}' } },
})
class Order extends Model {
  @Attribute() userId!: string;
  @Attribute() orderId!: string;
  @Attribute() status!: string;
  @Attribute() total!: number;
}

/** Sort keys interleave with Order's: `ORDER#o1`, `ORDERLINE#o1#001`, `ORDER#o2`… */
@Entity(shop, {
  keys: { pk: 'USER#{userId}', sk: 'ORDERLINE#{orderId}#{line:3}' },
  indexes: { gsi1: { pk: 'STATUS#{status}', sk: 'LINE#{orderId}#{line:3}' } },
})
class OrderLine extends Model {
  @Attribute() userId!: string;
  @Attribute() orderId!: string;
  @Attribute() line!: number;
  @Attribute() status!: string;
  @Attribute() sku!: string;
}

/** Another partition layout: keyed by the store, not the user. */
@Entity(shop, { keys: { pk: 'STORE#{storeId}', sk: 'INFO' } })
class Store extends Model {
  @Attribute() storeId!: string;
}

const config = localTestConfig();
const raw = new DynamoDBClient(config);
let connection: Connection;
let tableName: string;
const userItems = defineCollection({ users: User, orders: Order, lines: OrderLine });

beforeAll(async () => {
  connection = createConnection({ ...config, prefix: uniqueTablePrefix('collections') });
  await syncTables([User], { connection });
  tableName = connection.tableName(User.schema());
  await User.using(connection).create({ userId: 'u1', name: 'Ana' });
  for (let order = 1; order <= 8; order++) {
    const orderId = `o${order}`;
    await Order.using(connection).create({
      userId: 'u1',
      orderId,
      status: order % 2 ? 'open' : 'shipped',
      total: order * 10,
    });
    await OrderLine.using(connection).batchPut(
      [1, 2].map((line) => ({
        userId: 'u1',
        orderId,
        line,
        status: order % 2 ? 'open' : 'shipped',
        sku: `sku-${order}-${line}`,
      })),
    );
  }
  // An item of no entity in the same partition: never returned, never decoded.
  await raw.send(
    new PutItemCommand({ TableName: tableName, Item: { pk: { S: 'USER#u1' }, sk: { S: 'ORDER#legacy' } } }),
  );
  await User.using(connection).create({ userId: 'u2', name: 'Bo' });
});
afterAll(async () => {
  await connection.close();
  raw.destroy();
});

const collection = () => userItems.using(connection);

describe('a collection query', () => {
  it('returns every item of the partition as an instance of its own class, in sort key order', async () => {
    const items = await collection().query({ userId: 'u1' }).all();
    expect(items).toHaveLength(1 + 8 + 16);
    // `ORDER#o1`…`ORDER#o8`, then `ORDERLINE#o1#001`…, then `PROFILE`.
    expect(items.map((item) => item.constructor.name)).toEqual([
      ...Array<string>(8).fill('Order'),
      ...Array<string>(16).fill('OrderLine'),
      'User',
    ]);
    expect(items[items.length - 1]).toBeInstanceOf(User);
    const order = items[0] as Order;
    expect(order).toEqual(Object.assign(new Order(), { userId: 'u1', orderId: 'o1', status: 'open', total: 10 }));
    // Each is a stored instance of its class: save() writes what changed.
    order.total = 11;
    await order.save();
    expect((await Order.using(connection).getOrFail({ userId: 'u1', orderId: 'o1' })).total).toBe(11);
    order.total = 10;
    await order.save();
  });

  it('with a page size of 7, yields every item exactly once across cursors', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await collection().query({ userId: 'u1' }, { pageSize: 7 }).page({ cursor, limit: 7 });
      for (const item of page.items) {
        const identity =
          item instanceof User
            ? `user:${item.userId}`
            : item instanceof Order
              ? `order:${item.orderId}`
              : `line:${item.orderId}/${item.line}`;
        seen.push(identity);
      }
      cursor = page.cursor;
      pages++;
    } while (cursor);
    expect(seen).toHaveLength(25);
    expect(new Set(seen).size).toBe(25);
    expect(pages).toBeGreaterThanOrEqual(4);
    // Lazily, page by page, the same items.
    const lazily: string[] = [];
    for await (const item of collection().query({ userId: 'u1' }, { pageSize: 7 })) lazily.push(item.constructor.name);
    expect(lazily).toHaveLength(25);
  });

  it('groups by member, counts, limits and reads in reverse', async () => {
    const { users, orders, lines } = await collection().query({ userId: 'u1' }).grouped();
    expect([users.length, orders.length, lines.length]).toEqual([1, 8, 16]);
    expect(users[0]?.name).toBe('Ana');
    expect(lines.every((line) => line instanceof OrderLine)).toBe(true);
    expect(await collection().query({ userId: 'u1' }).count()).toBe(25);
    expect(await collection().query({ userId: 'u1' }, { limit: 3 }).all()).toHaveLength(3);
    const first = await collection().query({ userId: 'u1' }, { reverse: true }).first();
    expect(first).toBeInstanceOf(User);
  });

  it('filters each member by its own condition; members without one come whole', async () => {
    const { users, orders, lines } = await collection()
      .query({ userId: 'u1' }, { filter: { orders: (c) => c.gt('total', 50), lines: { line: 2 } }, pageSize: 5 })
      .grouped();
    expect(users).toHaveLength(1);
    expect(orders.map((order) => order.total)).toEqual([60, 70, 80]);
    expect(lines.map((line) => line.line)).toEqual(Array(8).fill(2));
  });

  it('projects each member by its own attribute list; the others are read whole', async () => {
    const { orders, lines, users } = await collection()
      .query({ userId: 'u1' }, { projection: { orders: ['total'] } })
      .grouped();
    expect(orders[0]).toMatchObject({ userId: 'u1', orderId: 'o1', total: 10 });
    expect(orders[0]?.status).toBeUndefined();
    expect(lines[0]).toMatchObject({ sku: 'sku-1-1', status: 'open' });
    expect(users[0]?.name).toBe('Ana');
  });

  it('reads an overloaded index by each member’s index templates', async () => {
    const byStatus = defineCollection({ orders: Order, lines: OrderLine }).using(connection);
    const open = await byStatus.query({ status: 'open' }, { index: 'gsi1' }).grouped();
    expect(open.orders.map((order) => order.orderId)).toEqual(['o1', 'o3', 'o5', 'o7']);
    expect(open.lines).toHaveLength(8);
    expect(open.lines.every((line) => line.status === 'open')).toBe(true);
  });

  it('refuses a cursor of another read, and one of its own read with other filters', async () => {
    const own = await collection().query({ userId: 'u1' }).page({ limit: 2 });
    const ofOrders = await Order.using(connection).query({ userId: 'u1' }).page({ limit: 2 });
    await expect(collection().query({ userId: 'u1' }).page({ cursor: ofOrders.cursor })).rejects.toMatchObject({
      rule: 'cursor',
    });
    await expect(
      collection()
        .query({ userId: 'u1' }, { filter: { orders: { total: 1 } } })
        .page({ cursor: own.cursor }),
    ).rejects.toMatchObject({ rule: 'cursor' });
  });
});

describe('a collection batchGet', () => {
  it('reads keys of several entities in one batch, each as its class, in key order per member', async () => {
    const result = await collection().batchGet({
      users: [{ userId: 'u1' }, { userId: 'nobody' }],
      orders: [
        { userId: 'u1', orderId: 'o2' },
        { userId: 'u1', orderId: 'o1' },
        { userId: 'u1', orderId: 'o2' },
      ],
      lines: [{ userId: 'u1', orderId: 'o3', line: 2 }],
    });
    expect(result.failures).toEqual([]);
    expect(result.calls).toBe(1);
    expect(result.items.users.map((user) => user?.name)).toEqual(['Ana', undefined]);
    expect(result.items.orders.map((order) => order?.total)).toEqual([20, 10, 20]);
    expect(result.items.orders[0]).toBeInstanceOf(Order);
    expect(result.items.lines[0]).toMatchObject({ sku: 'sku-3-2' });
  });

  it('refuses a bad key or an unknown member before sending', async () => {
    await expect(collection().batchGet({ orders: [{ userId: 'u1' }] })).rejects.toThrow(
      /batchGet key 0: .*nothing was read/,
    );
    await expect(collection().batchGet({ stores: [{ storeId: 's' }] } as never)).rejects.toThrow(
      /"stores" is not a member/,
    );
  });
});

describe('refused before sending', () => {
  it('a key property no partition template names, and members that read different partitions', () => {
    expect(() => collection().query({ userId: 'u1', orderId: 'o1' })).toThrow(
      /"orderId" is in no member's partition template/,
    );
    const mixed = defineCollection({ users: User, stores: Store }).using(connection);
    expect(() => mixed.query({ userId: 'u1', storeId: 's1' })).toThrow(ValidationError);
    expect(() => mixed.query({ userId: 'u1', storeId: 's1' })).toThrow(/a collection reads one partition/);
  });

  it('a model that is not an entity, and a member not in the index', () => {
    @Table({ name: 'collections_plain' })
    class Plain extends Model {
      @HashKey() id!: string;
    }
    expect(() => defineCollection({ users: User, plain: Plain }).using(connection).query({ userId: 'u1' })).toThrow(
      ModelDefinitionError,
    );
    expect(() =>
      defineCollection({ users: User, orders: Order }).using(connection).query({ status: 'open' }, { index: 'gsi1' }),
    ).toThrow(/is not in index "gsi1"/);
  });
});
