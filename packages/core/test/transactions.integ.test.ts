import 'reflect-metadata';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoExecutor } from '@dynamodel/executor';
import { startFaultProxy, type FaultProxy } from '@dynamodel/local/fault-proxy';
import { localTestConfig, uniqueTablePrefix } from '@dynamodel/local/jest';
import {
  Attribute,
  CreatedAt,
  Defaults,
  HashKey,
  Keys,
  Model,
  RangeKey,
  Table,
  TransactionCanceledError,
  UpdatedAt,
  ValidationError,
  Version,
  VersionConflictError,
  IdempotentParameterMismatchError,
  createConnection,
  transact,
  transactGet,
  type Connection,
} from '../src';
import { recordingExecutor, type RecordingExecutor } from './support/recording-executor';

// Issue 12 §2: transactions across models and tables, built from the single-item plans, checked
// before sending, sent with a ClientRequestToken, against DynamoDB Local and through the fault proxy.

@Table({ name: 'tx_users' })
class User extends Model {
  declare [Keys]?: 'id';
  declare [Defaults]?: 'posts' | 'created' | 'updated';
  @HashKey() id!: string;
  @Attribute() username!: string;
  @Attribute({ default: 0 }) posts!: number;
  @CreatedAt() created!: Date;
  @UpdatedAt() updated!: Date;
  @Version() version?: number;
}

/** A username can be taken once: its item is the uniqueness constraint. */
@Table({ name: 'tx_usernames' })
class Username extends Model {
  declare [Keys]?: 'name';
  @HashKey() name!: string;
  @Attribute() userId!: string;
}

@Table({ name: 'tx_posts' })
class Post extends Model {
  declare [Keys]?: ['userId', 'postId'];
  @HashKey() userId!: string;
  @RangeKey() postId!: number;
  @Attribute() text!: string;
}

const config = localTestConfig();
const raw = new DynamoDBClient(config);
let recorder: RecordingExecutor;
let connection: Connection;
let proxy: FaultProxy;
let proxied: DynamoExecutor;
let faulty: Connection;
const users = () => User.using(connection);
const usernames = () => Username.using(connection);
const posts = () => Post.using(connection);

/** A unique username and its account, written together or not at all. */
function signUp(on: Connection, id: string, username: string) {
  return [User.using(on).createOp({ id, username }), Username.using(on).createOp({ name: username, userId: id })];
}

beforeAll(async () => {
  recorder = recordingExecutor(config);
  connection = createConnection({ executor: recorder, prefix: uniqueTablePrefix('tx') });
  proxy = await startFaultProxy({ target: config.endpoint });
  proxied = new DynamoExecutor({ ...config, endpoint: proxy.endpoint });
  faulty = createConnection({ executor: proxied, prefix: uniqueTablePrefix('tx_faults') });
  await connection.syncTables([User, Username, Post]);
  await faulty.syncTables([User, Username, Post]);
});
afterEach(() => proxy.reset());
afterAll(async () => {
  recorder.destroy();
  proxied.destroy();
  raw.destroy();
  await proxy.close();
  await connection.close();
  await faulty.close();
});

describe('transact', () => {
  it('writes a unique username and its account together; a taken name cancels both and names the action', async () => {
    await transact(signUp(connection, 'u1', 'ann'));
    const [user, name] = await transactGet([users().getOp('u1'), usernames().getOp('ann')]);
    expect(user).toBeInstanceOf(User);
    expect([user?.username, user?.version, name?.userId]).toEqual(['ann', 1, 'u1']);
    expect(user?.updated).toEqual(user?.created);

    const error = (await transact(signUp(connection, 'u2', 'ann')).catch(
      (e: unknown) => e,
    )) as TransactionCanceledError;
    expect(error).toBeInstanceOf(TransactionCanceledError);
    expect(error.reasons).toEqual([
      expect.objectContaining({
        index: 1,
        code: 'ConditionalCheckFailed',
        model: 'Username',
        action: 'create',
        key: { name: 'ann' },
      }),
    ]);
    expect(error.message).toContain(
      'action 1 (Username.create {"name":"ann"}): ConditionalCheckFailed (an item with this key already exists)',
    );
    expect(await users().get('u2', { consistent: true })).toBeUndefined(); // nothing written
  });

  it('a failing condition check changes nothing and is named with its model, key and reason', async () => {
    await transact(signUp(connection, 'u3', 'bob'));
    const before = recorder.count('TransactWriteItems');
    const run = transact([
      users().updateOp('u3', (u) => u.increment('posts')),
      posts().putOp({ userId: 'u3', postId: 1, text: 'hello' }),
      usernames().conditionCheck('bob', { userId: 'someone else' }),
    ]);
    await expect(run).rejects.toMatchObject({
      name: 'TransactionCanceledError',
      retryable: false,
      reasons: [
        expect.objectContaining({ index: 2, model: 'Username', action: 'conditionCheck', key: { name: 'bob' } }),
      ],
      message: expect.stringContaining('(the condition was false)'),
    });
    expect(recorder.count('TransactWriteItems')).toBe(before + 1); // a failed condition is not retried
    expect((await users().getOrFail('u3', { consistent: true })).posts).toBe(0);
    expect(await posts().get('u3', 1, { consistent: true })).toBeUndefined();

    const startedAt = Date.now();
    await transact([
      users().updateOp('u3', (u) => u.increment('posts')),
      posts().putOp({ userId: 'u3', postId: 1, text: 'hello' }),
      usernames().conditionCheck('bob', { userId: 'u3' }),
    ]);
    const user = await users().getOrFail('u3', { consistent: true });
    expect([user.posts, user.version]).toEqual([1, 2]);
    // The transaction's update set updatedAt and kept createdAt.
    expect(user.updated.getTime()).toBeGreaterThanOrEqual(startedAt);
    expect(user.created.getTime()).toBeLessThanOrEqual(startedAt);
    expect((await posts().getOrFail('u3', 1, { consistent: true })).text).toBe('hello');
  });

  it('applies versions: a stale instance cancels the transaction, a current one takes the next version', async () => {
    await transact(signUp(connection, 'u4', 'cat'));
    const stale = await users().getOrFail('u4', { consistent: true });
    const fresh = await users().getOrFail('u4', { consistent: true });
    fresh.posts = 5;
    await transact([users().putOp(fresh), posts().putOp({ userId: 'u4', postId: 1, text: 'x' })]);
    expect(fresh.version).toBe(2);

    stale.posts = 9;
    // Cancelled only by a version check: a VersionConflictError (issue 25 §5), with every reason.
    const error = (await transact([users().putOp(stale), posts().deleteOp({ userId: 'u4', postId: 1 })]).catch(
      (e: unknown) => e,
    )) as VersionConflictError;
    expect(error).toBeInstanceOf(VersionConflictError);
    expect(error).toMatchObject({
      model: 'User',
      key: { id: 'u4' },
      expectedVersion: 1,
      storedVersion: 2,
      exists: true,
    });
    expect(error.cause).toBeInstanceOf(TransactionCanceledError);
    expect(error.reasons?.[0]).toMatchObject({
      index: 0,
      code: 'ConditionalCheckFailed',
      model: 'User',
      action: 'put',
    });
    expect(error.message).toContain('version conflict: required version 1, but the stored item has version 2');
    expect(stale.version).toBe(1);
    expect(await posts().get('u4', 1, { consistent: true })).toBeDefined(); // the delete did not happen
    await expect(transact([users().deleteOp(stale)])).rejects.toThrow(/version conflict/);
    await transact([users().deleteOp(fresh), usernames().deleteOp('cat')]);
    expect(await users().get('u4', { consistent: true })).toBeUndefined();
  });

  it('saves read instances together with saveOp: their versions move only when the transaction is stored', async () => {
    await transact([...signUp(connection, 'ta', 'tia'), ...signUp(connection, 'tb', 'tom')]);
    await users().update('ta', { posts: 5 });
    const from = await users().getOrFail('ta', { consistent: true });
    const to = await users().getOrFail('tb', { consistent: true });
    const staleFrom = await users().getOrFail('ta', { consistent: true });
    from.posts -= 2;
    to.posts += 2;
    await transact([from.saveOp(), to.saveOp()]);
    expect([from.version, to.version]).toEqual([3, 2]);
    const [a, b] = await transactGet([users().getOp('ta'), users().getOp('tb')]);
    expect([a?.posts, a?.version, b?.posts, b?.version]).toEqual([3, 3, 2, 2]);

    // A stale instance cancels the whole transfer; nothing moves, and the instances keep their versions.
    staleFrom.posts -= 1;
    to.posts += 1;
    const error = (await transact([staleFrom.saveOp(), to.saveOp()]).catch((e: unknown) => e)) as VersionConflictError;
    expect(error).toBeInstanceOf(VersionConflictError);
    expect(error.reasons).toEqual([
      expect.objectContaining({ index: 0, action: 'save', model: 'User', key: { id: 'ta' } }),
    ]);
    expect(error.message).toContain('version conflict: required version 2, but the stored item has version 3');
    expect([staleFrom.version, to.version]).toEqual([2, 2]);
    expect((await users().getOrFail('tb', { consistent: true })).posts).toBe(2);

    // Nothing changed: the action still checks the item is stored at the version the instance holds.
    const unchanged = await users().getOrFail('tb', { consistent: true });
    await transact([unchanged.saveOp(), posts().putOp({ userId: 'tb', postId: 1, text: 'ok' })]);
    await users().update('tb', { username: 'tom2' });
    await expect(
      transact([unchanged.saveOp(), posts().putOp({ userId: 'tb', postId: 2, text: 'no' })]),
    ).rejects.toThrow(/action 0 \(User\.save \{"id":"tb"\}\): ConditionalCheckFailed \(version conflict/);
    expect(await posts().get('tb', 2, { consistent: true })).toBeUndefined();
  });

  it('refuses before sending: no actions, over 100, two on one item, over 4 MB, a bad token, two connections', async () => {
    const before = recorder.count('TransactWriteItems');
    const rule = async (run: Promise<unknown>): Promise<string | undefined> => {
      const error = await run.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as Error).message).toContain('nothing was sent');
      return (error as ValidationError).rule;
    };
    const post = (postId: number, text = 'x') => posts().putOp({ userId: 'r', postId, text });
    expect(await rule(transact([]))).toBe('transaction-empty');
    expect(await rule(transact(Array.from({ length: 101 }, (_, i) => post(i))))).toBe('transaction-actions');
    const twice = transact([post(1), posts().deleteOp({ userId: 'r', postId: 1 })]);
    await expect(twice).rejects.toThrow(/actions 0 and 1 are both on Post \{"userId":"r","postId":"1"\}/);
    expect(await rule(transact([post(1), posts().conditionCheck({ userId: 'r', postId: 1 }, { text: 'x' })]))).toBe(
      'transaction-duplicate-item',
    );
    // 11 items of 390,000 bytes: DynamoDB's own measured refusal (docs/reliability.md §1).
    const big = Array.from({ length: 11 }, (_, i) => post(i, 'x'.repeat(390_000)));
    expect(await rule(transact(big))).toBe('transaction-size');
    expect(await rule(transact([post(1)], { token: 't'.repeat(37) }))).toBe('idempotency-token');
    const other = createConnection({ executor: recorder, prefix: connection.prefix });
    expect(await rule(transact([post(1), Post.using(other).putOp({ userId: 'r', postId: 2, text: 'x' })]))).toBe(
      'transaction-connection',
    );
    expect(recorder.count('TransactWriteItems')).toBe(before);
    // Bad values are refused when the action is made, as the single-item operation refuses them.
    expect(() => posts().putOp({ userId: '', postId: 1, text: 'x' })).toThrow(ValidationError);
    expect(() => users().updateOp('u1', { version: 3 })).toThrow(/library writes/);
  });

  it('writes 100 actions at once, across tables', async () => {
    const actions = Array.from({ length: 100 }, (_, i) =>
      i % 2
        ? posts().putOp({ userId: 'hundred', postId: i, text: `p${i}` })
        : usernames().createOp({ name: `n${i}`, userId: 'x' }),
    );
    await transact(actions);
    expect(await posts().query('hundred').count()).toBe(50);
    const names = await usernames().batchGet(Array.from({ length: 50 }, (_, i) => `n${i * 2}`));
    expect(names.found).toBe(50);
  });

  it('is applied once when its answer is lost: the SDK re-sends the same token (fault proxy)', async () => {
    await transact(signUp(faulty, 'f1', 'fay'));
    proxy.reset();
    proxy.enqueue({ mode: 'resetAfter', operation: 'TransactWriteItems' });
    await transact([User.using(faulty).updateOp('f1', (u) => u.increment('posts'))]);
    const sent = proxy.records.filter((record) => record.operation === 'TransactWriteItems');
    expect(sent.map((record) => [record.mode, record.forwarded])).toEqual([
      ['resetAfter', true],
      ['pass', true],
    ]);
    expect(sent[0]?.clientRequestToken).toMatch(/^[0-9a-f-]{36}$/);
    expect(sent[1]?.clientRequestToken).toBe(sent[0]?.clientRequestToken);
    const user = await User.using(faulty).getOrFail('f1', { consistent: true });
    expect([user.posts, user.version]).toEqual([1, 2]); // applied once, though DynamoDB received it twice
  });

  it('a token re-sent with rebuilt actions is IdempotentParameterMismatchError, saying what to do (issue 25 §5)', async () => {
    await transact(signUp(connection, 'ip1', 'ivy'));
    const token = 'my-retry-token-ip1';
    const ops = () => [users().updateOp('ip1', (u) => u.increment('posts'))]; // @UpdatedAt: a new time each build
    const first = ops();
    await transact(first, { token });
    await new Promise((resolve) => setTimeout(resolve, 5)); // another millisecond for updated
    const error = await transact(ops(), { token }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IdempotentParameterMismatchError);
    expect((error as Error).message).toMatch(/Re-send the very actions first sent with it, or use a new token/);
    // Re-sending the same actions with the token is safe: applied once.
    await transact(first, { token });
    expect((await users().getOrFail('ip1', { consistent: true })).posts).toBe(1);
  });

  it('re-sends a transaction cancelled by a conflict with the same token, and applies it once', async () => {
    await transact(signUp(faulty, 'f2', 'gus'));
    proxy.reset();
    proxy.enqueue({ mode: 'txConflict', operation: 'TransactWriteItems' });
    await transact([User.using(faulty).updateOp('f2', (u) => u.increment('posts'))], { token: 'my-own-token-f2' });
    const sent = proxy.records.filter((record) => record.operation === 'TransactWriteItems');
    expect(sent.map((record) => [record.mode, record.clientRequestToken])).toEqual([
      ['txConflict', 'my-own-token-f2'],
      ['pass', 'my-own-token-f2'],
    ]);
    expect((await User.using(faulty).getOrFail('f2', { consistent: true })).posts).toBe(1);

    // A conflict that lasts: the attempts run out and the error says it is worth retrying later.
    proxy.reset();
    proxy.enqueue(
      ...Array.from({ length: 3 }, () => ({ mode: 'txConflict' as const, operation: 'TransactWriteItems' })),
    );
    const error = await transact([User.using(faulty).updateOp('f2', (u) => u.increment('posts'))], {
      maxAttempts: 3,
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: 'TransactionCanceledError',
      retryable: true,
      reasons: [
        expect.objectContaining({ code: 'TransactionConflict', model: 'User', action: 'update', key: { id: 'f2' } }),
      ],
    });
    expect((await User.using(faulty).getOrFail('f2', { consistent: true })).posts).toBe(1);
  });
});

describe('transactGet', () => {
  it('reads across models into typed instances, undefined where absent, partial with a projection', async () => {
    await transact([...signUp(connection, 'g1', 'gil'), posts().putOp({ userId: 'g1', postId: 7, text: 'seven' })]);
    const [user, post, missing, name] = await transactGet([
      users().getOp('g1'),
      posts().getOp({ userId: 'g1', postId: 7 }, { projection: ['text'] }),
      posts().getOp({ userId: 'g1', postId: 8 }),
      usernames().getOp('gil'),
    ]);
    expect(user?.username).toBe('gil');
    expect({ ...post }).toEqual({ userId: 'g1', postId: 7, text: 'seven' });
    expect(missing).toBeUndefined();
    expect(name?.userId).toBe('g1');
    // Typed by position: a Username has no `text`.
    // @ts-expect-error: not a Post
    expect(name?.text).toBeUndefined();
    const raw2 = await raw.send(
      new GetItemCommand({ TableName: users().tableName, Key: { id: { S: 'g1' } }, ConsistentRead: true }),
    );
    expect(raw2.Item?.version).toEqual({ N: '1' });
  });
});
