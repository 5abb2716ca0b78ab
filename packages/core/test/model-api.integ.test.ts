import { GetItemCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { localTestConfig, uniqueTablePrefix } from '@dynamodel/local/jest';
import {
  ConditionFailedError,
  connect,
  DecodeError,
  createConnection,
  disconnect,
  ItemExistsError,
  ItemNotFoundError,
  UNKNOWN_ATTRIBUTES,
  type Connection,
} from '../src';
import { Address, Message, Mood, Tweet, User } from './support/models';

const config = localTestConfig();
const raw = new DynamoDBClient(config);
let connection: Connection;

beforeAll(() => {
  connection = connect({ ...config, prefix: uniqueTablePrefix('model_api'), autoCreateTables: true });
});
afterAll(async () => {
  await disconnect();
  raw.destroy();
});

describe('create and get', () => {
  it('creates with defaults and reads back a real instance', async () => {
    const created = await Tweet.create({ author: 'ana', text: 'hello', hashtags: new Set(['a', 'b']) });
    expect(created).toBeInstanceOf(Tweet);
    expect(created.tweetId).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.likes).toBe(0);
    const read = await Tweet.get(created.tweetId);
    expect(read).toBeInstanceOf(Tweet);
    expect(read?.shout()).toBe('HELLO');
    expect(read?.created).toEqual(created.created);
    expect(read?.hashtags).toEqual(new Set(['a', 'b']));
  });

  it('returns undefined for a missing key and getOrFail throws ItemNotFoundError', async () => {
    await expect(Tweet.get('nope')).resolves.toBeUndefined();
    await expect(Tweet.getOrFail('nope')).rejects.toBeInstanceOf(ItemNotFoundError);
  });

  it('never overwrites: ItemExistsError carries the stored item', async () => {
    const first = await Tweet.create({ author: 'ana', text: 'first' });
    const error: unknown = await Tweet.create({ tweetId: first.tweetId, author: 'bob', text: 'second' }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ItemExistsError);
    expect(error).toBeInstanceOf(ConditionFailedError);
    expect((error as ItemExistsError<Tweet>).current?.text).toBe('first');
    expect((await Tweet.getOrFail(first.tweetId)).text).toBe('first');
  });

  it('accepts composite keys as (hash, range) or an object', async () => {
    const sentAt = new Date('2026-01-02T03:04:05.678Z');
    await Message.create({ channel: 'general', sentAt, body: 'hi' });
    expect((await Message.get('general', sentAt))?.body).toBe('hi');
    expect((await Message.get({ channel: 'general', sentAt }, { consistent: true }))?.sentAt).toEqual(sentAt);
    const stored = await raw.send(
      new GetItemCommand({
        TableName: connection.tableName(Message.schema()),
        Key: { channel: { S: 'general' }, sentAt: { N: String(sentAt.getTime()) } },
      }),
    );
    expect(stored.Item?.body).toEqual({ S: 'hi' });
  });
});

describe('put, save, delete, reload', () => {
  it('upserts with put and save, and reloads', async () => {
    const tweet = await Tweet.put({ tweetId: 't-put', author: 'ana', text: 'v1' });
    tweet.text = 'v2';
    await tweet.save();
    const copy = await Tweet.getOrFail('t-put');
    expect(copy.text).toBe('v2');
    copy.text = 'v3';
    await copy.save();
    await tweet.reload();
    expect(tweet.text).toBe('v3');
  });

  it('deletes, returning the deleted item, with conditions', async () => {
    await Tweet.put({ tweetId: 't-del', author: 'ana', text: 'bye' });
    await expect(Tweet.delete('t-del', { condition: { author: 'bob' } })).rejects.toBeInstanceOf(ConditionFailedError);
    const deleted = await Tweet.delete('t-del', { condition: { author: 'ana' } });
    expect(deleted?.text).toBe('bye');
    await expect(Tweet.get('t-del')).resolves.toBeUndefined();
    await expect(Tweet.delete('t-del')).resolves.toBeUndefined();
    await expect(Tweet.delete('t-del', { mustExist: true })).rejects.toBeInstanceOf(ConditionFailedError);
  });

  it('instance delete removes the item', async () => {
    const tweet = await Tweet.create({ author: 'ana', text: 'short-lived' });
    await tweet.delete();
    await expect(Tweet.get(tweet.tweetId)).resolves.toBeUndefined();
  });
});

describe('rich attributes', () => {
  it('round-trips embedded classes, enums, null, bigint, renamed attributes', async () => {
    const user = await User.create({
      email: 'ana@example.com',
      name: 'Ana',
      passwordHash: 'secret-hash',
      address: Object.assign(new Address(), { street: 'Main St 1', city: 'Lisbon' }),
      mood: Mood.Happy,
      nickname: null,
      balance: 12345678901234567890123456789n,
      pastAddresses: [{ street: 'Old Rd 2' } as Address],
    });
    const read = await User.getOrFail(user.email);
    expect(read.address).toBeInstanceOf(Address);
    expect(read.address?.label()).toBe('Main St 1, Lisbon');
    expect(read.pastAddresses?.[0]).toBeInstanceOf(Address);
    expect(read.mood).toBe(Mood.Happy);
    expect(read.nickname).toBeNull();
    expect(read.balance).toBe(12345678901234567890123456789n);
    const stored = await raw.send(
      new GetItemCommand({ TableName: connection.tableName(User.schema()), Key: { email: { S: user.email } } }),
    );
    expect(stored.Item?.display_name).toEqual({ S: 'Ana' });
    expect(stored.Item?.name).toBeUndefined();
    expect(stored.Item?.nickname).toEqual({ NULL: true });
  });

  it('keeps secrets out of toJSON (@Exclude), adds @Expose getters, and makes values JSON-safe', async () => {
    const user = await User.create({ email: 'json@example.com', name: 'J', passwordHash: 'h', balance: 5n });
    const json = user.toJSON();
    expect(json.passwordHash).toBeUndefined();
    expect(json.balance).toBe('5');
    expect(JSON.parse(JSON.stringify(user))).toEqual({
      email: 'json@example.com',
      name: 'J',
      balance: '5',
      greeting: 'Hello, J',
    });
  });

  it('keeps attributes the model does not declare when the table says so', async () => {
    const table = connection.tableName(User.schema());
    await connection.prepare(User.schema()); // creates the table (autoCreateTables)
    await raw.send(
      new PutItemCommand({
        TableName: table,
        Item: { email: { S: 'extra@example.com' }, display_name: { S: 'X' }, legacyScore: { N: '7' } },
      }),
    );
    const user = await User.getOrFail('extra@example.com');
    expect((user as unknown as Record<symbol, unknown>)[UNKNOWN_ATTRIBUTES]).toEqual({ legacyScore: { N: '7' } });
    user.name = 'Y';
    await user.save();
    const stored = await raw.send(new GetItemCommand({ TableName: table, Key: { email: { S: 'extra@example.com' } } }));
    expect(stored.Item).toEqual({
      email: { S: 'extra@example.com' },
      display_name: { S: 'Y' },
      legacyScore: { N: '7' },
    });

    // reload refreshes the kept attributes too.
    await raw.send(
      new PutItemCommand({
        TableName: table,
        Item: { email: { S: 'extra@example.com' }, display_name: { S: 'Z' }, legacyScore: { N: '8' } },
      }),
    );
    await user.reload();
    expect(user.name).toBe('Z');
    expect((user as unknown as Record<symbol, unknown>)[UNKNOWN_ATTRIBUTES]).toEqual({ legacyScore: { N: '8' } });
  });

  it('a stored item that does not fit the model is a DecodeError naming model and attribute', async () => {
    await connection.prepare(Tweet.schema());
    await raw.send(
      new PutItemCommand({
        TableName: connection.tableName(Tweet.schema()),
        Item: {
          tweetId: { S: 'misfit' },
          author: { S: 'a' },
          text: { N: '5' },
          created: { S: 'x' },
          likes: { N: '0' },
        },
      }),
    );
    const error: unknown = await Tweet.get('misfit').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DecodeError);
    expect((error as DecodeError).attribute).toBe('text');
    expect((error as Error).message).toContain('Tweet.text');
    expect((error as Error).message).toContain('stored value is N');
  });
});

describe('connections', () => {
  it('two connections with different prefixes work side by side', async () => {
    const a = createConnection({ ...config, prefix: uniqueTablePrefix('conn_a'), autoCreateTables: true });
    const b = createConnection({ ...config, prefix: uniqueTablePrefix('conn_b'), autoCreateTables: true });
    try {
      await Tweet.using(a).put({ tweetId: 'same', author: 'a', text: 'in a' });
      await Tweet.using(b).put({ tweetId: 'same', author: 'b', text: 'in b' });
      const fromA = await Tweet.using(a).getOrFail('same');
      expect(fromA.text).toBe('in a');
      expect((await Tweet.using(b).getOrFail('same')).text).toBe('in b');
      // An instance remembers its connection.
      fromA.text = 'edited in a';
      await fromA.save();
      expect((await Tweet.using(a).getOrFail('same')).text).toBe('edited in a');
      expect((await Tweet.using(b).getOrFail('same')).text).toBe('in b');
      expect(a.tableName(Tweet.schema())).not.toBe(b.tableName(Tweet.schema()));
      // A read instance is an instance of the class itself, and one written through b saves to b.
      expect(Object.getPrototypeOf(fromA)).toBe(Tweet.prototype);
      const written = await Tweet.using(b).put(
        Object.assign(new Tweet(), { tweetId: 'other', author: 'b', text: 'b1' }),
      );
      written.text = 'b2';
      await written.save();
      expect((await Tweet.using(b).getOrFail('other')).text).toBe('b2');
      expect(await Tweet.using(a).get('other')).toBeUndefined();
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
