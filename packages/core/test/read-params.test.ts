import 'reflect-metadata';
import { Attribute, compileModel, HashKey, Index, Model, queryParams, RangeKey, scanParams, Table } from '../src';
import { buildCondition } from '../src/expressions/condition';
import { decodeCursor, encodeCursor } from '../src/operations/read/cursor';

// The pure builders of Query and Scan inputs, without a client (STYLE.md §2).

@Table({ name: 'messages' })
class Message extends Model {
  @HashKey() channel!: string;
  @RangeKey({ dateFormat: 'epochMillis' }) sentAt!: Date;
  @Index('byAuthor', { hash: true, projection: ['text'] }) @Attribute() author!: string;
  @Attribute({ name: 'text body' }) text!: string;
  @Attribute({ name: 'status' }) state!: string;
}

const schema = compileModel(Message);

describe('queryParams', () => {
  it('encodes the partition and the sort key condition through the key codecs, one allocator for all expressions', () => {
    const plan = queryParams(schema, 't', {
      partition: 'general',
      where: buildCondition<Message>((k) => k.between('sentAt', new Date(1000), new Date(2000))),
      filter: buildCondition<Message>({ state: 'sent' }),
      projection: ['text'],
      reverse: true,
      limit: 10,
    });
    expect(plan.params).toEqual({
      TableName: 't',
      KeyConditionExpression: '#n0 = :v0 AND #n1 BETWEEN :v1 AND :v2',
      FilterExpression: '#n2 = :v3',
      ProjectionExpression: '#n0, #n1, #n3',
      ScanIndexForward: false,
      ExpressionAttributeNames: { '#n0': 'channel', '#n1': 'sentAt', '#n2': 'status', '#n3': 'text body' },
      ExpressionAttributeValues: {
        ':v0': { S: 'general' },
        ':v1': { N: '1000' },
        ':v2': { N: '2000' },
        ':v3': { S: 'sent' },
      },
    });
    // The count request has its own placeholders: no projection, so no unused name.
    expect(plan.countParams).toMatchObject({ Select: 'COUNT', ExpressionAttributeNames: { '#n2': 'status' } });
    expect(plan.countParams.ProjectionExpression).toBeUndefined();
    expect(plan).toMatchObject({ filtered: true, limit: 10, keyNames: ['channel', 'sentAt'] });
    expect(plan.partial).toEqual(new Set(['channel', 'sentAt', 'text body']));
  });

  it('on an index: its name, its partition key, and what it projects', () => {
    const plan = queryParams(schema, 't', { index: 'byAuthor', partition: { author: 'ana' } });
    expect(plan.params).toEqual({
      TableName: 't',
      IndexName: 'byAuthor',
      KeyConditionExpression: '#n0 = :v0',
      ExpressionAttributeNames: { '#n0': 'author' },
      ExpressionAttributeValues: { ':v0': { S: 'ana' } },
    });
    expect(plan.keyNames).toEqual(['channel', 'sentAt', 'author']);
    expect(plan.partial).toEqual(new Set(['channel', 'sentAt', 'author', 'text body']));
  });
});

describe('scanParams', () => {
  it('plans one read per segment', () => {
    const plan = scanParams(schema, 't', { segments: 3, filter: buildCondition<Message>((c) => c.exists('text')) });
    expect(plan.segments).toEqual([
      [0, 3],
      [1, 3],
      [2, 3],
    ]);
    expect(plan.params).toEqual({
      TableName: 't',
      FilterExpression: 'attribute_exists(#n0)',
      ExpressionAttributeNames: { '#n0': 'text body' },
    });
    expect(() => scanParams(schema, 't', { segments: 3, segment: 3 })).toThrow(/segment must be a whole number/);
    expect(() => scanParams(schema, 't', { segment: 0 })).toThrow(/segment must be a whole number/);
  });
});

describe('cursors', () => {
  const plan = queryParams(schema, 't', { partition: 'general' });
  const key = { channel: { S: 'general' }, sentAt: { N: '1500' } };

  it('round-trip a position and are URL-safe', () => {
    const cursor = encodeCursor(plan.scope, [{ segment: undefined, startKey: key }]);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(decodeCursor(schema, plan, cursor)).toEqual([{ segment: undefined, startKey: key }]);
  });

  it('refuse a start key outside the partition, of the wrong shape or type, even with a valid MAC', () => {
    const refuse = (startKey: Record<string, { S: string } | { N: string }>, message: RegExp) =>
      expect(() => decodeCursor(schema, plan, encodeCursor(plan.scope, [{ segment: undefined, startKey }]))).toThrow(
        message,
      );
    refuse({ channel: { S: 'other' }, sentAt: { N: '1' } }, /outside the partition/);
    refuse({ channel: { S: 'general' } }, /this read's keys are channel, sentAt/);
    refuse({ channel: { S: 'general' }, sentAt: { S: 'x' } }, /"sentAt" has the wrong type/);
    refuse({ channel: { S: 'general' }, sentAt: { N: 'NaN' } }, /invalid cursor/);
  });
});
