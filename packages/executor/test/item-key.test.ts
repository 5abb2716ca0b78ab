import { keyString } from '../src';

describe('keyString', () => {
  it('is equal for equal keys, whatever the attribute order, and compares binary keys by bytes', () => {
    expect(keyString({ pk: { S: 'a' }, sk: { N: '1' } }, ['pk', 'sk'])).toBe(
      keyString({ sk: { N: '1' }, pk: { S: 'a' } }, ['pk', 'sk']),
    );
    expect(keyString({ pk: { B: Uint8Array.from([1, 2]) } }, ['pk'])).toBe(
      keyString({ pk: { B: Buffer.from([1, 2]) } }, ['pk']),
    );
  });

  it('never gives two different keys one string', () => {
    const ids = [
      keyString({ pk: { S: 'a' }, sk: { S: 'bc' } }, ['pk', 'sk']),
      keyString({ pk: { S: 'ab' }, sk: { S: 'c' } }, ['pk', 'sk']),
      keyString({ pk: { S: 'a:1' }, sk: { S: '' } }, ['pk', 'sk']),
      keyString({ pk: { S: '1' } }, ['pk']),
      keyString({ pk: { N: '1' } }, ['pk']),
      keyString({ pk: { B: Buffer.from('1') } }, ['pk']),
      keyString({ pk: { S: 'S1:x' } }, ['pk']),
      keyString({ pk: { S: 'x' } }, ['pk']),
    ];
    expect(new Set(ids).size).toBe(ids.length);
  });
});
