import 'reflect-metadata';
import { DynamoDBClient, GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { localTestConfig, uniqueTablePrefix } from '@dynamodel/local/jest';
import {
  Attribute,
  ConditionFailedError,
  Defaults,
  HashKey,
  ItemNotFoundError,
  Json,
  Model,
  Table,
  ValidationError,
  createConnection,
  type Connection,
} from '../src';
import { Placeholders } from '../src/expressions/placeholders';
import { compileUpdate } from '../src/expressions/compile-update';
import { buildUpdate, type UpdateInput } from '../src/expressions/update';
import { compileModel } from '../src';

// Issue 11 §2: update through a real request, on reserved words and odd names; attributes not
// named are never touched; every refusal happens before sending.

class Place {
  @Attribute({ name: 'city-name' }) city!: string;
  @Attribute({ optional: true }) zip?: string;
}

@Table({ name: 'updates', unknownAttributes: 'keep' })
class Counter extends Model {
  declare [Defaults]?: 'hits';
  @HashKey() id!: string;
  @Attribute() comment!: string; // reserved word
  @Attribute({ name: 'hit.count', default: 0 }) hits!: number;
  @Attribute({ optional: true }) total?: bigint;
  @Attribute({ type: Set, of: String, optional: true }) tags?: Set<string>;
  @Attribute({ type: Array, of: String, optional: true }) log?: string[];
  @Attribute({ type: Place, optional: true }) place?: Place;
  @Attribute({ type: Json, optional: true }) meta?: unknown;
  @Attribute({ optional: true }) note?: string;
}

const config = localTestConfig();
const raw = new DynamoDBClient(config);
let connection: Connection;
const counters = () => Counter.using(connection);
const table = () => connection.tableName(Counter.schema());

beforeAll(async () => {
  connection = createConnection({ ...config, prefix: uniqueTablePrefix('update') });
  await connection.syncTables([Counter]);
});
afterAll(async () => {
  raw.destroy();
  await connection.close();
});

describe('update', () => {
  it('sets, increments, adds, appends and removes in one request, and returns the updated instance', async () => {
    await counters().put({ id: 'u1', comment: 'first', note: 'temporary', tags: new Set(['a']) });
    const updated = await counters().update('u1', (u) =>
      u
        .set('comment', 'second')
        .increment('hits', 5)
        .increment('total', 10n)
        .add('tags', new Set(['b']))
        .append('log', ['one', 'two'])
        .set('place', Object.assign(new Place(), { city: 'Delft' }))
        .remove('note'),
    );
    expect(updated).toBeInstanceOf(Counter);
    expect(updated).toMatchObject({ comment: 'second', hits: 5, total: 10n, log: ['one', 'two'], note: undefined });
    expect(updated.tags).toEqual(new Set(['a', 'b']));
    expect(updated.place).toBeInstanceOf(Place);
    const again = await counters().update('u1', (u) =>
      u
        .decrement('hits', 2)
        .prepend('log', ['zero'])
        .delete('tags', new Set(['a']))
        .set('place.zip', '2611'),
    );
    expect(again).toMatchObject({ hits: 3, log: ['zero', 'one', 'two'] });
    expect(again.tags).toEqual(new Set(['b']));
    expect(again.place).toMatchObject({ city: 'Delft', zip: '2611' });
  });

  it('never touches attributes it does not name, including ones another program stored', async () => {
    await counters().put({ id: 'u2', comment: 'mine' });
    await raw.send(
      new UpdateItemCommand({
        TableName: table(),
        Key: { id: { S: 'u2' } },
        UpdateExpression: 'SET legacy_field = :o',
        ExpressionAttributeValues: { ':o': { S: 'theirs' } },
      }),
    );
    await counters().update('u2', { comment: 'changed' });
    const stored = await raw.send(new GetItemCommand({ TableName: table(), Key: { id: { S: 'u2' } } }));
    expect(stored.Item).toEqual({
      id: { S: 'u2' },
      comment: { S: 'changed' },
      'hit.count': { N: '0' },
      legacy_field: { S: 'theirs' },
    });
  });

  it('ifNotExists sets a default that never overwrites', async () => {
    await counters().put({ id: 'u3', comment: 'c' });
    expect((await counters().update('u3', (u) => u.ifNotExists('note', 'default'))).note).toBe('default');
    expect((await counters().update('u3', (u) => u.ifNotExists('note', 'other'))).note).toBe('default');
  });

  it('requires the item to exist unless upsert, and takes a condition', async () => {
    await expect(counters().update('missing', { comment: 'x' })).rejects.toBeInstanceOf(ItemNotFoundError);
    expect(await counters().get('missing', { consistent: true })).toBeUndefined();
    const created = await counters().update('upserted', (u) => u.set('comment', 'new').increment('hits'), {
      upsert: true,
    });
    expect(created).toMatchObject({ comment: 'new', hits: 1 });
    await expect(
      counters().update('upserted', { comment: 'no' }, { condition: (c) => c.gt('hits', 5) }),
    ).rejects.toBeInstanceOf(ConditionFailedError);
    expect((await counters().getOrFail('upserted', { consistent: true })).comment).toBe('new');
  });

  it('setting undefined or an empty set removes an optional attribute', async () => {
    await counters().put({ id: 'u4', comment: 'c', note: 'n', tags: new Set(['x']) });
    const updated = await counters().update('u4', { note: undefined, tags: new Set() });
    expect(updated.note).toBeUndefined();
    expect(updated.tags).toEqual(new Set());
  });
});

describe('update refusals (before sending)', () => {
  const schema = compileModel<Counter>(Counter);
  const compile = (input: UpdateInput<Counter>) => compileUpdate(schema, buildUpdate(input), new Placeholders());
  const rule = (input: UpdateInput<Counter>): string | undefined => {
    try {
      compile(input);
    } catch (error) {
      if (error instanceof ValidationError) return error.rule;
      throw error;
    }
    return undefined;
  };

  it('compiles to one expression with every name and value through placeholders', () => {
    const placeholders = new Placeholders();
    const compiled = compileUpdate(
      schema,
      buildUpdate<Counter>((u) => u.set('comment', 'x').increment('hits').remove('note')),
      placeholders,
    );
    expect(compiled).toEqual({
      expression: 'SET #n0 = :v0, #n1 = if_not_exists(#n1, :v1) + :v2 REMOVE #n2',
      idempotent: false,
    });
    expect(placeholders.params().ExpressionAttributeNames).toEqual({
      '#n0': 'comment',
      '#n1': 'hit.count',
      '#n2': 'note',
    });
    expect(compile({ comment: 'x' }).idempotent).toBe(true);
  });

  it.each([
    ['an empty update', {}, 'update'],
    ['a key attribute', { id: 'new' }, 'key-update'],
    ['removing a required attribute', (u) => u.remove('comment'), 'required'],
    ['overlapping paths', (u) => u.set('place', { city: 'a' }).set('place.zip', '1'), 'overlapping-paths'],
    ['a wrong type', { hits: 'many' }, 'type'],
    ['an unknown attribute', { nope: 1 }, 'unknown-attribute'],
    ['increment on a string', (u) => u.increment('comment'), 'update'],
    ['add on a list', (u) => u.add('log', ['x'] as never), 'update'],
    ['null on a non-nullable attribute', { comment: null }, 'not-nullable'],
  ] as [string, UpdateInput<Counter>, string][])('refuses %s', (_name, input, expected) => {
    expect(rule(input)).toBe(expected);
  });
});
