import 'reflect-metadata';
import { keptValuesOf } from '../src/model/kept-values';
import { beginWrite, endWrite, snapshotWritten, storedStateOf } from '../src/model/stored-state';
import { Attribute, HashKey, Model, Table, compileModel } from '../src';

// What a write keeps of each field (model/kept-values.ts), so save() sends exactly what changed since,
// and a write of an unchanged instance keeps the old values (issue 25 §1, §6).

class Spot {
  @Attribute() city!: string;
}

@Table({ name: 'kept' })
class Kept extends Model {
  @HashKey() id!: string;
  @Attribute() text?: string;
  @Attribute() count?: number;
  @Attribute({ type: String, nullable: true }) note?: string | null;
  @Attribute({ optional: true }) at?: Date;
  @Attribute({ dateFormat: 'epochSeconds' }) seen?: Date;
  @Attribute({ type: Set, of: String }) tags!: Set<string>;
  @Attribute({ type: Set, of: Number }) scores!: Set<number>;
  @Attribute({ type: Map, of: Number }) votes?: Map<string, number>;
  @Attribute({ type: Array, of: String }) list?: string[];
  @Attribute({ type: Spot }) spot?: Spot;
}

const schema = compileModel<Kept>(Kept);
const index = (property: string): number => schema.fields.findIndex((field) => field.property === property);

function kept(): Kept {
  return Object.assign(new Kept(), {
    id: 'k1',
    text: 'hello',
    count: 3,
    note: null,
    at: new Date('2026-01-02T03:04:05.678Z'),
    seen: new Date('2026-01-02T03:04:05.000Z'),
    tags: new Set(['a', 'b']),
    scores: new Set([1, 2.5]),
    votes: new Map([['up', 2]]),
    list: ['x'],
    spot: Object.assign(new Spot(), { city: 'Delft' }),
  });
}

/** The instance as stored by a write of it now. */
function written(instance: Kept): void {
  const item = schema.codec.encode(instance);
  endWrite(instance, beginWrite(instance), snapshotWritten(schema, instance, item), 'stored');
}

/** The fields whose value now differs from what the write stored, as `save()` sees them. */
function changed(instance: Kept): string[] {
  const state = storedStateOf(instance);
  const item = schema.codec.encode(instance);
  return schema.fields.filter((field, i) => !state?.same(schema, i, item[field.name])).map((field) => field.property);
}

describe.each([
  ['generated', false],
  ['interpreted', true],
])('kept values (%s)', (_mode, interpreted) => {
  const functions = keptValuesOf(schema, { interpreted });

  it('match the instance written, and no longer once any field changes, in place too', () => {
    const changes: [string, (k: Kept) => void][] = [
      ['text', (k) => (k.text = 'bye')],
      ['count', (k) => (k.count = 4)],
      ['note', (k) => (k.note = 'now set')],
      ['at', (k) => k.at?.setUTCMilliseconds(679)],
      ['seen', (k) => k.seen?.setUTCFullYear(2027)],
      ['tags', (k) => k.tags.add('c')],
      ['scores', (k) => k.scores.delete(2.5)],
      ['votes', (k) => k.votes?.set('up', 3)],
      ['list', (k) => k.list?.push('y')],
      ['spot', (k) => k.spot && (k.spot.city = 'Leiden')],
      ['at', (k) => (k.at = undefined)],
    ];
    for (const [property, change] of changes) {
      const instance = kept();
      const item = schema.codec.encode(instance);
      const values = functions.capture(instance, item);
      expect(functions.matches(instance, values, item)).toBe(true);
      change(instance);
      expect([property, functions.matches(instance, values, schema.codec.encode(instance))]).toEqual([property, false]);
    }
  });

  it('give each kept value back in its stored form', () => {
    const instance = kept();
    const item = schema.codec.encode(instance);
    const values = functions.capture(instance, item);
    schema.fields.forEach((field, i) => expect(functions.stored(i, values[i])).toEqual(item[field.name]));
  });

  it('take a set stored in another order, or a number written another way, as the same', () => {
    const instance = kept();
    const values = functions.capture(instance, schema.codec.encode(instance));
    instance.tags = new Set(['b', 'a']);
    instance.scores = new Set([2.5, 1]);
    expect(functions.matches(instance, values, schema.codec.encode(instance))).toBe(true);
    const stored = functions.stored(index('scores'), values[index('scores')]);
    expect(stored).toEqual({ NS: ['1', '2.5'] });
  });

  it('keep an empty set as absent, and match it while it stays empty', () => {
    const instance = Object.assign(kept(), { tags: new Set<string>(), scores: new Set<number>() });
    const item = schema.codec.encode(instance);
    expect(item.tags).toBeUndefined();
    const values = functions.capture(instance, item);
    expect(functions.stored(index('tags'), values[index('tags')])).toBeUndefined();
    expect(functions.matches(instance, values, item)).toBe(true);
  });
});

describe('what save() sees after a write', () => {
  it('nothing changed; then exactly the field changed in place', () => {
    const instance = kept();
    written(instance);
    expect(changed(instance)).toEqual([]);
    instance.at?.setUTCHours(0);
    instance.tags.delete('a');
    expect(changed(instance)).toEqual(['at', 'tags']);
  });

  it('a write of an unchanged instance keeps the values it kept (nothing allocated)', () => {
    const instance = kept();
    const item = schema.codec.encode(instance);
    const first = snapshotWritten(schema, instance, item);
    endWrite(instance, beginWrite(instance), first, 'stored');
    expect(snapshotWritten(schema, instance, schema.codec.encode(instance))).toBe(first);
    instance.votes?.set('down', 1);
    expect(snapshotWritten(schema, instance, schema.codec.encode(instance))).not.toBe(first);
  });

  it('a value the library assigns once stored is kept in its field’s form', () => {
    const instance = kept();
    const item = schema.codec.encode(instance);
    const assignedAt = new Date('2030-01-01T00:00:00.000Z');
    item.at = { S: assignedAt.toISOString() };
    const snapshot = snapshotWritten(schema, instance, item, [['at', assignedAt]]);
    endWrite(instance, beginWrite(instance), snapshot, 'stored');
    instance.at = new Date(assignedAt.getTime());
    expect(changed(instance)).toEqual([]);
  });
});
