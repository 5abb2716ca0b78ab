import 'reflect-metadata';
import { DynamoDBClient, GetItemCommand, PutItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { localTestConfig, uniqueTablePrefix } from '@dynamodel/local/jest';
import {
  Attribute,
  DecodeError,
  Entity,
  HashKey,
  Model,
  ModelDefinitionError,
  Table,
  MigrationError,
  createConnection,
  defineTable,
  migrator,
  upgradeBackfill,
  type Connection,
} from '../src';

// Issue 27 §4, migrate on read, against DynamoDB Local: a table holding items of three item-schema
// versions is read as the current one, and a save writes the upgrade back.

@Table({
  name: 'upgrades_people',
  upgrades: {
    version: 3,
    steps: {
      // v1 → v2: the full name split in two.
      1: ({ name, ...item }) => {
        const [first, ...rest] = String(name).split(' ');
        return { ...item, first, last: rest.join(' ') };
      },
      // v2 → v3: a display name.
      2: (item) => ({ ...item, display: `${String(item.first)} ${String(item.last)}`.trim() }),
    },
  },
})
class Person extends Model {
  @HashKey() id!: string;
  @Attribute() first!: string;
  @Attribute() last!: string;
  @Attribute() display!: string;
  @Attribute({ optional: true }) visits?: number;
}

@Table({
  name: 'upgrades_people',
  upgrades: {
    version: 2,
    steps: {
      1: () => {
        throw new Error('no way');
      },
    },
  },
})
class Broken extends Model {
  @HashKey() id!: string;
}

const config = localTestConfig();
const raw = new DynamoDBClient(config);
let connection: Connection;
let tableName: string;
const put = (item: Record<string, AttributeValue>) =>
  raw.send(new PutItemCommand({ TableName: tableName, Item: item }));
const stored = async (id: string) =>
  (await raw.send(new GetItemCommand({ TableName: tableName, Key: { id: { S: id } } }))).Item;

beforeAll(async () => {
  connection = createConnection({ ...config, prefix: uniqueTablePrefix('upgrades') });
  await connection.syncTables([Person]);
  tableName = connection.tableName(Person.schema());
  await put({ id: { S: 'p1' }, name: { S: 'Ana Lima' }, visits: { N: '3' } }); // version 1: no _v
  await put({ id: { S: 'p2' }, _v: { N: '2' }, first: { S: 'Bo' }, last: { S: 'Berg' } });
  await put({ id: { S: 'p3' }, _v: { N: '3' }, first: { S: 'Cy' }, last: { S: 'Cole' }, display: { S: 'Cy C.' } });
});
afterAll(async () => {
  await connection.close();
  raw.destroy();
});

const people = () => Person.using(connection);
const person = (fields: Partial<Person>) => Object.assign(new Person(), fields);

describe('migrate on read', () => {
  it('reads items of every older version as the current one', async () => {
    expect(await people().getOrFail('p1')).toEqual(
      person({ id: 'p1', first: 'Ana', last: 'Lima', display: 'Ana Lima', visits: 3 }),
    );
    expect(await people().getOrFail('p2')).toEqual(person({ id: 'p2', first: 'Bo', last: 'Berg', display: 'Bo Berg' }));
    expect(await people().getOrFail('p3')).toEqual(person({ id: 'p3', first: 'Cy', last: 'Cole', display: 'Cy C.' }));
    const all = await people().scan().all();
    expect(all.map((p) => p.display).sort()).toEqual(['Ana Lima', 'Bo Berg', 'Cy C.']);
    const { items } = await people().batchGet(['p1', 'p2']);
    expect(items.map((p) => p?.first)).toEqual(['Ana', 'Bo']);
  });

  it('save() writes the upgrade back, with the current version; put() replaces the old item whole', async () => {
    const bo = await people().getOrFail('p2');
    await bo.save();
    expect(await stored('p2')).toMatchObject({ _v: { N: '3' }, display: { S: 'Bo Berg' }, first: { S: 'Bo' } });
    const ana = await people().getOrFail('p1');
    ana.visits = 4;
    await ana.save();
    // save() never removes attributes the model does not declare: the v1 name stays until a put.
    expect(await stored('p1')).toMatchObject({
      _v: { N: '3' },
      first: { S: 'Ana' },
      visits: { N: '4' },
      name: { S: 'Ana Lima' },
    });
    await people().put(ana);
    expect((await stored('p1'))?.name).toBeUndefined();
    const created = await people().create({ id: 'p4', first: 'Di', last: 'Dunn', display: 'Di' });
    expect(created.first).toBe('Di');
    expect((await stored('p4'))?._v).toEqual({ N: '3' });
  });

  it('a projection reads current items, and refuses an old one (its upgrade needs the whole item)', async () => {
    await put({ id: { S: 'p5' }, name: { S: 'Eve Ek' } });
    const [current] = await people()
      .query('p3', { projection: ['display'] })
      .all();
    expect(current?.display).toBe('Cy C.');
    await expect(
      people()
        .query('p5', { projection: ['display'] })
        .all(),
    ).rejects.toMatchObject({
      constructor: DecodeError,
      rule: 'upgrade',
    });
  });

  it('an item of a newer version, or a failing step, is a DecodeError naming the model and version', async () => {
    await put({ id: { S: 'p6' }, _v: { N: '4' }, first: { S: 'F' }, last: { S: 'G' }, display: { S: 'F G' } });
    const newer = await people()
      .get('p6')
      .catch((error: unknown) => error);
    expect(newer).toBeInstanceOf(DecodeError);
    expect((newer as Error).message).toMatch(
      /Person\._v: the item is of version 4, and the model knows versions 1 to 3/,
    );
    const failing = await Broken.using(connection)
      .get('p5')
      .catch((error: unknown) => error);
    expect(failing).toMatchObject({ constructor: DecodeError, rule: 'upgrade' });
    expect((failing as Error).message).toMatch(/upgrades\.steps\[1\] failed: no way/);
  });

  it('works for an entity of a shared table too', async () => {
    const app = defineTable({ name: 'upgrades_app', hash: 'pk', range: 'sk' });
    @Entity(app, {
      keys: { pk: 'NOTE#{noteId}', sk: 'NOTE' },
      upgrades: { version: 2, steps: { 1: ({ body, ...item }) => ({ ...item, text: body }) } },
    })
    class Note extends Model {
      @Attribute() noteId!: string;
      @Attribute() text!: string;
    }
    await connection.syncTables([Note]);
    await raw.send(
      new PutItemCommand({
        TableName: connection.tableName(Note.schema()),
        Item: { pk: { S: 'NOTE#n1' }, sk: { S: 'NOTE' }, _et: { S: 'Note' }, noteId: { S: 'n1' }, body: { S: 'hi' } },
      }),
    );
    expect((await Note.using(connection).getOrFail({ noteId: 'n1' })).text).toBe('hi');
  });

  it.each<[string, object, RegExp]>([
    ['a version below 1', { version: 0, steps: {} }, /whole number of at least 1/],
    ['a missing step', { version: 3, steps: { 1: (i: object) => i } }, /upgrades\.steps\[2\] must be a function/],
    [
      'a step of no older version',
      { version: 2, steps: { 1: (i: object) => i, 5: (i: object) => i } },
      /steps\[5\] is not a version older than 2/,
    ],
    ['an attribute a field is stored under', { version: 1, steps: {}, attribute: 'id' }, /"id" is where id is stored/],
  ])('refuses %s when the model compiles', (_what, upgrades, message) => {
    @Table({ name: 'upgrades_bad', upgrades: upgrades as never })
    class Bad extends Model {
      @HashKey() id!: string;
    }
    expect(() => Bad.schema()).toThrow(ModelDefinitionError);
    expect(() => Bad.schema()).toThrow(message);
  });
});

describe('a backfill of the upgrades', () => {
  it('upgrades every older item in place as a read would; one the model cannot read is a dead letter', async () => {
    const backfill = createConnection({ ...config, prefix: uniqueTablePrefix('upgrades_backfill') });
    await backfill.syncTables([Person]);
    const table = backfill.tableName(Person.schema());
    const items: Record<string, AttributeValue>[] = [
      { id: { S: 'p1' }, name: { S: 'Ana Lima' }, visits: { N: '3' } },
      { id: { S: 'p2' }, _v: { N: '2' }, first: { S: 'Bo' }, last: { S: 'Berg' } },
      { id: { S: 'p3' }, _v: { N: '3' }, first: { S: 'Cy' }, last: { S: 'Cole' }, display: { S: 'Cy C.' } },
      { id: { S: 'bad' }, name: { S: 'Di Dee' }, visits: { S: 'many' } },
    ];
    for (const Item of items) await raw.send(new PutItemCommand({ TableName: table, Item }));
    const migrations = migrator(Person, [upgradeBackfill(Person)], { connection: backfill });
    expect((await migrations.outstanding()).map((m) => [m.version, m.description, m.down])).toEqual([
      [3, 'backfill: items upgraded to version 3 as reads upgrade them', undefined],
    ]);
    const [report] = await migrations.apply({ segments: 2 });
    expect(report?.counts).toMatchObject({ scanned: 4, migrated: 2, notDue: 1, deadLettered: 1 });
    expect(report?.state).toBe('incomplete');
    expect(report?.deadLetters.map((letter) => [letter.key, letter.reason])).toEqual([
      [{ id: { S: 'bad' } }, expect.stringMatching(/^up threw: .*visits/)],
    ]);
    const read = async (id: string) =>
      (await raw.send(new GetItemCommand({ TableName: table, Key: { id: { S: id } }, ConsistentRead: true }))).Item;
    expect(await read('p1')).toEqual({
      id: { S: 'p1' },
      first: { S: 'Ana' },
      last: { S: 'Lima' },
      display: { S: 'Ana Lima' },
      visits: { N: '3' },
      _v: { N: '3' },
    });
    expect(await read('p2')).toEqual({
      id: { S: 'p2' },
      first: { S: 'Bo' },
      last: { S: 'Berg' },
      display: { S: 'Bo Berg' },
      _v: { N: '3' },
    });
    expect(await read('bad')).toEqual(items[3]);
    expect((await Person.using(backfill).getOrFail('p1')).display).toBe('Ana Lima');
    await backfill.close();
  });

  it('is refused for a model that declares no upgrades', () => {
    @Table({ name: 'upgrades_none' })
    class Plain extends Model {
      @HashKey() id!: string;
    }
    expect(() => upgradeBackfill(Plain)).toThrow(MigrationError);
    expect(() => upgradeBackfill(Plain)).toThrow(/Plain: declares no upgrades/);
  });
});
