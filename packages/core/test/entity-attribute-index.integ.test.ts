import 'reflect-metadata';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { localTestConfig, uniqueTablePrefix } from '@dynamodel/local/jest';
import {
  Attribute,
  Entity,
  Model,
  ModelDefinitionError,
  createConnection,
  defineCollection,
  defineTable,
  type Connection,
} from '../src';

// Issue 26 §5: a shared table's global index keyed on the entities' own attributes (DynamoDB's
// multi-attribute keys) beside an overloaded one, against DynamoDB Local.

const desk = defineTable({
  name: 'attribute_index_desk',
  hash: 'pk',
  range: 'sk',
  indexes: {
    gsi1: { hash: 'gsi1pk', range: 'gsi1sk' },
    byTenant: { attributes: { hash: { tenantId: 'S', status: 'S' }, range: { placed: 'S' } } },
  },
});

@Entity(desk, { keys: { pk: 'TICKET#{ticketId}', sk: 'TICKET' } })
class Ticket extends Model {
  @Attribute() ticketId!: string;
  @Attribute() tenantId!: string;
  @Attribute() status!: string;
  @Attribute() placed!: Date;
}

@Entity(desk, { keys: { pk: 'INVOICE#{invoiceId}', sk: 'INVOICE' } })
class Invoice extends Model {
  @Attribute() invoiceId!: string;
  @Attribute() tenantId!: string;
  @Attribute() status!: string;
  @Attribute() placed!: Date;
  @Attribute() amount!: number;
}

/** Declares none of the index's attributes: not in it. */
@Entity(desk, { keys: { pk: 'NOTE#{noteId}', sk: 'NOTE' } })
class Note extends Model {
  @Attribute() noteId!: string;
}

const config = localTestConfig();
const raw = new DynamoDBClient(config);
let connection: Connection;

beforeAll(async () => {
  connection = createConnection({ ...config, prefix: uniqueTablePrefix('attribute_index') });
  // Created from the entity that is in neither index: the table still has both.
  await connection.syncTables([Note]);
  const at = (minute: number) => new Date(Date.UTC(2026, 11, 4, 10, minute));
  await Ticket.using(connection).create({ ticketId: 'k1', tenantId: 't1', status: 'open', placed: at(1) });
  await Ticket.using(connection).create({ ticketId: 'k2', tenantId: 't1', status: 'open', placed: at(5) });
  await Ticket.using(connection).create({ ticketId: 'k3', tenantId: 't1', status: 'closed', placed: at(2) });
  await Invoice.using(connection).create({ invoiceId: 'i1', tenantId: 't1', status: 'open', placed: at(3), amount: 9 });
  await Note.using(connection).create({ noteId: 'n1' });
});
afterAll(async () => {
  await connection.close();
  raw.destroy();
});

describe('an index keyed on the entities’ own attributes', () => {
  it('is created with its multi-attribute key, whichever entity creates the table', async () => {
    const { Table } = await raw.send(new DescribeTableCommand({ TableName: connection.tableName(Note.schema()) }));
    const index = Table?.GlobalSecondaryIndexes?.find((candidate) => candidate.IndexName === 'byTenant');
    expect(index?.KeySchema).toEqual([
      { AttributeName: 'tenantId', KeyType: 'HASH' },
      { AttributeName: 'status', KeyType: 'HASH' },
      { AttributeName: 'placed', KeyType: 'RANGE' },
    ]);
    expect(Table?.GlobalSecondaryIndexes?.map((candidate) => candidate.IndexName).sort()).toEqual(['byTenant', 'gsi1']);
  });

  it('is queried by the attributes, with where on its sort key, yielding the entity’s own items only', async () => {
    const open = await Ticket.using(connection)
      .query({ index: 'byTenant', key: { tenantId: 't1', status: 'open' } })
      .all();
    expect(open.map((ticket) => ticket.ticketId)).toEqual(['k1', 'k2']);
    const later = await Ticket.using(connection)
      .query(
        { index: 'byTenant', key: { tenantId: 't1', status: 'open' } },
        { where: (k) => k.gt('placed', new Date(Date.UTC(2026, 11, 4, 10, 2))) },
      )
      .all();
    expect(later.map((ticket) => ticket.ticketId)).toEqual(['k2']);
    const invoices = await Invoice.using(connection)
      .query({ index: 'byTenant', key: { tenantId: 't1', status: 'open' } })
      .all();
    expect(invoices.map((invoice) => invoice.invoiceId)).toEqual(['i1']);
  });

  it('a collection reads it across the entities that hold the attributes', async () => {
    const work = defineCollection({ tickets: Ticket, invoices: Invoice }).using(connection);
    const items = await work.query({ tenantId: 't1', status: 'open' }, { index: 'byTenant' }).all();
    expect(items.map((item) => item.constructor.name)).toEqual(['Ticket', 'Invoice', 'Ticket']);
  });

  it('refuses an entity that is not in it, before sending', () => {
    expect(() => Note.using(connection).query({ index: 'byTenant', key: { noteId: 'n1' } })).toThrow(
      /is not in index "byTenant": it declares no attribute stored as tenantId, status/,
    );
    expect(() =>
      defineCollection({ tickets: Ticket, notes: Note })
        .using(connection)
        .query({ tenantId: 't1', status: 'open' }, { index: 'byTenant' }),
    ).toThrow(/is not in index "byTenant"/);
  });

  it('refuses, when the model compiles, a key attribute of another type and templates for it', () => {
    @Entity(desk, { keys: { pk: 'X#{id}', sk: 'X' } })
    class Numbered extends Model {
      @Attribute() id!: string;
      @Attribute() tenantId!: number;
    }
    expect(() => Numbered.schema()).toThrow(ModelDefinitionError);
    expect(() => Numbered.schema()).toThrow(/declared of type S, but it is a number \(N\)/);
    @Entity(desk, { keys: { pk: 'Y#{id}', sk: 'Y' }, indexes: { byTenant: { pk: 'T#{id}' } } })
    class Templated extends Model {
      @Attribute() id!: string;
    }
    expect(() => Templated.schema()).toThrow(/keyed on the entities' own attributes, so it takes no templates/);
  });

  it('refuses a bad declaration in defineTable', () => {
    expect(() =>
      defineTable({
        name: 'attribute_index_bad',
        hash: 'pk',
        indexes: { big: { attributes: { hash: { a: 'S', b: 'S', c: 'S', d: 'S', e: 'S' } } } },
      }),
    ).toThrow(/a key has 1 to 4/);
    expect(() =>
      defineTable({
        name: 'attribute_index_bad',
        hash: 'pk',
        indexes: { odd: { attributes: { hash: { a: 'BOOL' as 'S' } } } },
      }),
    ).toThrow(/key attributes are 'S', 'N' or 'B'/);
  });
});
