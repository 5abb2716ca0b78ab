import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { flattenStored, matchesFlat, unflattenStored } from '../src/model/flat-stored';
import { sameValue } from '../src/operations/same-item';

// A written value's stored form kept as one flat array (model/flat-stored.ts): what a re-put compares.

const values: [string, AttributeValue][] = [
  ['a string', { S: 'text' }],
  ['a number', { N: '-1.5' }],
  ['bytes', { B: Uint8Array.from([1, 2, 3]) }],
  ['a boolean', { BOOL: false }],
  ['null', { NULL: true }],
  ['a string set', { SS: ['a', 'b'] }],
  ['a number set', { NS: ['1', '2.5'] }],
  ['a byte set', { BS: [Uint8Array.from([1]), Uint8Array.from([2])] }],
  ['an empty list and map', { L: [{ L: [] }, { M: {} }] }],
  [
    'nested containers',
    {
      M: {
        list: { L: [{ S: 'x' }, { M: { deep: { NS: ['3'] } } }, { NULL: true }] },
        name: { S: 'text' },
        flag: { BOOL: true },
      },
    },
  ],
];

describe('flat stored values', () => {
  it.each(values)('%s: back to the same stored value, and matching it', (_name, value) => {
    const kept = flattenStored(value);
    expect(sameValue(unflattenStored(kept), value)).toBe(true);
    expect(unflattenStored(kept)).toEqual(value);
    expect(matchesFlat(value, kept)).toBe(true);
  });

  it.each(values)('%s: matched by no other value', (name, value) => {
    const kept = flattenStored(value);
    for (const [other, otherValue] of values) {
      if (other !== name) expect([other, matchesFlat(otherValue, kept)]).toEqual([other, false]);
    }
  });

  it('keep an own map key named __proto__ as a key', () => {
    const value: AttributeValue = { M: JSON.parse('{"__proto__": {"S": "p"}}') as Record<string, AttributeValue> };
    const back = unflattenStored(flattenStored(value));
    expect(Object.keys(back.M ?? {})).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(back.M)).toBe(Object.prototype);
  });

  it('copy bytes, so a change in place afterwards is a change', () => {
    const bytes = Uint8Array.from([1, 2]);
    const kept = flattenStored({ M: { b: { B: bytes } } });
    bytes[0] = 9;
    expect(matchesFlat({ M: { b: { B: bytes } } }, kept)).toBe(false);
    expect(unflattenStored(kept)).toEqual({ M: { b: { B: Uint8Array.from([1, 2]) } } });
  });

  it('compare sets as sets and numbers as numbers, as DynamoDB does', () => {
    expect(matchesFlat({ SS: ['b', 'a'] }, flattenStored({ SS: ['a', 'b'] }))).toBe(true);
    expect(matchesFlat({ NS: ['2.50', '1'] }, flattenStored({ NS: ['1', '2.5'] }))).toBe(true);
    expect(matchesFlat({ L: [{ N: '1.0' }] }, flattenStored({ L: [{ N: '1' }] }))).toBe(true);
    expect(matchesFlat({ SS: ['a', 'c'] }, flattenStored({ SS: ['a', 'b'] }))).toBe(false);
    expect(matchesFlat({ L: [{ S: 'b' }, { S: 'a' }] }, flattenStored({ L: [{ S: 'a' }, { S: 'b' }] }))).toBe(false);
  });

  it('take a map whose entries come in another order as changed (never as the same when it is not)', () => {
    const kept = flattenStored({ M: { a: { N: '1' }, b: { N: '2' } } });
    expect(matchesFlat({ M: { b: { N: '2' }, a: { N: '1' } } }, kept)).toBe(false);
    expect(matchesFlat({ M: { a: { N: '1' } } }, kept)).toBe(false);
    expect(matchesFlat({ M: { a: { N: '1' }, b: { N: '2' }, c: { N: '3' } } }, kept)).toBe(false);
    expect(matchesFlat({ M: { a: { N: '1' }, c: { N: '2' } } }, kept)).toBe(false);
  });

  it('keep a set of 200,000 strings without overflowing the stack', () => {
    const big: AttributeValue = { SS: Array.from({ length: 200_000 }, (_, i) => `s${i}`) };
    const kept = flattenStored(big);
    expect(matchesFlat(big, kept)).toBe(true);
    expect(unflattenStored(kept)).toEqual(big);
  });
});
