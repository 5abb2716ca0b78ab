import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { bufferCodec, uint8ArrayCodec } from '../src/codecs/binary-codec';
import { CodecError, type Codec } from '../src/codecs/codec';
import { customCodec } from '../src/codecs/custom-codec';
import { dateCodec } from '../src/codecs/date-codec';
import { enumCodec, enumValues } from '../src/codecs/enum-codec';
import { Json } from '../src/codecs/json-codec';
import { listCodec } from '../src/codecs/list-codec';
import { mapCodec, recordCodec } from '../src/codecs/map-codec';
import { textToBigint } from '../src/codecs/number-text';
import { bigintCodec, booleanCodec, numberCodec, stringCodec, Uuid } from '../src/codecs/scalar-codecs';
import { setCodec } from '../src/codecs/set-codec';

const roundTrip = <T>(codec: Codec<T>, value: T): T => codec.decode(codec.encode(value, 0) as AttributeValue);
const rule = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    if (error instanceof CodecError) return error.rule;
    throw error;
  }
  throw new Error('expected a CodecError');
};

describe('string', () => {
  it.each(['', 'hello', 'ünïcødé €', '🐢🐢', 'x'.repeat(10_000)])('round-trips %p', (value) => {
    expect(stringCodec.encode(value, 0)).toEqual({ S: value });
    expect(roundTrip(stringCodec, value)).toBe(value);
  });
  it('rejects other types and lone surrogates', () => {
    expect(rule(() => stringCodec.encode(1, 0))).toBe('type');
    expect(rule(() => stringCodec.encode('\uD800', 0))).toBe('lone-surrogate');
    expect(rule(() => stringCodec.decode({ N: '1' }))).toBe('stored-type');
  });
});

describe('number', () => {
  it.each([0, 1, -1, 1.5, 123456789.125, Number.MAX_SAFE_INTEGER, 1e125, -1e125, 1e-130, 5e-7])(
    'round-trips %p',
    (value) => expect(roundTrip(numberCodec, value)).toBe(value),
  );
  it('stores -0 as 0 (DynamoDB does the same)', () => {
    expect(numberCodec.encode(-0, 0)).toEqual({ N: '0' });
    expect(Object.is(roundTrip(numberCodec, -0), 0)).toBe(true);
  });
  it('rejects NaN, infinities and magnitudes DynamoDB cannot hold', () => {
    expect(rule(() => numberCodec.encode(NaN, 0))).toBe('finite');
    expect(rule(() => numberCodec.encode(Infinity, 0))).toBe('finite');
    expect(rule(() => numberCodec.encode(-Infinity, 0))).toBe('finite');
    expect(rule(() => numberCodec.encode(1e126, 0))).toBe('number-range');
    expect(rule(() => numberCodec.encode(1e-131, 0))).toBe('number-range');
    expect(rule(() => numberCodec.encode('1', 0))).toBe('type');
  });
});

describe('bigint', () => {
  it.each([0n, 1n, -1n, 10n ** 37n, 10n ** 40n, -(10n ** 38n - 1n), 12345678901234567890123456789012345678n])(
    'round-trips %p exactly',
    (value) => expect(roundTrip(bigintCodec, value)).toBe(value),
  );
  it('rejects more than 38 significant digits instead of rounding', () => {
    expect(rule(() => bigintCodec.encode(10n ** 40n - 1n, 0))).toBe('precision');
    expect(rule(() => bigintCodec.encode(10n ** 126n, 0))).toBe('number-range');
  });
  it('reads the forms DynamoDB may return', () => {
    expect(textToBigint('1E+40')).toBe(10n ** 40n);
    expect(textToBigint('1.5E+1')).toBe(15n);
    expect(textToBigint('-120')).toBe(-120n);
    expect(textToBigint('2.000')).toBe(2n);
    expect(rule(() => textToBigint('1.5'))).toBe('stored-type');
  });
});

describe('boolean, Uuid', () => {
  it('round-trips booleans and checks UUIDs', () => {
    expect(roundTrip(booleanCodec, true)).toBe(true);
    expect(roundTrip(booleanCodec, false)).toBe(false);
    expect(rule(() => booleanCodec.encode(0, 0))).toBe('type');
    expect(roundTrip(Uuid, '3f1c2f4e-9a4b-4c5d-8e6f-0a1b2c3d4e5f')).toBe('3f1c2f4e-9a4b-4c5d-8e6f-0a1b2c3d4e5f');
    expect(rule(() => Uuid.encode('not-a-uuid', 0))).toBe('uuid');
  });
});

describe('Date', () => {
  const date = new Date('2026-11-25T12:34:56.789Z');
  it('stores ISO 8601 by default, epoch seconds or milliseconds on request', () => {
    expect(dateCodec().encode(date, 0)).toEqual({ S: '2026-11-25T12:34:56.789Z' });
    expect(dateCodec('epochMillis').encode(date, 0)).toEqual({ N: String(date.getTime()) });
    expect(dateCodec('epochSeconds').encode(date, 0)).toEqual({ N: String(Math.floor(date.getTime() / 1000)) });
    expect(roundTrip(dateCodec(), date)).toEqual(date);
    expect(roundTrip(dateCodec('epochMillis'), date)).toEqual(date);
    expect(roundTrip(dateCodec('epochSeconds'), date)).toEqual(new Date('2026-11-25T12:34:56.000Z'));
  });
  it('round-trips a Date of any era as ISO 8601 text, expanded and negative years included', () => {
    const times = [0, -1, 951_782_400_000, -30_610_224_000_001, 253_402_300_800_000, -62_198_755_200_000];
    for (const time of [...times, 8_640_000_000_000_000, -8_640_000_000_000_000]) {
      const stored = dateCodec().encode(new Date(time), 0) as AttributeValue;
      expect([time, stored]).toEqual([time, { S: new Date(time).toISOString() }]);
      expect(dateCodec().decode(stored).getTime()).toBe(time);
    }
  });
  it('rejects invalid dates', () => {
    expect(rule(() => dateCodec().encode(new Date('x'), 0))).toBe('invalid-date');
    expect(rule(() => dateCodec().encode('2026-01-01', 0))).toBe('type');
    expect(rule(() => dateCodec().decode({ S: 'yesterday' }))).toBe('stored-type');
  });
});

describe('binary', () => {
  it('stores bytes as B and decodes Buffers when asked', () => {
    const bytes = new Uint8Array([0, 1, 2, 255]);
    expect(uint8ArrayCodec.encode(bytes, 0)).toEqual({ B: bytes });
    expect(roundTrip(uint8ArrayCodec, bytes)).toEqual(bytes);
    const buffer = roundTrip(bufferCodec, Buffer.from('hi'));
    expect(Buffer.isBuffer(buffer)).toBe(true);
    expect(buffer.toString()).toBe('hi');
    expect(roundTrip(uint8ArrayCodec, new Uint8Array())).toEqual(new Uint8Array());
  });
});

describe('sets', () => {
  it('stores SS, NS and BS; an empty set is left out and absent decodes as empty', () => {
    expect(setCodec(stringCodec).encode(new Set(['a', '']), 0)).toEqual({ SS: ['a', ''] });
    expect(setCodec(numberCodec).encode(new Set([1, 2.5]), 0)).toEqual({ NS: ['1', '2.5'] });
    const bin = setCodec(uint8ArrayCodec);
    const value = new Set([new Uint8Array([1]), new Uint8Array([2, 3])]);
    expect(roundTrip(bin, value)).toEqual(value);
    expect(setCodec(stringCodec).encode(new Set(), 0)).toBeUndefined();
    expect(setCodec(stringCodec).whenAbsent?.()).toEqual(new Set());
  });
  it('rejects elements that are stored alike', () => {
    const bin = setCodec(uint8ArrayCodec);
    expect(rule(() => bin.encode(new Set([new Uint8Array([1]), new Uint8Array([1])]), 0))).toBe('set-duplicates');
    const numbers = setCodec(numberCodec);
    expect(rule(() => numbers.encode(new Set([1, NaN]), 0))).toBe('finite');
  });
  it('refuses element types a set cannot hold', () => {
    expect(() => setCodec(booleanCodec)).toThrow(/S, N or B/);
  });
});

describe('lists and maps', () => {
  it('round-trips nested containers', () => {
    const codec = listCodec(recordCodec(listCodec(numberCodec)));
    const value: Record<string, number[]>[] = [{ a: [1, 2] }, {}, { b: [] }];
    expect(roundTrip(codec, value)).toEqual(value);
    const map = mapCodec(stringCodec);
    expect(roundTrip(map, new Map([['k', 'v']]))).toEqual(new Map([['k', 'v']]));
  });
  it('names the element at fault in the path', () => {
    const codec = listCodec(recordCodec(numberCodec));
    try {
      codec.encode([{ a: 1 }, { b: 'two' }], 0);
      throw new Error('expected failure');
    } catch (error) {
      expect((error as CodecError).path).toEqual(['1', 'b']);
      expect((error as CodecError).rule).toBe('type');
    }
  });
  it('enforces 31 nested containers, DynamoDB limit', () => {
    type Nested = Nested[] | string;
    const nested = (levels: number): { codec: Codec<Nested>; value: Nested } => {
      let codec: Codec<Nested> = stringCodec;
      let value: Nested = 'x';
      for (let i = 0; i < levels; i++) {
        codec = listCodec(codec);
        value = [value];
      }
      return { codec, value };
    };
    const ok = nested(31);
    expect(roundTrip(ok.codec, ok.value)).toEqual(ok.value);
    const deep = nested(32);
    expect(rule(() => deep.codec.encode(deep.value, 0))).toBe('max-depth');
  });
  it('rejects empty map keys and empty sets inside lists', () => {
    expect(rule(() => recordCodec(stringCodec).encode({ '': 'x' }, 0))).toBe('empty-name');
    expect(rule(() => listCodec(setCodec(stringCodec)).encode([new Set()], 0))).toBe('empty-set');
  });
});

describe('enums', () => {
  enum Color {
    Red = 'red',
    Blue = 'blue',
  }
  enum Level {
    Low,
    High,
  }
  it('stores string and numeric enum values and checks membership both ways', () => {
    expect(enumValues(Level)).toEqual([0, 1]);
    const colors = enumCodec(enumValues(Color), 'Color');
    expect(colors.storedType).toBe('S');
    expect(roundTrip(colors, Color.Blue)).toBe('blue');
    expect(rule(() => colors.encode('green', 0))).toBe('enum');
    expect(rule(() => colors.decode({ S: 'green' }))).toBe('enum');
    const levels = enumCodec(enumValues(Level), 'Level');
    expect(levels.storedType).toBe('N');
    expect(roundTrip(levels, Level.High)).toBe(1);
  });
});

describe('Json and user codecs', () => {
  it('stores JSON values natively and checks them', () => {
    const value = { a: [1, 'two', null, true, { b: {} }] };
    expect(roundTrip(Json, value)).toEqual(value);
    expect(rule(() => Json.encode({ n: Infinity }, 0))).toBe('json');
    expect(rule(() => Json.encode({ n: 10n ** 130n }, 0))).toBe('json');
    expect(rule(() => Json.encode({ deep: [[[{ s: new Set() }]]] }, 0))).toBe('json');
  });
  it('wraps user codecs and checks their output', () => {
    const point = customCodec<{ x: number; y: number }>(
      {
        toDynamo: (p) => ({ S: `${p.x},${p.y}` }),
        fromDynamo: (v) => {
          const [x, y] = (v.S ?? '').split(',').map(Number);
          return { x: x ?? 0, y: y ?? 0 };
        },
        storedType: 'S',
      },
      'Point',
    );
    expect(roundTrip(point, { x: 1, y: 2 })).toEqual({ x: 1, y: 2 });
    const broken = customCodec<number>({ toDynamo: () => ({ SS: [] }), fromDynamo: () => 0 }, 'Broken');
    expect(rule(() => broken.encode(1, 0))).toBe('empty-set');
    const throwing = customCodec<number>(
      {
        toDynamo: () => {
          throw new Error('nope');
        },
        fromDynamo: () => 0,
      },
      'T',
    );
    expect(rule(() => throwing.encode(1, 0))).toBe('codec');
  });
});
