import 'reflect-metadata';
import { DynamoDBClient, GetItemCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { localTestConfig, uniqueTablePrefix } from '@dynamodel/local/jest';
import {
  Attribute,
  ConditionFailedError,
  Defaults,
  HashKey,
  ItemNotFoundError,
  Model,
  RangeKey,
  Table,
  ValidationError,
  createConnection,
  type Connection,
} from '../src';
import { recordingExecutor, type RecordingExecutor } from './support/recording-executor';

// Issue 11 §3: save() writes only what changed since the instance was read or last written, never
// touches attributes the model does not declare, and keeps a concurrent change to another attribute.

class Place {
  @Attribute() city!: string;
  @Attribute({ optional: true }) zip?: string;
}

@Table({ name: 'profiles' })
class Profile extends Model {
  declare [Defaults]?: 'visits';
  @HashKey() id!: string;
  @Attribute() name!: string;
  @Attribute({ name: 'bio text', optional: true }) bio?: string; // a stored name with a space
  @Attribute({ optional: true }) status?: string; // reserved word
  @Attribute({ default: 0 }) visits!: number;
  @Attribute({ type: Set, of: String, optional: true }) tags?: Set<string>;
  @Attribute({ type: Place, optional: true }) place?: Place;
  @Attribute({ nullable: true, optional: true, type: String }) nickname?: string | null;
}

@Table({ name: 'keyonly' })
class Membership extends Model {
  @HashKey() group!: string;
  @RangeKey() member!: string;
}

const config = localTestConfig();
const raw = new DynamoDBClient(config);
let executor: RecordingExecutor;
let connection: Connection;
const profiles = () => Profile.using(connection);
const table = () => connection.tableName(Profile.schema());
const stored = async (id: string) =>
  (await raw.send(new GetItemCommand({ TableName: table(), Key: { id: { S: id } }, ConsistentRead: true }))).Item;

beforeAll(async () => {
  executor = recordingExecutor(config);
  connection = createConnection({ executor, prefix: uniqueTablePrefix('save') });
  await connection.syncTables([Profile, Membership]);
});
afterAll(async () => {
  raw.destroy();
  await connection.close();
  executor.destroy();
});

/** The UpdateItem inputs sent while `work` runs. */
async function updatesDuring(work: () => Promise<unknown>): Promise<number> {
  const before = executor.count('UpdateItem');
  await work();
  return executor.count('UpdateItem') - before;
}

describe('save()', () => {
  it('sends nothing when nothing changed, after a read and after a write', async () => {
    const created = await profiles().create({ id: 'same', name: 'Ana' });
    expect(await updatesDuring(() => created.save())).toBe(0);
    const read = await profiles().getOrFail('same');
    expect(await updatesDuring(() => read.save())).toBe(0);
    read.name = 'Ana'; // the same value again is no change
    read.tags = new Set(); // an empty set is stored as absent, as it was
    expect(await updatesDuring(() => read.save())).toBe(0);
  });

  it('writes only the changed attributes: a concurrent change to another attribute survives', async () => {
    await profiles().create({ id: 'race', name: 'Ana', status: 'new' });
    const first = await profiles().getOrFail('race');
    const second = await profiles().getOrFail('race');
    first.name = 'Ana B.';
    second.status = 'active';
    second.place = { city: 'Lisbon' };
    await Promise.all([first.save(), second.save()]);
    const item = await profiles().getOrFail('race', { consistent: true });
    expect(item).toMatchObject({ name: 'Ana B.', status: 'active', place: { city: 'Lisbon' } });
  });

  it('never touches an attribute written by another program', async () => {
    await raw.send(
      new PutItemCommand({
        TableName: table(),
        Item: { id: { S: 'foreign' }, name: { S: 'Bo' }, visits: { N: '1' }, 'legacy.flag': { BOOL: true } },
      }),
    );
    const read = await profiles().getOrFail('foreign');
    read.visits = 2;
    read.bio = 'hello';
    await read.save();
    expect(await stored('foreign')).toEqual({
      id: { S: 'foreign' },
      name: { S: 'Bo' },
      visits: { N: '2' },
      'bio text': { S: 'hello' },
      'legacy.flag': { BOOL: true },
    });
    // A put is the explicit whole-item replace: it does erase what the model does not declare.
    await profiles().put(read);
    expect((await stored('foreign'))?.['legacy.flag']).toBeUndefined();
  });

  it('removes what was cleared, sets null, and compares sets and embedded objects by value', async () => {
    await profiles().create({ id: 'clear', name: 'Cy', bio: 'x', tags: new Set(['a', 'b']), place: { city: 'Porto' } });
    const read = await profiles().getOrFail('clear');
    read.tags = new Set(['b', 'a']); // same set, other order: no change
    read.place = { city: 'Porto' }; // an equal object: no change
    expect(await updatesDuring(() => read.save())).toBe(0);
    read.bio = undefined;
    read.nickname = null;
    read.tags = new Set();
    await read.save();
    expect(await stored('clear')).toEqual({
      id: { S: 'clear' },
      name: { S: 'Cy' },
      visits: { N: '0' },
      place: { M: { city: { S: 'Porto' } } },
      nickname: { NULL: true },
    });
    // What was just written is the new baseline.
    expect(await updatesDuring(() => read.save())).toBe(0);
  });

  it('creates an instance never stored, and adds to a stored item without removing anything', async () => {
    const fresh = Profile.build({ id: 'built', name: 'Di' });
    await profiles().save(fresh);
    expect(await stored('built')).toEqual({ id: { S: 'built' }, name: { S: 'Di' }, visits: { N: '0' } });
    await raw.send(
      new UpdateItemCommand({
        TableName: table(),
        Key: { id: { S: 'built' } },
        UpdateExpression: 'SET #s = :s',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':s': { S: 'kept' } },
      }),
    );
    const another = Profile.build({ id: 'built', name: 'Di 2' });
    await profiles().save(another);
    expect(await stored('built')).toMatchObject({ name: { S: 'Di 2' }, status: { S: 'kept' } });
  });

  it('creates a key-only item, and sends nothing for it once stored', async () => {
    const member = Membership.build({ group: 'g', member: 'm' });
    await Membership.using(connection).save(member);
    expect(await Membership.using(connection).get('g', 'm')).toEqual(member);
    expect(await updatesDuring(() => member.save())).toBe(0);
  });

  it('is ItemNotFoundError when the item read was deleted since, and stores nothing', async () => {
    await profiles().create({ id: 'gone', name: 'Ed' });
    const read = await profiles().getOrFail('gone');
    await profiles().delete('gone');
    read.status = 'late';
    await expect(read.save()).rejects.toThrow(ItemNotFoundError);
    await expect(read.save()).rejects.toThrow(/deleted since this instance was read; put\(\) stores it again/);
    expect(await stored('gone')).toBeUndefined();
  });

  it('takes a condition, and a failed one changes nothing', async () => {
    await profiles().create({ id: 'cond', name: 'Fa', visits: 3 });
    const read = await profiles().getOrFail('cond');
    read.name = 'Fa 2';
    await expect(read.save({ condition: (c) => c.gt('visits', 5) })).rejects.toThrow(ConditionFailedError);
    expect((await stored('cond'))?.name).toEqual({ S: 'Fa' });
    await read.save({ condition: { visits: 3 } });
    expect((await stored('cond'))?.name).toEqual({ S: 'Fa 2' });
  });

  it('refuses a changed key and invalid values before sending', async () => {
    await profiles().create({ id: 'key', name: 'Gi' });
    const read = await profiles().getOrFail('key');
    read.id = 'other';
    const sent = executor.calls.length;
    await expect(read.save()).rejects.toThrow(
      expect.objectContaining({ name: 'ValidationError', model: 'Profile', attribute: 'id', rule: 'key-changed' }),
    );
    read.id = 'key';
    (read as { name: unknown }).name = 42;
    await expect(read.save()).rejects.toThrow(ValidationError);
    (read as { name: unknown }).name = undefined;
    await expect(read.save()).rejects.toThrow(expect.objectContaining({ attribute: 'name', rule: 'required' }));
    expect(executor.calls.length).toBe(sent);
    expect(await stored('other')).toBeUndefined();
  });

  it('after create or put, changes made in place (a Set, an embedded object) are seen and written alone', async () => {
    const created = await profiles().create({
      id: 'inplace',
      name: 'Lu',
      tags: new Set(['a']),
      place: { city: 'Faro' },
    });
    created.tags?.add('b');
    expect(await updatesDuring(() => created.save())).toBe(1);
    expect((await stored('inplace'))?.tags).toEqual({ SS: expect.arrayContaining(['a', 'b']) as unknown });
    const put = await profiles().put(created);
    (put.place as Place).city = 'Braga';
    await raw.send(
      new UpdateItemCommand({
        TableName: table(),
        Key: { id: { S: 'inplace' } },
        UpdateExpression: 'SET #n = :n',
        ExpressionAttributeNames: { '#n': 'name' },
        ExpressionAttributeValues: { ':n': { S: 'changed by another writer' } },
      }),
    );
    await put.save();
    expect(await stored('inplace')).toMatchObject({
      name: { S: 'changed by another writer' }, // not overwritten: save wrote only place
      place: { M: { city: { S: 'Braga' } } },
    });
    expect(await updatesDuring(() => put.save())).toBe(0);
  });

  it('an instance from update() is a baseline too', async () => {
    await profiles().create({ id: 'upd', name: 'Ha' });
    const updated = await profiles().update('upd', (u) => u.increment('visits'));
    expect(await updatesDuring(() => updated.save())).toBe(0);
    updated.name = 'Ha 2';
    await updated.save();
    expect(await stored('upd')).toMatchObject({ name: { S: 'Ha 2' }, visits: { N: '1' } });
  });
});

describe('update() returnValues', () => {
  it('ALL_NEW by default, ALL_OLD, UPDATED_NEW, UPDATED_OLD and NONE', async () => {
    await profiles().create({ id: 'rv', name: 'Io', visits: 1 });
    const after: Profile = await profiles().update('rv', { name: 'Io 2' });
    expect(after).toMatchObject({ id: 'rv', name: 'Io 2', visits: 1 });
    const old: Profile | undefined = await profiles().update('rv', { name: 'Io 3' }, { returnValues: 'ALL_OLD' });
    expect(old).toMatchObject({ name: 'Io 2', visits: 1 });
    const updatedNew: Partial<Profile> = await profiles().update('rv', (u) => u.increment('visits'), {
      returnValues: 'UPDATED_NEW',
    });
    expect({ ...updatedNew }).toEqual({ id: 'rv', visits: 2 });
    const updatedOld = await profiles().update('rv', (u) => u.increment('visits'), { returnValues: 'UPDATED_OLD' });
    expect({ ...updatedOld }).toEqual({ id: 'rv', visits: 2 });
    const removedOnly = await profiles().update('rv', (u) => u.remove('bio'), { returnValues: 'UPDATED_NEW' });
    expect({ ...removedOnly }).toEqual({ id: 'rv' });
    const none: undefined = await profiles().update('rv', { status: 'x' }, { returnValues: 'NONE' });
    expect(none).toBeUndefined();
    const created = await profiles().update('rv-new', { name: 'Jo' }, { upsert: true, returnValues: 'ALL_OLD' });
    expect(created).toBeUndefined();
  });

  it('a partial instance saves only what it holds: unread attributes are not removed', async () => {
    await profiles().create({ id: 'part', name: 'Ka', bio: 'kept', status: 'kept' });
    const part = await profiles().update('part', { visits: 5 }, { returnValues: 'UPDATED_NEW' });
    expect(await updatesDuring(() => (part as Profile).save())).toBe(0);
    part.visits = 6;
    await (part as Profile).save();
    expect(await stored('part')).toMatchObject({ name: { S: 'Ka' }, 'bio text': { S: 'kept' }, visits: { N: '6' } });
  });
});
