import 'reflect-metadata';
import { localTestConfig, uniqueTablePrefix } from '@dynamodel/local/jest';
import { Attribute, HashKey, Json, Model, Table, createConnection, type Connection } from '../src';

// Issue 25 §2: Model.fromJSON(json), the inverse of toJSON(), so an import of JSON lines needs no
// hand conversion.

class Tag {
  @Attribute() name!: string;
  @Attribute({ type: Date }) since!: Date;
}

@Table({ name: 'catalogue' })
class Product extends Model {
  @HashKey() sku!: string;
  @Attribute() title!: string;
  @Attribute({ type: Date }) added!: Date;
  @Attribute({ type: Date, dateFormat: 'epochSeconds', optional: true }) expires?: Date;
  @Attribute({ type: BigInt }) views!: bigint;
  @Attribute({ type: Uint8Array, optional: true }) thumbnail?: Uint8Array;
  @Attribute({ type: Buffer, optional: true }) raw?: Buffer;
  @Attribute({ type: Set, of: String, optional: true }) colours?: Set<string>;
  @Attribute({ type: Set, of: Uint8Array, optional: true }) hashes?: Set<Uint8Array>;
  @Attribute({ type: Map, of: Number, optional: true }) stock?: Map<string, number>;
  @Attribute({ type: Object, of: Date, optional: true }) restocked?: Record<string, Date>;
  @Attribute({ type: Array, of: Tag, optional: true }) tags?: Tag[];
  @Attribute({ type: Tag, optional: true }) featured?: Tag;
  @Attribute({ type: String, optional: true, nullable: true }) note?: string | null;
  @Attribute({ type: Json, optional: true }) extra?: unknown;
  @Attribute({ type: String, hidden: true, optional: true }) secret?: string;
}

const config = localTestConfig();
let connection: Connection;
beforeAll(async () => {
  connection = createConnection({ ...config, prefix: uniqueTablePrefix('fromjson') });
  await connection.syncTables([Product]);
});
afterAll(() => connection.close());

const tag = (name: string, iso: string): Tag => Object.assign(new Tag(), { name, since: new Date(iso) });

function sample(): Product {
  return Product.build({
    sku: 'p1',
    title: 'Lamp',
    added: new Date('2026-01-02T03:04:05.678Z'),
    expires: new Date('2027-01-01T00:00:00.000Z'),
    views: 12345678901234567890n,
    thumbnail: Uint8Array.from([0, 1, 254, 255]),
    raw: Buffer.from('raw bytes'),
    colours: new Set(['red', 'blue']),
    hashes: new Set([Uint8Array.from([1, 2]), Uint8Array.from([3])]),
    stock: new Map([
      ['oslo', 3],
      ['__proto__', 1],
    ]),
    restocked: { oslo: new Date('2026-02-01T00:00:00.000Z') },
    tags: [tag('new', '2026-03-01T00:00:00.000Z')],
    featured: tag('top', '2026-04-01T00:00:00.000Z'),
    note: null,
    extra: { any: ['json', 1, true, null] },
  });
}

describe('Model.fromJSON', () => {
  it('restores what toJSON() wrote: dates, bigints, bytes, sets, maps, embedded classes', () => {
    const original = sample();
    // toJSON() writes bytes as base64 (class-transformer alone made them objects of indexes) and keeps a
    // Map's `__proto__` key.
    const json = original.toJSON();
    expect(json.thumbnail).toBe('AAH+/w==');
    expect(json.hashes).toEqual(['AQI=', 'Aw==']);
    expect(Object.keys(json.stock as object)).toEqual(['oslo', '__proto__']);
    const restored = Product.fromJSON(JSON.parse(JSON.stringify(original)) as Record<string, unknown>);
    expect(restored).toBeInstanceOf(Product);
    expect(restored).toEqual(original);
    expect(restored.added).toBeInstanceOf(Date);
    expect(restored.tags?.[0]).toBeInstanceOf(Tag);
    expect(restored.featured).toBeInstanceOf(Tag);
    expect(restored.featured?.since).toBeInstanceOf(Date);
    expect(restored.raw).toBeInstanceOf(Buffer);
    expect(restored.stock?.get('__proto__')).toBe(1);
    expect(restored.restocked?.oslo).toEqual(new Date('2026-02-01T00:00:00.000Z'));
    // A JSON line works as well as a parsed object.
    expect(Product.fromJSON(JSON.stringify(original))).toEqual(original);
  });

  it('gives an instance that is written and read back unchanged', async () => {
    const restored = Product.fromJSON(JSON.stringify(sample()));
    await Product.using(connection).put(restored);
    const read = await Product.using(connection).getOrFail('p1');
    expect(read).toEqual(sample()); // sets compared as sets: DynamoDB keeps no order
    expect(read.toJSON()).toEqual(JSON.parse(JSON.stringify(read)));
  });

  it('names the path of a value that does not fit, and refuses undeclared properties', () => {
    const json = JSON.parse(JSON.stringify(sample())) as Record<string, unknown>;
    const refused = (change: Record<string, unknown>, attribute: string, rule = 'from-json') =>
      expect(() => Product.fromJSON({ ...json, ...change })).toThrow(
        expect.objectContaining({ name: 'ValidationError', model: 'Product', attribute, rule }),
      );
    refused({ added: 'not a date' }, 'added');
    refused({ views: '12.5' }, 'views');
    refused({ thumbnail: 'not base64!' }, 'thumbnail');
    refused({ colours: 'red' }, 'colours');
    refused({ tags: [{ name: 'x', since: 'never' }] }, 'tags[0].since');
    refused(
      { featured: { name: 'x', since: '2026-01-01T00:00:00Z', colour: 'red' } },
      'featured.colour',
      'unknown-property',
    );
    refused({ colour: 'red' }, 'colour', 'unknown-property');
    expect(() => Product.fromJSON('{ not json')).toThrow(expect.objectContaining({ rule: 'from-json' }));
  });
});
