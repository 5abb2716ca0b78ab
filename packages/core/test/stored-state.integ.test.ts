import 'reflect-metadata';
import { DynamoDBClient, GetItemCommand, UpdateItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { localTestConfig, uniqueTablePrefix } from '@dynamodel/local/jest';
import {
  Attribute,
  Defaults,
  HashKey,
  Json,
  Model,
  OutcomeUnknownError,
  Table,
  ValidationError,
  createConnection,
  transact,
  type Connection,
  type UserCodec,
} from '../src';
import { gatedExecutor, type GatedExecutor } from './support/gated-executor';

// Issue 25 §1: save() always knows what is really stored — what a write sent, not what the instance
// holds when the answer arrives; what a batch wrote; bytes changed in place; old values returned by
// an update; and a way to write attributes whatever the stored state says.

const rawMapCodec: UserCodec<Record<string, AttributeValue>> = {
  toDynamo: (map) => ({ M: map }),
  fromDynamo: (value) => value.M ?? {},
  storedType: 'M',
};

@Table({ name: 'notes' })
class Note extends Model {
  declare [Defaults]?: 'views';
  @HashKey() id!: string;
  @Attribute() text!: string;
  @Attribute({ default: 0 }) views!: number;
  @Attribute({ type: Set, of: String, optional: true }) tags?: Set<string>;
  @Attribute({ type: Uint8Array, optional: true }) data?: Uint8Array;
  @Attribute({ type: Set, of: Uint8Array, optional: true }) blobs?: Set<Uint8Array>;
  @Attribute({ type: Json, optional: true }) extra?: Record<string, unknown>;
  @Attribute({ type: String, optional: true }) nickname?: string;
  /** A user codec handing over the stored map itself (what `fromDynamo` is given). */
  @Attribute({ codec: rawMapCodec, optional: true }) raw?: Record<string, AttributeValue>;
}

const config = localTestConfig();
const raw = new DynamoDBClient(config);
let executor: GatedExecutor;
let connection: Connection;
const notes = () => Note.using(connection);
const table = () => connection.tableName(Note.schema());
const stored = async (id: string) =>
  (await raw.send(new GetItemCommand({ TableName: table(), Key: { id: { S: id } }, ConsistentRead: true }))).Item;

beforeAll(async () => {
  executor = gatedExecutor(config);
  connection = createConnection({ executor, prefix: uniqueTablePrefix('state') });
  await connection.syncTables([Note]);
});
afterAll(async () => {
  raw.destroy();
  await connection.close();
  executor.destroy();
});

/** How many requests of `operation` `work` sent. */
async function sent(operation: 'UpdateItem' | 'PutItem', work: () => Promise<unknown>): Promise<number> {
  const before = executor.count(operation);
  await work();
  return executor.count(operation) - before;
}

describe('a change made while a write is in flight is still a change', () => {
  it('save()', async () => {
    const n = await notes().create({ id: 'inflight-save', text: 'v0' });
    n.text = 'v1';
    const first = n.save();
    n.text = 'v2';
    await first;
    expect((await stored('inflight-save'))?.text).toEqual({ S: 'v1' });
    expect(await sent('UpdateItem', () => n.save())).toBe(1);
    expect((await stored('inflight-save'))?.text).toEqual({ S: 'v2' });
  });

  it('put()', async () => {
    const n = notes().build({ id: 'inflight-put', text: 'v1' });
    const first = notes().put(n);
    n.text = 'v2';
    await first;
    await n.save();
    expect((await stored('inflight-put'))?.text).toEqual({ S: 'v2' });
  });

  it('create(): a Set given as input and changed while the create is in flight', async () => {
    const tags = new Set(['a']);
    const pending = notes().create({ id: 'inflight-create', text: 't', tags });
    tags.add('b');
    const n = await pending;
    expect(n.tags).toBe(tags);
    await n.save();
    expect((await stored('inflight-create'))?.tags?.SS?.sort()).toEqual(['a', 'b']);
  });

  it('saveOp() followed by transact()', async () => {
    const n = await notes().create({ id: 'inflight-tx', text: 'v0' });
    n.text = 'v1';
    const op = n.saveOp();
    n.text = 'v2';
    await transact([op]);
    expect((await stored('inflight-tx'))?.text).toEqual({ S: 'v1' });
    await n.save();
    expect((await stored('inflight-tx'))?.text).toEqual({ S: 'v2' });
  });

  it('two saves of one instance in flight at once: the next save writes every attribute', async () => {
    const n = await notes().create({ id: 'overlap', text: 'v0' });
    n.text = 'v1';
    const hold = executor.holdNext('UpdateItem');
    const first = n.save();
    await hold.reached; // v1 stored, its answer held
    n.text = 'v2';
    await n.save(); // v2 stored, answered first
    n.text = 'v3';
    hold.release();
    await first;
    expect((await stored('overlap'))?.text).toEqual({ S: 'v2' });
    expect(await sent('UpdateItem', () => n.save())).toBe(1);
    expect((await stored('overlap'))?.text).toEqual({ S: 'v3' });
    // The state is exact again afterwards.
    expect(await sent('UpdateItem', () => n.save())).toBe(0);
  });

  it('a put whose answer was lost: the next save stores the whole instance, removals included', async () => {
    const n = notes().build({ id: 'lost-put', text: 'v1', nickname: 'nick' });
    executor.failNext(
      'PutItem',
      new OutcomeUnknownError('scripted: lost', { code: 'ECONNRESET', operation: 'PutItem' }),
    );
    await expect(notes().put(n)).rejects.toBeInstanceOf(OutcomeUnknownError);
    // The put did land (the executor sent it, then reported its answer lost).
    expect((await stored('lost-put'))?.nickname).toEqual({ S: 'nick' });
    n.nickname = undefined;
    expect(await sent('UpdateItem', () => n.save())).toBe(1);
    expect((await stored('lost-put'))?.nickname).toBeUndefined();
    // Had it not landed, or had the item been deleted since, the save stores it whole all the same.
    const m = notes().build({ id: 'lost-put-2', text: 'v1' });
    executor.failNext(
      'PutItem',
      new OutcomeUnknownError('scripted: lost', { code: 'ECONNRESET', operation: 'PutItem' }),
    );
    await expect(notes().put(m)).rejects.toBeInstanceOf(OutcomeUnknownError);
    await notes().delete('lost-put-2');
    await m.save();
    expect((await stored('lost-put-2'))?.text).toEqual({ S: 'v1' });
  });
});

describe('what a batch wrote', () => {
  it('batchPut of a read instance records what it wrote', async () => {
    await notes().create({ id: 'batch-read', text: 'original' });
    const r = await notes().getOrFail('batch-read');
    r.text = 'batch';
    const report = await notes().batchPut([r]);
    expect(report.written).toBe(1);
    r.text = 'original';
    expect(await sent('UpdateItem', () => r.save())).toBe(1);
    expect((await stored('batch-read'))?.text).toEqual({ S: 'original' });
  });

  it('batchDelete of a read instance records that it is not stored: its save() stores it again', async () => {
    await notes().create({ id: 'batch-deleted', text: 'gone' });
    const r = await notes().getOrFail('batch-deleted');
    expect((await notes().batchDelete([r])).written).toBe(1);
    await r.save();
    expect((await stored('batch-deleted'))?.text).toEqual({ S: 'gone' });
  });

  it('an instance the batch refused keeps the state it had', async () => {
    await notes().create({ id: 'batch-refused', text: 'kept' });
    const r = await notes().getOrFail('batch-refused');
    r.views = Number.NaN;
    const report = await notes().batchPut([r]);
    expect(report.failed).toBe(1);
    expect(report.failures[0]?.reason).toBeInstanceOf(ValidationError);
    r.views = 0;
    expect(await sent('UpdateItem', () => r.save())).toBe(0);
  });
});

describe('bytes changed in place on a read instance are saved', () => {
  it('a Uint8Array, an element of a Set<Uint8Array>, and bytes in a Json value', async () => {
    await notes().create({
      id: 'bytes',
      text: 't',
      data: Uint8Array.from([1, 2, 3]),
      blobs: new Set([Uint8Array.from([9, 9])]),
      extra: { raw: Uint8Array.from([5, 5]) },
    });
    const r = await notes().getOrFail('bytes');
    (r.data as Uint8Array)[0] = 0x7a;
    await r.save();
    expect(Array.from((await stored('bytes'))?.data?.B ?? [])).toEqual([0x7a, 2, 3]);

    const s = await notes().getOrFail('bytes');
    const [blob] = s.blobs as Set<Uint8Array>;
    (blob as Uint8Array)[1] = 0x7b;
    await s.save();
    expect((await stored('bytes'))?.blobs?.BS?.map((b) => Array.from(b))).toEqual([[9, 0x7b]]);

    const j = await notes().getOrFail('bytes');
    (j.extra as { raw: Uint8Array }).raw[0] = 0x7c;
    await j.save();
    expect(Array.from((await stored('bytes'))?.extra?.M?.raw?.B ?? [])).toEqual([0x7c, 5]);
  });

  it("a user codec's value that is part of the stored item (fromDynamo is given a copy)", async () => {
    await notes().create({ id: 'raw', text: 't', raw: { a: { S: 'one' } } });
    const r = await notes().getOrFail('raw');
    (r.raw as Record<string, AttributeValue>).b = { S: 'two' };
    await r.save();
    expect((await stored('raw'))?.raw?.M).toEqual({ a: { S: 'one' }, b: { S: 'two' } });
    // What the save sent is what it remembers, not the instance's map it was encoded from.
    (r.raw as Record<string, AttributeValue>).c = { S: 'three' };
    await r.save();
    expect((await stored('raw'))?.raw?.M).toEqual({ a: { S: 'one' }, b: { S: 'two' }, c: { S: 'three' } });
  });
});

describe('old values returned by an update, and a deleted item', () => {
  it('ALL_OLD: save() of the old instance is an undo', async () => {
    await notes().create({ id: 'undo-all', text: 'before', views: 1 });
    const before = await notes().update('undo-all', { text: 'after', nickname: 'new' }, { returnValues: 'ALL_OLD' });
    expect(before?.text).toBe('before');
    await before?.save();
    const item = await stored('undo-all');
    expect(item?.text).toEqual({ S: 'before' });
    expect(item?.nickname).toBeUndefined();
  });

  it('UPDATED_OLD: save() of the partial old instance restores what the update wrote, and removes what it added', async () => {
    await notes().create({ id: 'undo-part', text: 'before', views: 1 });
    const before = await notes().update(
      'undo-part',
      (u) => u.set('text', 'after').set('nickname', 'n').increment('views'),
      {
        returnValues: 'UPDATED_OLD',
      },
    );
    expect(before?.text).toBe('before');
    expect(before?.nickname).toBeUndefined();
    await before?.save();
    const item = await stored('undo-part');
    expect(item?.text).toEqual({ S: 'before' });
    expect(item?.views).toEqual({ N: '1' });
    expect(item?.nickname).toBeUndefined();
  });

  it('UPDATED_NEW: the partial instance knows the attributes the update wrote', async () => {
    await notes().create({ id: 'updated-new', text: 'x', nickname: 'n' });
    const after = await notes().update('updated-new', (u) => u.remove('nickname').set('text', 'y'), {
      returnValues: 'UPDATED_NEW',
    });
    expect(after?.text).toBe('y');
    expect(await sent('UpdateItem', async () => after?.save())).toBe(0);
  });

  it('the item delete() returns is not stored any more: save() stores it again', async () => {
    await notes().create({ id: 'deleted', text: 'gone' });
    const deleted = await notes().delete('deleted');
    await deleted?.save();
    expect((await stored('deleted'))?.text).toEqual({ S: 'gone' });
  });
});

describe('save({ attributes })', () => {
  it('writes the named attributes even when they equal the stored state', async () => {
    await notes().create({ id: 'stale', text: 'mine' });
    const r = await notes().getOrFail('stale');
    // Another writer changes the item behind the instance's back.
    await raw.send(
      new UpdateItemCommand({
        TableName: table(),
        Key: { id: { S: 'stale' } },
        UpdateExpression: 'SET #t = :v',
        ExpressionAttributeNames: { '#t': 'text' },
        ExpressionAttributeValues: { ':v': { S: 'theirs' } },
      }),
    );
    expect(await sent('UpdateItem', () => r.save())).toBe(0); // equal to the (stale) state: skipped
    expect(await sent('UpdateItem', () => r.save({ attributes: ['text'] }))).toBe(1);
    expect((await stored('stale'))?.text).toEqual({ S: 'mine' });
  });

  it('removes a named attribute the instance does not hold, and refuses a name the model lacks', async () => {
    await notes().create({ id: 'stale-remove', text: 't' });
    const r = await notes().getOrFail('stale-remove');
    await raw.send(
      new UpdateItemCommand({
        TableName: table(),
        Key: { id: { S: 'stale-remove' } },
        UpdateExpression: 'SET nickname = :v',
        ExpressionAttributeValues: { ':v': { S: 'theirs' } },
      }),
    );
    await r.save({ attributes: ['nickname'] });
    expect((await stored('stale-remove'))?.nickname).toBeUndefined();
    await expect(r.save({ attributes: ['colour' as 'text'] })).rejects.toMatchObject({
      name: 'ValidationError',
      model: 'Note',
      attribute: 'colour',
      rule: 'unknown-attribute',
    });
  });
});
