import 'reflect-metadata';
import { localTestConfig, uniqueTablePrefix } from '@dynamodel/local/jest';
import {
  Attribute,
  ConditionFailedError,
  HashKey,
  Json,
  Model,
  Table,
  createConnection,
  type Connection,
} from '../src';
import type { ConditionInput } from '../src/expressions/condition';

// Every condition operator through a real request to DynamoDB Local (issue 11 §1), on reserved
// words and stored names with dots, dashes and `#`: each is sent once where it holds (the write
// happens) and once where it does not (ConditionFailedError, nothing changed).

class Place {
  @Attribute({ name: 'city-name' }) city!: string;
}

@Table({ name: 'odd_names' })
class Odd extends Model {
  @HashKey() id!: string;
  @Attribute({ name: 'a.b' }) dotted!: string;
  @Attribute({ name: 'x-y#z' }) strange!: string;
  @Attribute() comment!: string; // reserved word
  @Attribute() size!: number; // reserved word, and a function name
  @Attribute({ type: Set, of: String }) tags!: Set<string>;
  @Attribute({ type: Array, of: Number }) scores!: number[];
  @Attribute({ type: Place }) place!: Place;
  @Attribute({ type: Json }) meta!: unknown;
}

const config = localTestConfig();
let connection: Connection;
const base = (): Odd =>
  Object.assign(new Odd(), {
    id: 'o1',
    dotted: 'dot',
    strange: 'odd',
    comment: 'hello world',
    size: 5,
    tags: new Set(['red', 'blue']),
    scores: [1, 2, 3],
    place: Object.assign(new Place(), { city: 'Delft' }),
    meta: { kind: 'note', deep: [{ x: 1 }] },
  });

beforeAll(async () => {
  connection = createConnection({ ...config, prefix: uniqueTablePrefix('conditions') });
  await connection.syncTables([Odd]);
  await Odd.using(connection).put(base());
});
afterAll(() => connection.close());

const cases: [string, ConditionInput<Odd>, ConditionInput<Odd>][] = [
  ['eq on a name with a dot', (c) => c.eq('dotted', 'dot'), (c) => c.eq('dotted', 'other')],
  ['ne on a name with - and #', (c) => c.ne('strange', 'x'), (c) => c.ne('strange', 'odd')],
  ['lt / le on a reserved word', (c) => c.and(c.lt('size', 6), c.le('size', 5)), (c) => c.lt('size', 5)],
  ['gt / ge', (c) => c.and(c.gt('size', 4), c.ge('size', 5)), (c) => c.gt('size', 5)],
  ['between', (c) => c.between('size', 1, 5), (c) => c.between('size', 6, 9)],
  ['in', (c) => c.in('comment', ['x', 'hello world']), (c) => c.in('comment', ['x', 'y'])],
  ['beginsWith', (c) => c.beginsWith('comment', 'hello'), (c) => c.beginsWith('comment', 'world')],
  ['contains on a string', (c) => c.contains('comment', 'lo wo'), (c) => c.contains('comment', 'xyz')],
  ['contains on a set', (c) => c.contains('tags', 'red'), (c) => c.contains('tags', 'green')],
  ['contains on a list', (c) => c.contains('scores', 2), (c) => c.contains('scores', 9)],
  ['exists', (c) => c.exists('place'), (c) => c.exists('meta.missing')],
  ['notExists', (c) => c.notExists('meta.missing'), (c) => c.notExists('place.city')],
  ['attributeType', (c) => c.attributeType('meta', 'M'), (c) => c.attributeType('meta', 'L')],
  ['size', (c) => c.and(c.size('tags').eq(2), c.size('comment').gt(3)), (c) => c.size('scores').gt(3)],
  [
    'nested paths',
    (c) => c.and(c.eq('place.city', 'Delft'), c.eq('scores[1]', 2), c.eq('meta.deep[0].x', 1)),
    (c) => c.eq('place.city', 'Leiden'),
  ],
  [
    'and / or / not',
    (c) => c.or(c.eq('size', 1), c.not(c.eq('size', 1))),
    (c) => c.and(c.eq('size', 5), c.eq('size', 6)),
  ],
  ['an object of equalities', { comment: 'hello world', size: 5 }, { comment: 'hello world', size: 6 }],
  ['undefined and the empty set mean absent', (c) => c.ne('tags', new Set()), (c) => c.eq('tags', undefined)],
];

describe.each(cases)('%s', (_name, holds, fails) => {
  it('writes when it holds, and refuses with the stored item when it does not', async () => {
    const odd = Odd.using(connection);
    await odd.put(base(), { condition: holds });
    const error: unknown = await odd
      .put(Object.assign(base(), { comment: 'changed' }), { condition: fails })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConditionFailedError);
    expect((error as ConditionFailedError).item?.comment).toEqual({ S: 'hello world' });
    expect((await odd.getOrFail('o1', { consistent: true })).comment).toBe('hello world');
  });
});

it('delete takes the same conditions', async () => {
  const odd = Odd.using(connection);
  await odd.put(Object.assign(base(), { id: 'd1' }));
  await expect(odd.delete('d1', { condition: (c) => c.gt('size', 10) })).rejects.toBeInstanceOf(ConditionFailedError);
  expect(
    (await odd.delete('d1', { condition: (c) => c.and(c.contains('tags', 'blue'), c.eq('dotted', 'dot')) }))?.id,
  ).toBe('d1');
});

it('create takes a condition too: a failed one is ConditionFailedError, not ItemExistsError', async () => {
  const odd = Odd.using(connection);
  const fresh = Object.assign(base(), { id: 'c-new' });
  const error: unknown = await odd.create(fresh, { condition: (c) => c.eq('comment', 'x') }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ConditionFailedError);
  expect((error as Error).name).toBe('ConditionFailedError');
  expect(await odd.get('c-new', { consistent: true })).toBeUndefined();
  await odd.create(fresh, { condition: (c) => c.notExists('comment') });
  expect((await odd.getOrFail('c-new', { consistent: true })).comment).toBe('hello world');
  // Another item under the taken key: ItemExistsError, whatever the condition says.
  const rival = Object.assign(base(), { id: 'c-new', comment: 'rival' });
  const taken: unknown = await odd.create(rival, { condition: (c) => c.notExists('comment') }).catch((e: unknown) => e);
  expect((taken as Error).name).toBe('ItemExistsError');
});
