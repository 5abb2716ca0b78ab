import 'reflect-metadata';
import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { localTestConfig, uniqueTablePrefix } from '@dynamodel/local/jest';
import { startFaultProxy } from '@dynamodel/local/fault-proxy';
import { DynamoExecutor, OutcomeUnknownError } from '@dynamodel/executor';
import {
  Attribute,
  ConditionFailedError,
  Defaults,
  HashKey,
  ItemExistsError,
  ItemNotFoundError,
  Keys,
  Model,
  Table,
  ValidationError,
  Version,
  VersionConflictError,
  createConnection,
  type Connection,
} from '../src';
import { recordingExecutor, type RecordingExecutor } from './support/recording-executor';

// Issue 12 §3: optimistic locking with @Version, as PynamoDB and DynamoDBMapper do it, on every
// write path, against DynamoDB Local (docs/reliability.md §5 and §9.4 L1).

@Table({ name: 'accounts' })
class Account extends Model {
  declare [Keys]?: 'id';
  declare [Defaults]?: 'balance';
  @HashKey() id!: string;
  @Attribute() owner!: string;
  @Attribute({ default: 0 }) balance!: number;
  @Version() version?: number;
}

const config = localTestConfig();
const raw = new DynamoDBClient(config);
let recorder: RecordingExecutor;
let connection: Connection;
const accounts = () => Account.using(connection);
const storedVersion = async (id: string): Promise<string | undefined> =>
  (
    await raw.send(
      new GetItemCommand({ TableName: accounts().tableName, Key: { id: { S: id } }, ConsistentRead: true }),
    )
  ).Item?.version?.N;

beforeAll(async () => {
  recorder = recordingExecutor(config);
  connection = createConnection({ executor: recorder, prefix: uniqueTablePrefix('versions') });
  await connection.syncTables([Account]);
});
afterAll(async () => {
  recorder.destroy();
  raw.destroy();
  await connection.close();
});

describe('@Version', () => {
  it('create writes version 1, whatever the attributes say', async () => {
    const created = await accounts().create({ id: 'c1', owner: 'ann', version: 7 });
    expect(created.version).toBe(1);
    expect(await storedVersion('c1')).toBe('1');
  });

  it('put requires the version the instance holds and writes the next; a stale instance conflicts and keeps its version', async () => {
    await accounts().create({ id: 'p1', owner: 'ann' });
    const first = await accounts().getOrFail('p1', { consistent: true });
    const second = await accounts().getOrFail('p1', { consistent: true });
    first.balance = 10;
    await accounts().put(first);
    expect(first.version).toBe(2);
    second.balance = 99;
    const conflict = (await accounts()
      .put(second)
      .catch((e: unknown) => e)) as VersionConflictError<Account>;
    expect(conflict).toBeInstanceOf(VersionConflictError);
    expect(conflict).toBeInstanceOf(ConditionFailedError); // existing handlers still catch it
    expect(conflict).toMatchObject({ model: 'Account', expectedVersion: 1, storedVersion: 2, exists: true });
    expect(conflict.key).toEqual({ id: 'p1' });
    expect(conflict.current?.balance).toBe(10);
    expect(conflict.message).toMatch(/required version 1, but the stored item has version 2/);
    expect(second.version).toBe(1); // the caller re-reads and retries
    expect((await accounts().getOrFail('p1', { consistent: true })).balance).toBe(10);
  });

  it('a first put never overwrites a stored item, not even a legacy one without a version', async () => {
    await raw.send(
      new PutItemCommand({
        TableName: accounts().tableName,
        Item: { id: { S: 'legacy' }, owner: { S: 'old' }, balance: { N: '5' } },
      }),
    );
    const conflict = await accounts()
      .put({ id: 'legacy', owner: 'new', balance: 0 })
      .catch((e: unknown) => e);
    expect(conflict).toBeInstanceOf(VersionConflictError);
    expect(conflict).toMatchObject({ expectedVersion: undefined, storedVersion: undefined, exists: true });
    const stored = await accounts().getOrFail('legacy', { consistent: true });
    expect(stored.owner).toBe('old');

    // Read as it is (no version), it saves once, requiring that it still has none, and then has 1.
    stored.balance = 6;
    await stored.save();
    expect(stored.version).toBe(1);
    expect(await storedVersion('legacy')).toBe('1');
  });

  it('save requires the version read and writes the next; nothing changed sends nothing and keeps the version', async () => {
    await accounts().create({ id: 's1', owner: 'ann' });
    const mine = await accounts().getOrFail('s1', { consistent: true });
    const theirs = await accounts().getOrFail('s1', { consistent: true });
    const sent = recorder.count('UpdateItem');
    await mine.save();
    expect(recorder.count('UpdateItem')).toBe(sent);
    expect(mine.version).toBe(1);

    theirs.balance = 50;
    await theirs.save();
    expect(theirs.version).toBe(2);
    mine.owner = 'bob';
    await expect(mine.save()).rejects.toMatchObject({
      name: 'VersionConflictError',
      expectedVersion: 1,
      storedVersion: 2,
    });
    expect(mine.version).toBe(1);
    const stored = await accounts().getOrFail('s1', { consistent: true });
    expect([stored.owner, stored.balance, stored.version]).toEqual(['ann', 50, 2]);
  });

  it('save of a built instance requires absence (or the version it was given)', async () => {
    const fresh = Account.build({ id: 'b1', owner: 'ann' });
    await accounts().save(fresh);
    expect(fresh.version).toBe(1);
    const again = Account.build({ id: 'b1', owner: 'eve' });
    await expect(accounts().save(again)).rejects.toMatchObject({ name: 'VersionConflictError', storedVersion: 1 });
    // An instance rebuilt from a form that carried the version works like the one read.
    const fromForm = Account.build({ id: 'b1', owner: 'eve', version: 1 });
    await accounts().save(fromForm);
    expect(fromForm.version).toBe(2);
    expect((await accounts().getOrFail('b1', { consistent: true })).owner).toBe('eve');
  });

  it('update increments the version, or requires expectedVersion; the version itself cannot be set', async () => {
    await accounts().create({ id: 'u1', owner: 'ann' });
    const updated = await accounts().update('u1', (u) => u.increment('balance', 5));
    expect([updated.balance, updated.version]).toEqual([5, 2]);
    const checked = await accounts().update('u1', { owner: 'bob' }, { expectedVersion: 2 });
    expect(checked.version).toBe(3);
    await expect(accounts().update('u1', { owner: 'eve' }, { expectedVersion: 2 })).rejects.toMatchObject({
      name: 'VersionConflictError',
      expectedVersion: 2,
      storedVersion: 3,
    });
    await expect(accounts().update('u1', { version: 10 })).rejects.toMatchObject({ rule: 'version-attribute' });
    await expect(accounts().update('u1', { owner: 'x' }, { expectedVersion: -1 })).rejects.toMatchObject({
      rule: 'version-value',
    });
    // An item gone is a lost race too (issue 25 §5): one catch of VersionConflictError handles both.
    await expect(accounts().update('gone', { owner: 'x' }, { expectedVersion: 1 })).rejects.toMatchObject({
      name: 'VersionConflictError',
      exists: false,
      expectedVersion: 1,
    });
    await expect(accounts().update('gone', { owner: 'x' })).rejects.toBeInstanceOf(ItemNotFoundError);
    // The caller's own condition failing is not a version conflict.
    const own = await accounts()
      .update('u1', { owner: 'x' }, { condition: { owner: 'nobody' } })
      .catch((e: unknown) => e);
    expect(own).toBeInstanceOf(ConditionFailedError);
    expect(own).not.toBeInstanceOf(VersionConflictError);
  });

  it('deleting an instance checks its version; a bare key only with expectedVersion', async () => {
    await accounts().create({ id: 'd1', owner: 'ann' });
    const stale = await accounts().getOrFail('d1', { consistent: true });
    await accounts().update('d1', { owner: 'bob' });
    await expect(stale.delete()).rejects.toMatchObject({ name: 'VersionConflictError', storedVersion: 2 });
    await expect(accounts().delete('d1', { expectedVersion: 1 })).rejects.toBeInstanceOf(VersionConflictError);
    await accounts().reload(stale);
    expect((await stale.delete())?.owner).toBe('bob');
    // Deleting what was read when it is gone already: the version check says so.
    await expect(stale.delete()).rejects.toMatchObject({ name: 'VersionConflictError', exists: false });
    await accounts().create({ id: 'd2', owner: 'ann' });
    expect((await accounts().delete('d2'))?.owner).toBe('ann');
  });

  it('an item deleted meanwhile is a VersionConflictError (exists: false) for save, put and delete alike (issue 25 §5)', async () => {
    await accounts().create({ id: 'race', owner: 'ann' });
    const forSave = await accounts().getOrFail('race', { consistent: true });
    const forPut = await accounts().getOrFail('race', { consistent: true });
    const forDelete = await accounts().getOrFail('race', { consistent: true });
    await accounts().delete('race');
    forSave.owner = 'x';
    forPut.owner = 'y';
    const conflict = { name: 'VersionConflictError', exists: false, expectedVersion: 1, storedVersion: undefined };
    await expect(forSave.save()).rejects.toMatchObject(conflict);
    await expect(accounts().put(forPut)).rejects.toMatchObject(conflict);
    await expect(forDelete.delete()).rejects.toMatchObject(conflict);
    // One catch, reload (or create again) and retry handles it.
    await expect(forSave.save()).rejects.toBeInstanceOf(VersionConflictError);
    expect(await accounts().get('race', { consistent: true })).toBeUndefined();
  });

  it('a partial instance saves with its version only when it was read with it', async () => {
    await accounts().create({ id: 'q1', owner: 'ann' });
    const [blind] = await accounts()
      .batchGet(['q1'], { projection: ['balance'], consistent: true })
      .then((r) => r.items);
    (blind as Account).balance = 3;
    await expect(accounts().save(blind as Account)).rejects.toMatchObject({ rule: 'version-not-read' });
    const [seen] = await accounts()
      .batchGet(['q1'], { projection: ['balance', 'version'], consistent: true })
      .then((r) => r.items);
    (seen as Account).balance = 4;
    await accounts().save(seen as Account);
    expect(seen?.version).toBe(2);
    const stored = await accounts().getOrFail('q1', { consistent: true });
    expect([stored.balance, stored.owner, stored.version]).toEqual([4, 'ann', 2]);
  });

  it('batch writes refuse a versioned model before sending anything', async () => {
    const sent = recorder.count('BatchWriteItem');
    await expect(accounts().batchPut([{ id: 'x', owner: 'y' }])).rejects.toMatchObject({
      name: 'ValidationError',
      rule: 'versioned-batch',
      attribute: 'version',
      message: expect.stringContaining('BatchWriteItem takes no condition'),
    });
    await expect(accounts().batchDelete(['x'])).rejects.toBeInstanceOf(ValidationError);
    expect(recorder.count('BatchWriteItem')).toBe(sent);
  });

  it('create on a taken key is still ItemExistsError', async () => {
    await accounts().create({ id: 'e1', owner: 'ann' });
    await expect(accounts().create({ id: 'e1', owner: 'bob' })).rejects.toBeInstanceOf(ItemExistsError);
  });

  it('20 concurrent read-modify-write loops of 25 increments end at exactly 500 (docs/reliability.md §9.4 L1)', async () => {
    await accounts().create({ id: 'hot', owner: 'all' });
    let conflicts = 0;
    const worker = async (): Promise<void> => {
      for (let done = 0; done < 25;) {
        const account = await accounts().getOrFail('hot', { consistent: true });
        account.balance += 1;
        try {
          await account.save();
          done++;
        } catch (error) {
          if (!(error instanceof VersionConflictError)) throw error; // any other error fails the test
          conflicts++;
        }
      }
    };
    await Promise.all(Array.from({ length: 20 }, worker));
    const final = await accounts().getOrFail('hot', { consistent: true });
    expect(final.balance).toBe(500);
    expect(final.version).toBe(501); // created at 1, then 500 saves
    expect(conflicts).toBeGreaterThan(0);
  });
});

describe('@Version under a lost answer', () => {
  it('is OutcomeUnknownError, never a false conflict, and the write is not sent twice (docs/reliability.md §0.9)', async () => {
    const proxy = await startFaultProxy({ target: config.endpoint });
    const executor = new DynamoExecutor({ ...config, endpoint: proxy.endpoint });
    const faulty = createConnection({ executor, prefix: uniqueTablePrefix('versions_lost') });
    try {
      await faulty.syncTables([Account]);
      const repo = Account.using(faulty);
      await repo.create({ id: 'lost', owner: 'ann' });
      const account = await repo.getOrFail('lost', { consistent: true });
      account.balance = 7;
      proxy.reset();
      proxy.enqueue({ mode: 'resetAfter', operation: 'UpdateItem' });
      const error = await account.save().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OutcomeUnknownError);
      expect(proxy.records.filter((record) => record.operation === 'UpdateItem')).toHaveLength(1);
      expect(account.version).toBe(1); // not known to be stored, so not taken
      const stored = await repo.getOrFail('lost', { consistent: true });
      expect([stored.balance, stored.version]).toEqual([7, 2]); // it had landed: the caller re-reads to know
    } finally {
      executor.destroy();
      await proxy.close();
      await faulty.close();
    }
  });
});
