import 'reflect-metadata';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { localTestConfig, uniqueTablePrefix } from '@dynamodel/local/jest';
import {
  Attribute,
  DecodeError,
  HashKey,
  Json,
  Model,
  RangeKey,
  Table,
  ValidationError,
  createConnection,
  transact,
  type Connection,
  type UpdateBuilder,
} from '../src';
import { recordingExecutor, type RecordingExecutor } from './support/recording-executor';

// Issue 25 §2: no read that breaks the model (an item lacking a required attribute is a DecodeError
// naming model, key and attribute, never a typed field holding undefined), and no input property
// silently left out of the item.

// Two models on one table, as the marketplace app declared them.
@Table({ name: 'market' })
class SellerProfile extends Model {
  @HashKey({ name: 'pk' }) sellerKey!: string;
  @RangeKey({ name: 'sk' }) sort!: string;
  @Attribute() displayName!: string;
}

@Table({ name: 'market' })
class Review extends Model {
  @HashKey({ name: 'pk' }) sellerKey!: string;
  @RangeKey({ name: 'sk' }) sort!: string;
  @Attribute() stars!: number;
  @Attribute({ optional: true }) comment?: string;
}

@Table({ name: 'listings' })
class Listing extends Model {
  @HashKey() id!: string;
  @Attribute() title!: string;
  @Attribute({ optional: true }) price?: number;
}

@Table({ name: 'listings', unknownProperties: 'strip' })
class StrippingListing extends Model {
  @HashKey() id!: string;
  @Attribute() title!: string;
}

@Table({ name: 'listings', unknownProperties: 'keep' })
class KeepingListing extends Model {
  @HashKey() id!: string;
  @Attribute() title!: string;
}

const config = localTestConfig();
const raw = new DynamoDBClient(config);
let executor: RecordingExecutor;
let connection: Connection;

beforeAll(async () => {
  executor = recordingExecutor(config);
  connection = createConnection({ executor, prefix: uniqueTablePrefix('integrity') });
  await connection.syncTables([SellerProfile, Listing]);
});
afterAll(async () => {
  raw.destroy();
  await connection.close();
  executor.destroy();
});

describe('an item that lacks a required attribute', () => {
  it('is a DecodeError naming the model, the attribute and the key, from get, query and batchGet', async () => {
    await Review.using(connection).put({ sellerKey: 'SELLER#1', sort: 'REVIEW#1', stars: 5 });
    await SellerProfile.using(connection).put({ sellerKey: 'SELLER#1', sort: 'PROFILE', displayName: 'Ana' });
    const profiles = SellerProfile.using(connection);
    const expected = expect.objectContaining({
      name: 'DecodeError',
      model: 'SellerProfile',
      attribute: 'displayName',
      rule: 'missing',
      key: { pk: 'SELLER#1', sk: 'REVIEW#1' },
      message: expect.stringContaining('SellerProfile.displayName') as unknown,
    });
    await expect(profiles.get('SELLER#1', 'REVIEW#1')).rejects.toThrow(expected);
    await expect(profiles.query('SELLER#1').all()).rejects.toThrow(expected);
    await expect(profiles.batchGet([{ sellerKey: 'SELLER#1', sort: 'REVIEW#1' }])).rejects.toThrow(DecodeError);
    // The profile itself reads as before; a projection that leaves the attribute out is no error.
    expect((await profiles.get('SELLER#1', 'PROFILE'))?.displayName).toBe('Ana');
    const part = await profiles.query('SELLER#1', { projection: ['sort'] }).all();
    expect(part.map((p) => p.sort)).toEqual(['PROFILE', 'REVIEW#1']);
  });

  it('a nested required attribute is checked the same way', async () => {
    class Address {
      @Attribute() city!: string;
    }
    @Table({ name: 'listings' })
    class Located extends Model {
      @HashKey() id!: string;
      @Attribute({ type: Address }) address!: Address;
    }
    await raw.send(
      new PutItemCommand({
        TableName: connection.tableName(Located.schema()),
        Item: { id: { S: 'nested' }, address: { M: {} } },
      }),
    );
    await expect(Located.using(connection).get('nested')).rejects.toThrow(
      expect.objectContaining({ name: 'DecodeError', attribute: 'address.city', rule: 'missing' }),
    );
  });
});

describe('input properties the model does not declare', () => {
  it('are refused by create, put, build, batchPut and the transaction ops, naming them, with nothing sent', async () => {
    const listings = Listing.using(connection);
    const sent = executor.calls.length;
    const refused = expect.objectContaining({
      name: 'ValidationError',
      model: 'Listing',
      rule: 'unknown-property',
      attribute: 'colour',
      attributes: ['colour', 'size'],
    });
    const input = { id: 'x', title: 't', colour: 'red', size: 3 } as never;
    await expect(listings.create(input)).rejects.toThrow(refused);
    await expect(listings.put(input)).rejects.toThrow(refused);
    expect(() => Listing.build(input)).toThrow(refused);
    expect(() => listings.createOp(input)).toThrow(refused);
    expect(() => listings.putOp(input)).toThrow(refused);
    expect(executor.calls.length).toBe(sent);
    // In a batch the bad input fails alone; the rest is written.
    const report = await listings.batchPut([{ id: 'ok', title: 't' }, input]);
    expect(report.written).toBe(1);
    expect(report.failures).toEqual([
      expect.objectContaining({ index: 1, attempts: 0, reason: expect.any(ValidationError) }),
    ]);
    expect(await listings.get('x')).toBeUndefined();
    // The error message says what to do.
    await expect(listings.create(input)).rejects.toThrow(
      /declare it with @Attribute, or set @Table\(\{ unknownProperties: 'strip' \}\)/,
    );
    await transact([listings.createOp({ id: 'via-tx', title: 't' })]);
  });

  it("'strip' leaves them out; 'keep' sets them on the instance without storing them", async () => {
    const stripped = await StrippingListing.using(connection).create({
      id: 'stripped',
      title: 't',
      colour: 'red',
    } as never);
    expect((stripped as unknown as { colour?: string }).colour).toBeUndefined();
    const kept = await KeepingListing.using(connection).create({ id: 'kept', title: 't', colour: 'red' } as never);
    expect((kept as unknown as { colour?: string }).colour).toBe('red');
    const stored = await Listing.using(connection).get('kept');
    expect(stored).toEqual(expect.objectContaining({ id: 'kept', title: 't' }));
    expect((stored as unknown as { colour?: string }).colour).toBeUndefined();
  });

  it('a model option other than refuse, strip or keep is a definition error', () => {
    @Table({ name: 'listings', unknownProperties: 'drop' as never })
    class Bad extends Model {
      @HashKey() id!: string;
    }
    expect(() => Bad.schema()).toThrow(expect.objectContaining({ name: 'ModelDefinitionError', rule: 'table-option' }));
  });
});

describe('update() writes nothing the model cannot read back', () => {
  enum Level {
    Low = 1,
    High = 2,
  }
  class Address {
    @Attribute() city!: string;
    @Attribute({ optional: true }) zip?: string;
    @Attribute({ type: String, optional: true, nullable: true }) note?: string | null;
    @Attribute({ validate: (floor: number) => floor >= 0 || 'must be at least 0' }) floor!: number;
  }
  @Table({ name: 'stock' })
  class Item extends Model {
    @HashKey() id!: string;
    @Attribute({ type: Address }) address!: Address;
    @Attribute({ type: Array, of: String }) tags!: string[];
    @Attribute({ enum: Level }) level!: Level;
    @Attribute({ validate: (stock: number) => stock >= 0 || 'must be at least 0' }) stock!: number;
    @Attribute({ type: Json, optional: true }) extra?: unknown;
  }
  const items = () => Item.using(connection);

  beforeAll(async () => {
    await connection.syncTables([Item]);
    await items().put({ id: 'i', address: { city: 'Oslo', floor: 1 }, tags: ['a'], level: Level.Low, stock: 3 });
  });

  it.each([
    ['a list element set to null', (u: UpdateBuilder<Item>) => u.set('tags[0]', null), 'not-nullable', 'tags[0]'],
    [
      'a nested non-nullable attribute set to null',
      (u: UpdateBuilder<Item>) => u.set('address.city', null),
      'not-nullable',
      'address.city',
    ],
    [
      'a required nested attribute removed',
      (u: UpdateBuilder<Item>) => u.remove('address.city'),
      'required',
      'address.city',
    ],
    [
      'a required nested attribute set to undefined',
      (u: UpdateBuilder<Item>) => u.set('address.city', undefined),
      'required',
      'address.city',
    ],
    ['an increment of an enum attribute', (u: UpdateBuilder<Item>) => u.increment('level'), 'update', 'level'],
    ['a value its validate function refuses', (u: UpdateBuilder<Item>) => u.set('stock', -9), 'validate', 'stock'],
    [
      'a nested value its validate function refuses',
      (u: UpdateBuilder<Item>) => u.set('address.floor', -1),
      'validate',
      'address.floor',
    ],
  ])('refuses %s before sending, naming the path', async (_what, changes, rule, attribute) => {
    const sent = executor.calls.length;
    const refused = expect.objectContaining({ name: 'ValidationError', model: 'Item', rule, attribute });
    await expect(items().update('i', changes)).rejects.toThrow(refused);
    expect(() => items().updateOp('i', changes)).toThrow(refused);
    expect(executor.calls.length).toBe(sent);
    // The item still reads back.
    expect((await items().getOrFail('i')).address.city).toBe('Oslo');
  });

  it('refuses an object of values its validate function refuses ({ stock: -9 }), as put does', async () => {
    await expect(items().update('i', { stock: -9 })).rejects.toThrow(
      expect.objectContaining({
        rule: 'validate',
        attribute: 'stock',
        message: expect.stringContaining('must be at least 0') as unknown,
      }),
    );
    await expect(
      items().put({ id: 'j', address: { city: 'x', floor: 0 }, tags: [], level: Level.Low, stock: -9 }),
    ).rejects.toThrow(expect.objectContaining({ rule: 'validate', attribute: 'stock' }));
  });

  it('still writes what reads back: nullable nested values, optional removals, null in Json, valid values', async () => {
    const updated = await items().update('i', (u) =>
      u.set('address.note', null).remove('address.zip').set('extra', { a: null }).set('stock', 0).set('tags[0]', 'b'),
    );
    expect(updated.address.note).toBeNull();
    expect(updated.extra).toEqual({ a: null });
    expect(updated.tags).toEqual(['b']);
    expect(updated.stock).toBe(0);
    expect((await items().getOrFail('i')).address.note).toBeNull();
  });
});
