import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { CodecError, type Codec } from '../src/codecs/codec';
import { Json } from '../src/codecs/json-codec';
import { listCodec } from '../src/codecs/list-codec';
import { mapCodec, recordCodec } from '../src/codecs/map-codec';
import { numberCodec, stringCodec } from '../src/codecs/scalar-codecs';
import { setCodec } from '../src/codecs/set-codec';
import { ObjectCodec } from '../src/codecs/object-codec';
import { compileModel } from '../src/schema/compile-model';
import { Attribute, HashKey, Model, ModelDefinitionError, Table } from '../src';

// Issue 10 §1: map keys such as __proto__ round-trip as own properties through every codec, and no
// value is silently changed or emptied on its way to DynamoDB: refused with a path, or converted by
// a documented rule (Json follows JSON.stringify).

const AWKWARD = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'];

/** A plain object whose entries are own properties, `__proto__` included (as JSON.parse makes them). */
const awkward = <T>(value: (key: string) => T): Record<string, T> =>
  JSON.parse(JSON.stringify(Object.fromEntries(AWKWARD.map((key) => [key, value(key)])))) as Record<string, T>;

const failure = (fn: () => unknown): CodecError => {
  try {
    fn();
  } catch (error) {
    if (error instanceof CodecError) return error;
    throw error;
  }
  throw new Error('expected a CodecError');
};
const roundTrip = <T>(codec: Codec<T>, value: T): T => codec.decode(codec.encode(value, 0) as AttributeValue);

function expectOwnEntries(object: object, expected: Record<string, unknown>): void {
  expect(Object.getPrototypeOf(object)).toBe(Object.prototype);
  expect(Object.keys(object).sort()).toEqual(Object.keys(expected).sort());
  for (const key of Object.keys(expected)) {
    expect(Object.getOwnPropertyDescriptor(object, key)?.value).toEqual(expected[key]);
  }
}

describe('map keys __proto__, constructor, prototype', () => {
  it('the test input really holds an own __proto__ entry', () => {
    const input = awkward((key) => key);
    expect(Object.keys(input)).toContain('__proto__');
    expect(Object.getPrototypeOf(input)).toBe(Object.prototype);
  });

  it('round-trip through a record codec as own properties', () => {
    const input = awkward((key) => `v-${key}`);
    const encoded = recordCodec(stringCodec).encode(input, 0);
    expect(Object.keys(encoded?.M ?? {}).sort()).toEqual([...AWKWARD].sort());
    expect(Object.getPrototypeOf(encoded?.M)).toBe(Object.prototype);
    expectOwnEntries(roundTrip(recordCodec(stringCodec), input), input);
  });

  it('round-trip through a Map codec', () => {
    const input = new Map(AWKWARD.map((key) => [key, key.length]));
    const decoded = roundTrip(mapCodec(numberCodec), input);
    expect([...decoded.entries()]).toEqual([...input.entries()]);
    expect(Object.keys(mapCodec(numberCodec).encode(input, 0)?.M ?? {}).sort()).toEqual([...AWKWARD].sort());
  });

  it('round-trip through nested records and lists', () => {
    const codec = listCodec(recordCodec(recordCodec(numberCodec)));
    const input = [awkward(() => awkward((key) => key.length))];
    const [decoded] = roundTrip(codec, input);
    expectOwnEntries(decoded as object, input[0] as Record<string, unknown>);
    expectOwnEntries(
      (decoded as Record<string, object>)['__proto__'] as object,
      awkward((key) => key.length),
    );
  });

  it('round-trip through Json, at every depth, as own properties of plain objects', () => {
    const input = awkward((key) => ({ list: [awkward(() => key)], n: 1 }));
    const decoded = roundTrip(Json, input) as Record<string, { list: object[] }>;
    expectOwnEntries(decoded, input);
    expectOwnEntries(
      decoded['__proto__']?.list[0] as object,
      awkward(() => '__proto__'),
    );
  });

  it('kept unknown attributes of those names survive decode and encode', () => {
    @Table()
    class Keeper extends Model {
      @HashKey() id!: string;
    }
    const schema = compileModel<Keeper>(Keeper);
    const codec = new ObjectCodec<Keeper>(Keeper.prototype, schema.fields, { keepUnknown: true });
    const stored = JSON.parse('{"id":{"S":"1"},"__proto__":{"S":"p"},"constructor":{"S":"c"}}') as Record<
      string,
      AttributeValue
    >;
    expect(Object.keys(stored)).toContain('__proto__');
    const decoded = codec.decode(stored);
    expect(Object.getPrototypeOf(decoded)).toBe(Keeper.prototype);
    expect(codec.encode(decoded)).toEqual(stored);
    expect(Object.keys(codec.encode(decoded)).sort()).toEqual(['__proto__', 'constructor', 'id']);
  });

  it('refuses __proto__ as a declared attribute or stored name (a definition error)', () => {
    @Table()
    class Named extends Model {
      @HashKey() id!: string;
      @Attribute({ name: '__proto__' }) shadow!: string;
    }
    expect(() => compileModel(Named)).toThrow(ModelDefinitionError);
    expect(() => compileModel(Named)).toThrow(/"__proto__" cannot be a declared attribute/);
  });
});

describe('Json follows JSON.stringify, and refuses what JSON would change', () => {
  it('stores a Date as its ISO string (toJSON), never as {}', () => {
    const when = new Date('2026-11-25T10:00:00.000Z');
    expect(Json.encode({ when }, 0)).toEqual({ M: { when: { S: '2026-11-25T10:00:00.000Z' } } });
    expect(Json.encode(when, 0)).toEqual({ S: '2026-11-25T10:00:00.000Z' });
  });

  it('honours toJSON on any object, with the key as JSON passes it', () => {
    const money = { toJSON: (key: string) => `12.50 EUR (${key})` };
    expect(Json.encode({ price: money }, 0)).toEqual({ M: { price: { S: '12.50 EUR (price)' } } });
    expect(Json.encode([money], 0)).toEqual({ L: [{ S: '12.50 EUR (0)' }] });
  });

  it('leaves undefined properties out and writes undefined array elements as null, like JSON', () => {
    expect(Json.encode({ a: undefined, b: 1 }, 0)).toEqual({ M: { b: { N: '1' } } });
    expect(Json.encode([1, undefined], 0)).toEqual({ L: [{ N: '1' }, { NULL: true }] });
  });

  it('stores class instances as their own enumerable properties, like JSON', () => {
    class Point {
      constructor(
        readonly x: number,
        readonly y: number,
      ) {}
      norm(): number {
        return Math.hypot(this.x, this.y);
      }
    }
    expect(roundTrip(Json, new Point(3, 4))).toEqual({ x: 3, y: 4 });
  });

  it('stores bytes as B and sets as SS/NS/BS, and reads them back as the same types', () => {
    const value = { bytes: Uint8Array.from([0, 1, 255]), tags: new Set(['a', 'b']), ids: new Set([1, 2.5]) };
    expect(Json.encode(value, 0)).toEqual({
      M: { bytes: { B: value.bytes }, tags: { SS: ['a', 'b'] }, ids: { NS: ['1', '2.5'] } },
    });
    expect(roundTrip(Json, value)).toEqual(value);
    const blobs = new Set([Uint8Array.from([1]), Uint8Array.from([2])]);
    expect(roundTrip(Json, blobs)).toEqual(blobs);
  });

  it.each([
    ['NaN', { deep: [{ n: NaN }] }, 'deep[0].n', /no JSON form \(JSON.stringify would write null\)/],
    ['Infinity', { n: -Infinity }, 'n', /no JSON form/],
    ['a bigint', { big: 1n }, 'big', /declare the attribute as bigint/],
    ['a function', { fn: () => 1 }, 'fn', /a function has no JSON form/],
    ['a symbol', { s: Symbol('x') }, 's', /a symbol has no JSON form/],
    ['a Map', { m: new Map([['a', 1]]) }, 'm', /a Map has no JSON form .*Object.fromEntries/],
    ['an empty Set', { s: new Set() }, 's', /empty Set/],
    ['a mixed Set', { s: new Set(['a', 1]) }, 's', /only strings, only numbers/],
    ['an empty key', { inner: { '': 1 } }, 'inner', /map key is empty/],
  ])('refuses %s with the path', (_name, value, path, message) => {
    const error = failure(() => Json.encode(value, 0));
    expect(error.path.join('.').replace(/\.(\d+)/g, '[$1]')).toBe(path);
    expect(error.message).toMatch(message);
  });

  it('never produces an empty AttributeValue', () => {
    const values: unknown[] = [{}, [], '', 0, false, null, { a: {} }, [[]], new Date(0)];
    for (const value of values) {
      const encoded = Json.encode(value, 0) as unknown as Record<string, unknown>;
      expect(Object.keys(encoded).filter((key) => encoded[key] !== undefined)).toHaveLength(1);
    }
  });

  it('refuses to read a stored number that a JavaScript number cannot hold exactly', () => {
    expect(Json.decode({ N: '0.1' })).toBe(0.1);
    expect(Json.decode({ N: '1.50' })).toBe(1.5);
    const error = failure(() => Json.decode({ M: { big: { N: '12345678901234567890123' } } }));
    expect(error.path).toEqual(['big']);
    expect(error.rule).toBe('number-precision');
  });
});

describe('no typed codec silently drops a value', () => {
  it('refuses an empty set inside a record or Map (leaving the entry out would change the map)', () => {
    const error = failure(() => recordCodec(setCodec(stringCodec)).encode({ a: new Set(['x']), b: new Set() }, 0));
    expect(error.rule).toBe('empty-set');
    expect(error.path).toEqual(['b']);
    expect(failure(() => mapCodec(setCodec(stringCodec)).encode(new Map([['k', new Set()]]), 0)).rule).toBe(
      'empty-set',
    );
  });

  it('an empty set attribute round-trips (absent decodes to an empty set), so leaving it out is lossless', () => {
    const codec = setCodec(stringCodec);
    expect(codec.encode(new Set(), 0)).toBeUndefined();
    expect(codec.whenAbsent?.()).toEqual(new Set());
  });
});
