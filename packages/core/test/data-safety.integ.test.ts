import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { localTestConfig, uniqueTablePrefix } from '@dynamodel/local/jest';
import {
  Attribute,
  ConditionFailedError,
  HashKey,
  Json,
  Model,
  Table,
  ValidationError,
  createConnection,
  type Connection,
} from '../src';

// Issue 10 §1 against DynamoDB Local: maps whose keys are __proto__, constructor and prototype are
// stored, read back as own properties through every codec, and written again; a condition term
// that has no stored form is refused instead of being dropped.

class Note {
  @Attribute({ type: Object, of: String }) labels!: Record<string, string>;
}

@Table({ name: 'awkward_keys' })
class Awkward extends Model {
  @HashKey() id!: string;
  @Attribute({ type: Object, of: Number }) counts!: Record<string, number>;
  @Attribute({ type: Map, of: String }) names!: Map<string, string>;
  @Attribute({ type: Note }) note!: Note;
  @Attribute({ type: Json }) doc!: unknown;
  @Attribute({ type: Set, of: String, optional: true }) tags?: Set<string>;
}

const KEYS = ['__proto__', 'constructor', 'prototype'];
/** An object whose entries are own properties, as JSON.parse makes them from a request body. */
const own = <T>(value: (key: string) => T): Record<string, T> =>
  JSON.parse(JSON.stringify(Object.fromEntries(KEYS.map((key) => [key, value(key)])))) as Record<string, T>;

const config = localTestConfig();
const raw = new DynamoDBClient(config);
let connection: Connection;

beforeAll(async () => {
  connection = createConnection({ ...config, prefix: uniqueTablePrefix('data_safety') });
  await connection.syncTables([Awkward]);
});
afterAll(async () => {
  raw.destroy();
  await connection.close();
});

function expectOwn(object: unknown, expected: Record<string, unknown>): void {
  expect(Object.getPrototypeOf(object)).toBe(Object.prototype);
  expect(Object.keys(object as object).sort()).toEqual(Object.keys(expected).sort());
  for (const key of Object.keys(expected)) {
    expect(Object.getOwnPropertyDescriptor(object, key)?.value).toEqual(expected[key]);
  }
}

it('stores, reads and writes again maps keyed __proto__, constructor and prototype through every codec', async () => {
  const awkward = Awkward.using(connection);
  const input = {
    id: 'a1',
    counts: own((key) => key.length),
    names: new Map(KEYS.map((key) => [key, key.toUpperCase()])),
    note: { labels: own((key) => `label ${key}`) },
    doc: own((key) => ({ nested: own(() => key), list: [own(() => 1)] })),
  };
  await awkward.create(input);

  const stored = await raw.send(
    new GetItemCommand({ TableName: connection.tableName(Awkward.schema()), Key: { id: { S: 'a1' } } }),
  );
  expect(Object.keys(stored.Item?.counts?.M ?? {}).sort()).toEqual([...KEYS].sort());
  expect(Object.keys(stored.Item?.doc?.M?.['__proto__']?.M?.nested?.M ?? {}).sort()).toEqual([...KEYS].sort());

  const read = await awkward.getOrFail('a1', { consistent: true });
  expectOwn(read.counts, input.counts);
  expect(new Map([...read.names].sort())).toEqual(new Map([...input.names].sort())); // DynamoDB keeps no map order
  expectOwn(read.note.labels, input.note.labels);
  expectOwn(read.doc, input.doc);
  expectOwn(
    (read.doc as Record<string, { nested: unknown }>)['__proto__']?.nested,
    own(() => '__proto__'),
  );

  // Written back as read: DynamoDB accepts it, and the item is unchanged.
  read.counts['constructor'] = 99;
  await awkward.put(read);
  const again = await awkward.getOrFail('a1', { consistent: true });
  expectOwn(again.counts, { ...own((key) => key.length), constructor: 99 });
  expectOwn(again.doc, input.doc);
});

it('a condition term comparing with an empty set is never dropped: it means "absent", so nothing is deleted', async () => {
  const awkward = Awkward.using(connection);
  await awkward.put({ id: 'c1', counts: {}, names: new Map(), note: { labels: {} }, doc: {}, tags: new Set(['x']) });
  // Before: the empty set encoded to nothing and the delete went out unconditional.
  const error: unknown = await awkward.delete('c1', { condition: { tags: new Set() } }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ConditionFailedError);
  expect(await awkward.get('c1', { consistent: true })).toBeDefined();
  // And it holds where the attribute is indeed absent.
  await awkward.put({ id: 'c2', counts: {}, names: new Map(), note: { labels: {} }, doc: {} });
  expect(await awkward.delete('c2', { condition: { tags: new Set() } })).toBeDefined();
});

it('create names every missing required attribute in one error, before sending', async () => {
  const error: unknown = await Awkward.using(connection)
    .create({ id: 'm1', names: new Map() } as never)
    .catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ValidationError);
  expect((error as Error).message).toBe('Awkward: counts, note, doc are required but undefined [required]');
  expect((error as ValidationError).attributes).toEqual(['counts', 'note', 'doc']);
  expect((error as ValidationError).attribute).toBe('counts');
  expect(await Awkward.using(connection).get('m1', { consistent: true })).toBeUndefined();
});
