import 'reflect-metadata';
import { attributeValueBound, itemSize } from '@dynamodel/executor';
import { isoString, parseIsoTime } from '../src/codecs/date-codec';
import { sameValue } from '../src/operations/same-item';
import { Json } from '../src/codecs/json-codec';
import { ObjectCodec } from '../src/codecs/object-codec';
import { Attribute, HashKey, Model, Table, ValidationError, compileModel, createConnection, encodeItem } from '../src';

// The public path's fast paths give exactly the answers of the slow ones they replace (issue 10 §4).

/** A deterministic spread of times: every era of 1000–9999, odd milliseconds, leap days, edges. */
function times(): number[] {
  const list: number[] = [];
  let seed = 42;
  const random = (): number => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  for (let i = 0; i < 20_000; i++) list.push(Math.floor(-30_610_224_000_000 + random() * 284_012_524_800_000));
  list.push(0, -1, 951_782_400_000, 4_107_542_400_000, -30_610_224_000_000, -30_610_224_000_001, 253_402_300_799_999);
  list.push(253_402_300_800_000, -62_198_755_200_000, 8_640_000_000_000_000);
  return list;
}

describe('isoString', () => {
  it('writes exactly what toISOString writes, for every year', () => {
    for (const time of times()) {
      const date = new Date(time);
      expect(isoString(date)).toBe(date.toISOString());
    }
  });
});

describe('parseIsoTime', () => {
  it("gives Date.parse's time for every date isoString writes, and for every malformed text", () => {
    const texts: string[] = [];
    for (const time of times()) texts.push(new Date(time).toISOString());
    const replacements = ['0', '1', '3', '9', '-', ':', 'T', 'Z', '.', 'a', ' ', '+', '\u0660'];
    for (const text of texts.slice(0, 200)) {
      for (let i = 0; i < text.length; i++) {
        for (const character of replacements) texts.push(text.slice(0, i) + character + text.slice(i + 1));
      }
      texts.push(text.slice(1), `${text} `, text.replace('Z', '+00:00'), text.toLowerCase());
    }
    texts.push(
      '2026-02-31T00:00:00.000Z',
      '2026-01-01T24:00:00.000Z',
      '2026-04-31T23:59:59.999Z',
      '0999-12-31T23:59:59.999Z',
    );
    for (const text of texts) expect([text, parseIsoTime(text)]).toEqual([text, Date.parse(text)]);
  });
});

describe('size bound summed while encoding', () => {
  it('is never below the exact size DynamoDB counts', () => {
    const values: unknown[] = [
      'ascii',
      '€uro',
      '🐢 turtles',
      '',
      0,
      -123.456,
      12345678901234567890123456789012345678n.toString(),
      true,
      null,
      Uint8Array.from([1, 2, 3]),
      new Set(['a', 'é', '🐢']),
      new Set([1, 2.5, -3]),
      { nested: { list: [1, 'two', { three: [null, true] }], ké: 'ü' } },
    ];
    for (const value of values) {
      const encoded = Json.encode(value, 0);
      if (!encoded) continue;
      expect(attributeValueBound(encoded)).toBeGreaterThanOrEqual(itemSize({ x: encoded }) - 1);
    }
  });

  class Room {
    @Attribute() name!: string;
    @Attribute({ type: Array, of: Json, optional: true }) things?: unknown[];
    @Attribute({ type: Map, of: Number, optional: true }) counts?: Map<string, number>;
  }

  @Table()
  class Everything extends Model {
    @HashKey() id!: string;
    @Attribute({ type: Set, of: String, optional: true }) tags?: Set<string>;
    @Attribute({ type: Set, of: Number, optional: true }) scores?: Set<number>;
    @Attribute({ type: Set, of: Uint8Array, optional: true }) blobs?: Set<Uint8Array>;
    @Attribute({ type: Array, of: Room, optional: true }) rooms?: Room[];
    @Attribute({ type: Map, of: Room, optional: true }) byName?: Map<string, Room>;
    @Attribute({ type: Object, of: String, optional: true }) labels?: Record<string, string>;
    @Attribute({ type: Room, nullable: true, optional: true }) main?: Room | null;
    @Attribute({ type: Json, optional: true }) extra?: unknown;
  }

  it('of containers counted while they encode, never below the exact size (generated code and loop)', () => {
    const schema = compileModel<Everything>(Everything);
    const loop = new ObjectCodec<Everything>(Everything.prototype, schema.fields, { interpreted: true });
    const room = (i: number): Room =>
      Object.assign(new Room(), {
        name: `room é🐢 ${i}`,
        things: [i, `thing ${i}`, { deep: [null, true, { n: -i / 7 }] }],
        counts: new Map([
          ['ü', i],
          ['b', -1.5e10],
        ]),
      });
    const instances = [
      Object.assign(new Everything(), { id: 'minimal' }),
      Object.assign(new Everything(), { id: 'null', main: null }),
      // Mostly structure (empty names): a container byte left uncounted would show.
      Object.assign(new Everything(), {
        id: 'structure',
        rooms: Array.from({ length: 200 }, () => Object.assign(new Room(), { name: '', things: [] })),
        byName: new Map(
          Array.from({ length: 200 }, (_, i) => [String(i % 10), Object.assign(new Room(), { name: '' })]),
        ),
      }),
      ...Array.from({ length: 40 }, (_, i) =>
        Object.assign(new Everything(), {
          id: `e${i}`,
          tags: new Set(Array.from({ length: i % 5 }, (_, j) => `tag-€${j}`)),
          scores: new Set(Array.from({ length: i % 4 }, (_, j) => j * 1.25 - i)),
          blobs: new Set(Array.from({ length: i % 3 }, (_, j) => Uint8Array.from([j, i]))),
          rooms: Array.from({ length: i % 3 }, (_, j) => room(j)),
          byName: new Map(Array.from({ length: i % 2 }, (_, j) => [`n${j}`, room(j)])),
          labels: { a: 'x'.repeat(i), ключ: 'значение' },
          main: room(i),
          extra: { list: [i, 'two', Uint8Array.from([1])], set: new Set(['s']) },
        }),
      ),
    ];
    for (const instance of instances) {
      for (const encode of [
        (size: { bytes: number }) => schema.codec.encode(instance, 0, size),
        (size: { bytes: number }) => loop.encode(instance, 0, size),
      ]) {
        const size = { bytes: 0 };
        const item = encode(size);
        expect(size.bytes).toBeGreaterThanOrEqual(itemSize(item));
        expect(size.bytes).toBeLessThanOrEqual(3 * itemSize(item) + 100);
      }
    }
  });

  @Table()
  class Blob extends Model {
    @HashKey() id!: string;
    @Attribute() text!: string;
  }
  const schema = compileModel<Blob>(Blob);
  const blob = (text: string): Blob => Object.assign(new Blob(), { id: 'b', text });

  it('lets an item whose bound passes the limit through when its exact size does not', () => {
    // 300,000 ASCII characters: bound 900,000, exact 300,000 + names.
    expect(encodeItem(schema, blob('a'.repeat(300_000))).text?.S).toHaveLength(300_000);
  });

  it('refuses exactly at DynamoDB boundary, multi-byte text included', () => {
    // Names "id" + "text" = 6 bytes, "b" = 1 byte: 409,593 bytes of text fit, one more does not.
    expect(() => encodeItem(schema, blob('a'.repeat(409_593)))).not.toThrow();
    expect(() => encodeItem(schema, blob('a'.repeat(409_594)))).toThrow(ValidationError);
    expect(() => encodeItem(schema, blob('€'.repeat(136_531)))).not.toThrow(); // 409,593 bytes
    expect(() => encodeItem(schema, blob('€'.repeat(136_531) + 'a'))).toThrow(/409601 bytes/);
  });
});

describe('the model API hot path', () => {
  @Table({ name: 'hot_path' })
  class Note extends Model {
    @HashKey() id!: string;
    @Attribute() text!: string;
  }

  it('rejects (never throws at once) when an executor throws before returning a promise', async () => {
    const failure = new Error('executor broke before sending');
    const throwing = {
      send(): never {
        throw failure;
      },
    };
    const notes = Note.using(createConnection({ executor: throwing, autoCreateTables: false }));
    const calls: (() => Promise<unknown>)[] = [
      () => notes.put({ id: 'n1', text: 'a' }),
      () => notes.get('n1'),
      () => notes.update('n1', { text: 'b' }),
      () => notes.delete('n1'),
    ];
    for (const call of calls) {
      let settled: Promise<unknown> | undefined;
      expect(() => (settled = call())).not.toThrow();
      await expect(settled).rejects.toBe(failure);
    }
  });

  it('builds the key of a hash-only get from a value or a value and options', async () => {
    const sent: unknown[] = [];
    const recording = {
      send(_operation: string, input: unknown) {
        sent.push(input);
        return Promise.resolve({ $metadata: {} });
      },
    };
    const notes = Note.using(createConnection({ executor: recording, autoCreateTables: false }));
    await notes.get('n1');
    await notes.get('n2', { consistent: true });
    expect(sent).toEqual([
      { TableName: 'hot_path', Key: { id: { S: 'n1' } } },
      { TableName: 'hot_path', Key: { id: { S: 'n2' } }, ConsistentRead: true },
    ]);
    await expect(notes.get('')).rejects.toMatchObject({ rule: 'empty-key', attribute: 'id' });
    expect(sent).toHaveLength(2);
  });
});

describe('sameValue (what a re-put and save() compare)', () => {
  it('finds sets equal in any order, and unequal when one element differs', () => {
    expect(sameValue({ SS: ['a', 'b', 'c'] }, { SS: ['a', 'b', 'c'] })).toBe(true);
    expect(sameValue({ SS: ['a', 'b', 'c'] }, { SS: ['c', 'a', 'b'] })).toBe(true);
    expect(sameValue({ SS: ['a', 'b', 'c'] }, { SS: ['a', 'b', 'd'] })).toBe(false);
    expect(sameValue({ SS: ['a', 'b'] }, { SS: ['a', 'b', 'c'] })).toBe(false);
    expect(sameValue({ NS: ['1', '2.50'] }, { NS: ['2.5', '1'] })).toBe(true);
    expect(sameValue({ NS: ['1', '2'] }, { NS: ['1', '3'] })).toBe(false);
    expect(sameValue({ BS: [Uint8Array.of(1), Uint8Array.of(2)] }, { BS: [Uint8Array.of(2), Uint8Array.of(1)] })).toBe(
      true,
    );
    expect(sameValue({ SS: ['a'] }, { NS: ['1'] })).toBe(false);
  });
});
