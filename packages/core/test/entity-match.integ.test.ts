import 'reflect-metadata';
import { DynamoDBClient, GetItemCommand, PutItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { localTestConfig, uniqueTablePrefix } from '@dynamodel/local/jest';
import { Entity } from '../src/metadata/decorators';
import { defineTable } from '../src/single-table/define-table';
import { defineCollection } from '../src/model/collection';
import { streamDecoder } from '../src/streams/stream-decoder';
import {
  Attribute,
  DecodeError,
  EntityMismatchError,
  Model,
  ModelDefinitionError,
  createConnection,
  type Connection,
} from '../src';

// Issue 26 §2: mapping a table written before Dynamodel, whose items carry no entity attribute.
// Entities say how to recognise their items (`match`: by key prefixes or a predicate); items no
// entity recognises are never decoded. Against DynamoDB Local.

const legacy = defineTable({ name: 'match_legacy', hash: 'PK', range: 'SK' });

@Entity(legacy, { keys: { pk: 'CUST#{customerId}', sk: 'PROFILE' }, match: 'keys' })
class Customer extends Model {
  @Attribute() customerId!: string;
  @Attribute() name!: string;
}

@Entity(legacy, { keys: { pk: 'CUST#{customerId}', sk: 'ORDER#{orderId}' }, match: 'keys' })
class LegacyOrder extends Model {
  @Attribute() customerId!: string;
  @Attribute() orderId!: string;
  @Attribute() total!: number;
}

@Entity(legacy, {
  keys: { pk: 'CUST#{customerId}', sk: 'DOC#{docId}' },
  match: (item) => item.kind?.S === 'invoice',
})
class Invoice extends Model {
  @Attribute() customerId!: string;
  @Attribute() docId!: string;
  @Attribute() kind!: string;
  @Attribute() amount!: number;
}

/** Recognises nothing without the entity attribute. */
@Entity(legacy, { keys: { pk: 'CUST#{customerId}', sk: 'NOTE#{noteId}' } })
class Note extends Model {
  @Attribute() customerId!: string;
  @Attribute() noteId!: string;
}

const config = localTestConfig();
const raw = new DynamoDBClient(config);
let connection: Connection;
let tableName: string;

const item = (sk: string, rest: Record<string, AttributeValue> = {}, pk = 'CUST#c1') => ({
  PK: { S: pk },
  SK: { S: sk },
  customerId: { S: pk.slice('CUST#'.length) },
  ...rest,
});
const legacyItems = [
  item('PROFILE', { name: { S: 'Ana' } }),
  item('ORDER#o1', { orderId: { S: 'o1' }, total: { N: '10' } }),
  item('ORDER#o2', { orderId: { S: 'o2' }, total: { N: '20' } }),
  item('DOC#1', { docId: { S: '1' }, kind: { S: 'invoice' }, amount: { N: '5' } }),
  item('DOC#2', { docId: { S: '2' }, kind: { S: 'credit-note' }, amount: { N: '7' } }),
  item('NOTE#1', { noteId: { S: '1' } }),
  item('PROFILE', { name: { S: 'Bo' } }, 'CUST#c2'),
];

beforeAll(async () => {
  connection = createConnection({ ...config, prefix: uniqueTablePrefix('match') });
  await connection.syncTables([Customer]);
  tableName = connection.tableName(Customer.schema());
  for (const legacyItem of legacyItems) await raw.send(new PutItemCommand({ TableName: tableName, Item: legacyItem }));
});
afterAll(async () => {
  await connection.close();
  raw.destroy();
});

const stored = async (sk: string, pk = 'CUST#c1') =>
  (await raw.send(new GetItemCommand({ TableName: tableName, Key: { PK: { S: pk }, SK: { S: sk } } }))).Item;

describe('items without the entity attribute', () => {
  it('get recognises them by key prefixes or the predicate, and refuses what the entity does not recognise', async () => {
    expect(await Customer.using(connection).getOrFail({ customerId: 'c1' })).toEqual(
      Object.assign(new Customer(), { customerId: 'c1', name: 'Ana' }),
    );
    expect((await LegacyOrder.using(connection).getOrFail({ customerId: 'c1', orderId: 'o2' })).total).toBe(20);
    expect((await Invoice.using(connection).getOrFail({ customerId: 'c1', docId: '1' })).amount).toBe(5);
    await expect(Invoice.using(connection).get({ customerId: 'c1', docId: '2' })).rejects.toMatchObject({
      constructor: DecodeError,
      rule: 'entity',
    });
    await expect(Note.using(connection).get({ customerId: 'c1', noteId: '1' })).rejects.toBeInstanceOf(DecodeError);
  });

  it('queries and scans keep the recognised ones; limits and counts count only those', async () => {
    const orders = await LegacyOrder.using(connection).query({ customerId: 'c1' }).all();
    expect(orders.map((order) => order.orderId)).toEqual(['o1', 'o2']);
    const invoices = Invoice.using(connection).query({ customerId: 'c1' });
    expect((await invoices.all()).map((invoice) => invoice.docId)).toEqual(['1']);
    expect(await invoices.count()).toBe(1);
    const page = await Invoice.using(connection).query({ customerId: 'c1' }, { pageSize: 1 }).page({ limit: 1 });
    expect(page.items.map((invoice) => invoice.docId)).toEqual(['1']);
    expect((await Customer.using(connection).scan().all()).map((customer) => customer.name).sort()).toEqual([
      'Ana',
      'Bo',
    ]);
    expect(await Note.using(connection).query({ customerId: 'c1' }).all()).toEqual([]);
  });

  it('a collection dispatches each to the member that recognises it, and skips the rest', async () => {
    const all = defineCollection({ customers: Customer, orders: LegacyOrder, invoices: Invoice, notes: Note });
    const grouped = await all.using(connection).query({ customerId: 'c1' }).grouped();
    expect(grouped.customers.map((customer) => customer.name)).toEqual(['Ana']);
    expect(grouped.orders).toHaveLength(2);
    expect(grouped.invoices.map((invoice) => invoice.docId)).toEqual(['1']);
    expect(grouped.notes).toEqual([]);
    // One member alone recognising items without the attribute: its filter applies to them too.
    const filtered = await defineCollection({ orders: LegacyOrder, notes: Note })
      .using(connection)
      .query({ customerId: 'c1' }, { filter: { orders: (c) => c.gt('total', 15) } })
      .grouped();
    expect(filtered.orders.map((order) => order.orderId)).toEqual(['o2']);
    // Several: a filter could not tell their items apart, so it is refused before sending.
    expect(() =>
      all.using(connection).query({ customerId: 'c1' }, { filter: { orders: (c) => c.gt('total', 15) } }),
    ).toThrow(/customers and orders and invoices all recognise items without _et/);
  });

  it('writes replace a recognised item and store the entity attribute from then on', async () => {
    const order = await LegacyOrder.using(connection).getOrFail({ customerId: 'c1', orderId: 'o1' });
    order.total = 11;
    await order.save();
    expect(await stored('ORDER#o1')).toMatchObject({ total: { N: '11' }, _et: { S: 'LegacyOrder' } });
    await Customer.using(connection).put({ customerId: 'c2', name: 'Bob' });
    expect(await stored('PROFILE', 'CUST#c2')).toMatchObject({ name: { S: 'Bob' }, _et: { S: 'Customer' } });
  });

  it('an entity without match never replaces an item without the entity attribute', async () => {
    await expect(Note.using(connection).put({ customerId: 'c1', noteId: '1' })).rejects.toMatchObject({
      constructor: EntityMismatchError,
      found: undefined,
    });
    expect(await stored('NOTE#1')).toEqual(item('NOTE#1', { noteId: { S: '1' } }));
  });

  it('a stream record of such an item decodes as the entity that recognises it', () => {
    const [change] = streamDecoder(legacy, { connection }).decode([
      {
        eventName: 'INSERT',
        dynamodb: {
          Keys: { PK: { S: 'CUST#c9' }, SK: { S: 'ORDER#x' } },
          NewImage: item('ORDER#x', { orderId: { S: 'x' }, total: { N: '1' } }, 'CUST#c9'),
        },
      },
    ]);
    expect(change).toMatchObject({ entity: 'LegacyOrder' });
    expect(change?.model).toBe(LegacyOrder);
  });
});

describe('declaring match', () => {
  it("refuses match: 'keys' where no key template starts with literal text, and a match of another kind", () => {
    const table = defineTable({ name: 'match_bad', hash: 'pk' });
    @Entity(table, { keys: { pk: '{id}' }, match: 'keys' })
    class Bare extends Model {
      @Attribute() id!: string;
    }
    expect(() => Bare.schema()).toThrow(ModelDefinitionError);
    expect(() => Bare.schema()).toThrow(/needs a key template that starts with literal text/);
    @Entity(table, { keys: { pk: 'X#{id}' }, match: 'prefix' as never })
    class Odd extends Model {
      @Attribute() id!: string;
    }
    expect(() => Odd.schema()).toThrow(/match is 'keys' or a function/);
  });
});
