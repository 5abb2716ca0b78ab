import 'reflect-metadata';
import { DynamoDBClient, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { localTestConfig, uniqueTablePrefix } from '@dynamodel/local/jest';
import {
  Attribute,
  createConnection,
  HashKey,
  Json,
  Model,
  ModelDefinitionError,
  RangeKey,
  Table,
  ValidationError,
  type Connection,
  type DynamodelError,
  type ModelSchema,
} from '../src';
import { recordingExecutor, type RecordingExecutor } from './support/recording-executor';

// docs/reliability.md §9.3: every bad input gets a typed error naming the model and attribute, is
// refused before anything is sent (the recording executor sees no request), and leaves the
// stored data exactly as it was.

enum Plan {
  Free = 'free',
  Pro = 'pro',
}

class Node {
  @Attribute({ type: Node, optional: true }) child?: Node;
}

@Table({ name: 'accounts' })
class Account extends Model {
  @HashKey() id!: string;
  @Attribute() owner!: string;
  @Attribute({ optional: true }) age?: number;
  @Attribute({ optional: true }) credits?: bigint;
  @Attribute({ optional: true }) since?: Date;
  @Attribute({ enum: Plan, optional: true }) plan?: Plan;
  @Attribute({ type: Set, of: Uint8Array, optional: true }) keys?: Set<Uint8Array>;
  @Attribute({ type: Set, of: Number, optional: true }) scores?: Set<number>;
  @Attribute({ type: Node, optional: true }) tree?: Node;
  @Attribute({ type: Object, of: String, optional: true }) labels?: Record<string, string>;
  @Attribute({ type: Json, optional: true }) extra?: unknown;
  @Attribute({ optional: true, validate: (handle: string) => /^@\w+$/.test(handle) || 'must look like @name' })
  handle?: string;
  @Attribute({ optional: true, validate: (n: number) => n % 2 === 0 }) even?: number;
  @Attribute({
    optional: true,
    validate: () => {
      throw new Error('validator exploded');
    },
  })
  fragile?: string;
}

@Table({ name: 'ledger' })
class Entry extends Model {
  @HashKey() account!: string;
  @RangeKey() seq!: string;
  @Attribute() amount!: number;
}

@Table({ name: 'blobs' })
class Blob extends Model {
  @HashKey() id!: string;
  @Attribute() d!: string;
}

const config = localTestConfig();
const raw = new DynamoDBClient(config);
let executor: RecordingExecutor;
let connection: Connection;

async function scanAll(schema: ModelSchema): Promise<Record<string, AttributeValue>[]> {
  const output = await raw.send(new ScanCommand({ TableName: connection.tableName(schema), ConsistentRead: true }));
  return (output.Items ?? []).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

beforeAll(async () => {
  executor = recordingExecutor(config);
  connection = createConnection({ executor, prefix: uniqueTablePrefix('bad_inputs') });
  await connection.syncTables([Account, Entry, Blob]);
  await Account.using(connection).create({ id: 'existing', owner: 'ana', age: 30 });
  await Entry.using(connection).create({ account: 'a1', seq: '0001', amount: 5 });
});
afterAll(() => {
  executor.destroy();
  raw.destroy();
});

const accounts = () => Account.using(connection);
const entries = () => Entry.using(connection);
const nested = (depth: number): Node => {
  let node = new Node();
  for (let i = 1; i < depth; i++) node = Object.assign(new Node(), { child: node });
  return node;
};

type Case = [
  name: string,
  act: () => Promise<unknown>,
  errorClass: abstract new (...args: never[]) => DynamodelError,
  rule: string,
  parts: string[],
];

const cases: Case[] = [
  // @ts-expect-error: `owner` is required, and the compiler says so too; this checks the run-time refusal
  ['missing required attribute', () => accounts().create({ id: 'x1' }), ValidationError, 'required', ['Account.owner']],
  [
    'string given for a number',
    () => accounts().create({ id: 'x2', owner: 'o', age: '3' as never }),
    ValidationError,
    'type',
    ['Account.age', 'expected number, got string'],
  ],
  [
    'NaN',
    () => accounts().create({ id: 'x3', owner: 'o', age: NaN }),
    ValidationError,
    'finite',
    ['Account.age', 'NaN'],
  ],
  [
    'Infinity',
    () => accounts().create({ id: 'x4', owner: 'o', age: Infinity }),
    ValidationError,
    'finite',
    ['Account.age'],
  ],
  [
    '-Infinity',
    () => accounts().put({ id: 'existing', owner: 'o', age: -Infinity }),
    ValidationError,
    'finite',
    ['Account.age'],
  ],
  [
    'a bigint of 39 significant digits',
    () => accounts().create({ id: 'x5', owner: 'o', credits: 10n ** 40n - 1n }),
    ValidationError,
    'precision',
    ['Account.credits', '38'],
  ],
  [
    'a number over 9.99E+125',
    () => accounts().create({ id: 'x6', owner: 'o', age: 1e126 }),
    ValidationError,
    'number-range',
    ['Account.age'],
  ],
  [
    'a nonzero number under 1E-130',
    () => accounts().create({ id: 'x7', owner: 'o', age: 1e-131 }),
    ValidationError,
    'number-range',
    ['Account.age'],
  ],
  [
    'an empty partition key',
    () => accounts().create({ id: '', owner: 'o' }),
    ValidationError,
    'empty-key',
    ['Account.id'],
  ],
  [
    'an empty sort key',
    () => entries().create({ account: 'a1', seq: '', amount: 1 }),
    ValidationError,
    'empty-key',
    ['Entry.seq'],
  ],
  [
    'a partition key of 2049 UTF-8 bytes',
    () => accounts().create({ id: '€'.repeat(683), owner: 'o' }),
    ValidationError,
    'key-size',
    ['Account.id', '2049 bytes'],
  ],
  [
    'a sort key of 1026 UTF-8 bytes',
    () => entries().create({ account: 'a1', seq: '€'.repeat(342), amount: 1 }),
    ValidationError,
    'key-size',
    ['Entry.seq', '1026'],
  ],
  [
    'a get key over the partition limit',
    () => accounts().get('x'.repeat(2049)),
    ValidationError,
    'key-size',
    ['Account.id'],
  ],
  [
    'an item of 409,601 bytes',
    () => Blob.using(connection).create({ id: 'a', d: 'x'.repeat(409_597) }),
    ValidationError,
    'item-size',
    ['Blob', '409601 bytes'],
  ],
  [
    'a set of two equal byte arrays',
    () => accounts().create({ id: 'x8', owner: 'o', keys: new Set([new Uint8Array([1]), new Uint8Array([1])]) }),
    ValidationError,
    'set-duplicates',
    ['Account.keys'],
  ],
  [
    'a set element of the wrong type',
    () => accounts().create({ id: 'x9', owner: 'o', scores: new Set(['1'] as never[]) }),
    ValidationError,
    'type',
    ['Account.scores'],
  ],
  [
    'an embedded class nested 32 deep',
    () => accounts().create({ id: 'x10', owner: 'o', tree: nested(32) }),
    ValidationError,
    'max-depth',
    ['Account.tree', '31'],
  ],
  [
    'a JSON value nested 32 deep',
    () => accounts().create({ id: 'x11', owner: 'o', extra: JSON.parse('['.repeat(32) + ']'.repeat(32)) as unknown }),
    ValidationError,
    'max-depth',
    ['Account.extra'],
  ],
  [
    'an invalid Date',
    () => accounts().create({ id: 'x12', owner: 'o', since: new Date('x') }),
    ValidationError,
    'invalid-date',
    ['Account.since', 'invalid'],
  ],
  [
    'a lone UTF-16 surrogate',
    () => accounts().create({ id: 'x13', owner: '\uD800' }),
    ValidationError,
    'lone-surrogate',
    ['Account.owner'],
  ],
  [
    'a value outside the enum',
    () => accounts().create({ id: 'x14', owner: 'o', plan: 'gold' as Plan }),
    ValidationError,
    'enum',
    ['Account.plan', 'gold'],
  ],
  [
    'a validate function returning a message',
    () => accounts().create({ id: 'x15', owner: 'o', handle: 'nope' }),
    ValidationError,
    'validate',
    ['Account.handle', 'must look like @name'],
  ],
  [
    'a validate function returning false',
    () => accounts().create({ id: 'x16', owner: 'o', even: 3 }),
    ValidationError,
    'validate',
    ['Account.even'],
  ],
  [
    'a validate function that throws',
    () => accounts().create({ id: 'x17', owner: 'o', fragile: 'x' }),
    ValidationError,
    'validate',
    ['Account.fragile', 'validator exploded'],
  ],
  [
    'null for a non-nullable attribute',
    () => accounts().create({ id: 'x18', owner: null as never }),
    ValidationError,
    'not-nullable',
    ['Account.owner'],
  ],
  [
    'an empty map key',
    () => accounts().create({ id: 'x19', owner: 'o', labels: { '': 'x' } }),
    ValidationError,
    'empty-name',
    ['Account.labels'],
  ],
  [
    'a hash key alone on a composite table',
    () => entries().get('a1'),
    ValidationError,
    'key-arity',
    ['Entry', '(account, seq)'],
  ],
  [
    'hash and range on a hash-only table',
    () => accounts().get('existing', 'extra'),
    ValidationError,
    'key-arity',
    ['Account'],
  ],
  [
    'a key object without its range part',
    () => entries().delete({ account: 'a1' }),
    ValidationError,
    'key-arity',
    ['Entry.seq'],
  ],
  ['a number for a string key', () => accounts().get(42), ValidationError, 'type', ['Account.id', 'got number']],
  [
    'a delete condition on an undeclared attribute',
    () => accounts().delete('existing', { condition: { nope: 1 } as never }),
    ValidationError,
    'unknown-attribute',
    ['Account.nope'],
  ],
  [
    'a model with no hash key',
    () => {
      @Table()
      class Keyless extends Model {
        @Attribute() a!: string;
      }
      return Keyless.using(connection).create({ a: 'x' });
    },
    ModelDefinitionError,
    'missing-hash-key',
    ['Keyless'],
  ],
  [
    'a table name invalid after the prefix',
    () => {
      @Table({ name: 'x'.repeat(250) })
      class Long extends Model {
        @HashKey() id!: string;
      }
      return Long.using(connection).get('a');
    },
    ModelDefinitionError,
    'table-name',
    ['Long', 'prefix'],
  ],
  [
    'a boolean key',
    () => {
      @Table()
      class BoolKeyed extends Model {
        @HashKey() flag!: boolean;
      }
      return BoolKeyed.using(connection).get(true as never);
    },
    ModelDefinitionError,
    'key-type',
    ['BoolKeyed.flag'],
  ],
];

describe('bad inputs are refused before sending, and nothing stored changes', () => {
  it('has at least 30 distinct cases', () => expect(cases.length).toBeGreaterThanOrEqual(30));

  it.each(cases)('%s', async (_name, act, errorClass, rule, parts) => {
    const before = [await scanAll(Account.schema()), await scanAll(Entry.schema()), await scanAll(Blob.schema())];
    const sent = executor.calls.length;
    const error = await act().then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(errorClass);
    expect((error as { rule?: string }).rule).toBe(rule);
    for (const part of parts) expect((error as Error).message).toContain(part);
    expect(executor.calls.length).toBe(sent);
    expect([await scanAll(Account.schema()), await scanAll(Entry.schema()), await scanAll(Blob.schema())]).toEqual(
      before,
    );
  });

  it('the item-size boundary matches DynamoDB: 409,600 bytes are stored', async () => {
    await Blob.using(connection).create({ id: 'a', d: 'x'.repeat(409_596) });
    expect((await Blob.using(connection).getOrFail('a')).d).toHaveLength(409_596);
  });
});
