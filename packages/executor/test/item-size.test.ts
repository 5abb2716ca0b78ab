import { PutItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { uniqueTablePrefix } from '@dynamodel/local/jest';
import { MAX_ITEM_BYTES, attributeValueSize, itemSize, itemSizeBound, numberSize } from '../src';
import { createTable, directClient } from './helpers';

describe('numberSize (the rule measured on DynamoDB, docs/reliability.md §1)', () => {
  it.each([
    ['0', 1],
    ['1', 2],
    ['123', 3],
    ['1234', 3],
    ['12345', 4],
    ['1.5', 3],
    ['0.123', 3],
    ['-1', 3],
    ['-123.45', 5],
    ['1E+10', 2],
    ['12345678901234567890123456789012345678', 20],
    ['-99999999999999999999999999999999999999', 21],
    ['1.50', 3],
    ['-0', 1],
  ])('%s takes %i bytes', (text, bytes) => {
    expect(numberSize(text)).toBe(bytes);
  });
});

describe('attributeValueSize', () => {
  it('counts strings in UTF-8, containers with their overhead, and sets by their elements', () => {
    expect(attributeValueSize({ S: 'é' })).toBe(2);
    expect(itemSize({ é: { S: 'é' } })).toBe(4);
    expect(itemSize({ k: { M: { k: { S: 'v' } } } })).toBe(1 + 3 + 1 + 1 + 1);
    expect(itemSize({ k: { L: [{ S: 'v' }, { S: 'w' }] } })).toBe(8);
    expect(itemSize({ k: { M: {} } })).toBe(4);
    expect(attributeValueSize({ SS: ['ab', 'c'] })).toBe(3);
    expect(attributeValueSize({ NS: ['1', '22', '333'] })).toBe(7);
    expect(attributeValueSize({ B: new Uint8Array(10) })).toBe(10);
    expect(attributeValueSize({ BOOL: true })).toBe(1);
  });
});

describe('itemSizeBound (the cheap bound the batch engine checks first)', () => {
  it('is never below the exact size, whatever the item holds', () => {
    const items: Record<string, AttributeValue>[] = [
      { id: { S: 'a' } },
      { é: { S: 'é€🐢' }, n: { N: '-99999999999999999999999999999999999999' }, z: { N: '0' } },
      { m: { M: { ké: { L: [{ S: 'ü' }, { N: '1.5' }, { NULL: true }, { BOOL: false }] }, e: { M: {} } } } },
      { ss: { SS: ['a', 'é', '🐢'] }, ns: { NS: ['1', '22', '-3.5E+10'] }, bs: { BS: [Uint8Array.from([1, 2])] } },
      { b: { B: new Uint8Array(1000) }, s: { S: '\u0000'.repeat(100) } },
    ];
    for (const item of items) expect(itemSizeBound(item)).toBeGreaterThanOrEqual(itemSize(item));
  });

  it('counts a string at 3 bytes a UTF-16 unit and a number at its largest size', () => {
    expect(itemSizeBound({ id: { S: 'abc' } })).toBe(2 * 3 + 3 * 3);
    expect(itemSizeBound({ n: { N: '1' } })).toBe(3 + 21);
  });
});

describe('item size limit against DynamoDB Local', () => {
  const client = directClient();
  const table = `${uniqueTablePrefix('size')}t`;
  beforeAll(() => createTable(client, table, { hash: 'id' }));
  afterAll(() => client.destroy());

  it('agrees with DynamoDB at the exact 409,600-byte boundary', async () => {
    const fits = { id: { S: 'a' }, d: { S: 'x'.repeat(409_596) } };
    const over = { id: { S: 'b' }, d: { S: 'x'.repeat(409_597) } };
    expect(itemSize(fits)).toBe(MAX_ITEM_BYTES);
    expect(itemSize(over)).toBe(MAX_ITEM_BYTES + 1);
    await expect(client.send(new PutItemCommand({ TableName: table, Item: fits }))).resolves.toBeDefined();
    await expect(client.send(new PutItemCommand({ TableName: table, Item: over }))).rejects.toThrow(
      /Item size has exceeded/,
    );
  });

  it('agrees for number-heavy items, where the documented formula under-counts', async () => {
    // 20 numbers of 38 digits: 20 bytes each by the measured rule.
    const numbers: Record<string, { N: string }> = {};
    for (let i = 0; i < 20; i++) numbers[`n${String(i).padStart(2, '0')}`] = { N: '9'.repeat(38) };
    const fixed = itemSize({ id: { S: 'c' }, ...numbers, d: { S: '' } });
    const pad = MAX_ITEM_BYTES - fixed;
    const fits = { id: { S: 'c' }, ...numbers, d: { S: 'x'.repeat(pad) } };
    const over = { id: { S: 'd' }, ...numbers, d: { S: 'x'.repeat(pad + 1) } };
    await expect(client.send(new PutItemCommand({ TableName: table, Item: fits }))).resolves.toBeDefined();
    await expect(client.send(new PutItemCommand({ TableName: table, Item: over }))).rejects.toThrow(
      /Item size has exceeded/,
    );
  });
});
