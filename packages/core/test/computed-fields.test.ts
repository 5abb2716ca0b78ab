import 'reflect-metadata';
import { itemSize } from '@dynamodel/executor';
import { stringCodec } from '../src/codecs/scalar-codecs';
import { ObjectCodec, type FieldCodec } from '../src/codecs/object-codec';
import { keptValuesOf } from '../src/model/kept-values';
import type { ModelSchema } from '../src/schema/compile-model';

// Computed attributes (FieldCodec.compute): what single-table keys and the entity attribute are built on.

class Note {
  userId!: string;
  text!: string;
}

const fields: FieldCodec[] = [
  {
    property: 'pk',
    name: 'pk',
    codec: stringCodec,
    required: true,
    nullable: false,
    compute: (n) => `USER#${(n as Note).userId}`,
  },
  { property: 'userId', name: 'userId', codec: stringCodec, required: true, nullable: false },
  { property: 'text', name: 'text', codec: stringCodec, required: true, nullable: false },
  { property: '_et', name: '_et', codec: stringCodec, required: true, nullable: false, compute: () => 'Note' },
];
const note = Object.assign(new Note(), { userId: 'u1', text: 'hi' });

describe.each([
  ['generated', false],
  ['interpreted', true],
])('a computed attribute (%s codec)', (_mode, interpreted) => {
  const codec = new ObjectCodec<Note>(Note.prototype, fields, { interpreted });

  it('is encoded from the whole object, counted in the size bound, and never set on a decoded one', () => {
    const size = { bytes: 0 };
    const item = codec.encode(note, 0, size);
    expect(item).toEqual({ pk: { S: 'USER#u1' }, userId: { S: 'u1' }, text: { S: 'hi' }, _et: { S: 'Note' } });
    expect(size.bytes).toBeGreaterThanOrEqual(itemSize(item));
    const decoded = codec.decode(item);
    expect(Object.keys(decoded)).toEqual(['userId', 'text']);
    expect(decoded).toBeInstanceOf(Note);
  });

  it('is not required on a stored item (a projection may leave it out)', () => {
    expect(codec.decode({ userId: { S: 'u1' }, text: { S: 'x' } }).text).toBe('x');
  });
});

describe.each([
  ['generated', false],
  ['interpreted', true],
])('kept values of a computed attribute (%s)', (_mode, interpreted) => {
  const schema = {
    fields: fields.map((field) => ({ ...field, role: undefined, indexes: [], lifecycle: [] })),
  } as unknown as ModelSchema;
  const kept = keptValuesOf(schema, { interpreted });
  const codec = new ObjectCodec<Note>(Note.prototype, fields);

  it('are the stored text, matched while the object renders the same, and given back as stored', () => {
    const item = codec.encode(note);
    const values = kept.capture(note, item);
    expect(values[0]).toBe('USER#u1');
    expect(kept.matches(note, values, item)).toBe(true);
    expect(kept.stored(0, values[0])).toEqual({ S: 'USER#u1' });
    const moved = Object.assign(new Note(), { userId: 'u2', text: 'hi' });
    expect(kept.matches(moved, values, codec.encode(moved))).toBe(false);
  });
});
