import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { DynamoExecutor } from '@dynamodel/executor';
import { startFaultProxy, type FaultProxy } from '@dynamodel/local/fault-proxy';
import { localTestConfig, uniqueTablePrefix } from '@dynamodel/local/jest';
import { createConnection, ItemExistsError, type Connection } from '../src';
import { Tweet } from './support/models';

// docs/reliability.md §0.9 and §9.4 L3: a create whose answer is lost must not report a false
// ItemExistsError, and a race of creates on one key has exactly one winner.

const config = localTestConfig();
const raw = new DynamoDBClient(config);
let proxy: FaultProxy;
let executor: DynamoExecutor;
let connection: Connection;

beforeAll(async () => {
  proxy = await startFaultProxy({ target: config.endpoint });
  executor = new DynamoExecutor({ ...config, endpoint: proxy.endpoint });
  connection = createConnection({ executor, prefix: uniqueTablePrefix('create_faults') });
  await connection.syncTables([Tweet]);
});
afterEach(() => proxy.reset());
afterAll(async () => {
  executor.destroy();
  raw.destroy();
  await proxy.close();
});

const storedCount = async (): Promise<number> =>
  (await raw.send(new ScanCommand({ TableName: connection.tableName(Tweet.schema()), Select: 'COUNT' }))).Count ?? 0;

describe('create under faults', () => {
  it('a create whose answer was lost after DynamoDB applied it reports success, not ItemExistsError', async () => {
    proxy.enqueue({ mode: 'resetAfter', operation: 'PutItem' });
    const tweet = await Tweet.using(connection).create({ tweetId: 'lost-answer', author: 'a', text: 'landed' });
    expect(tweet.text).toBe('landed');
    const puts = proxy.records.filter((record) => record.operation === 'PutItem');
    expect(puts).toHaveLength(1); // the conditional put was not blindly re-sent
    expect(proxy.records.some((record) => record.operation === 'GetItem')).toBe(true); // it was checked instead
    expect((await Tweet.using(connection).getOrFail('lost-answer', { consistent: true })).text).toBe('landed');
  });

  it('a create whose request never arrived is sent again and lands once', async () => {
    proxy.enqueue({ mode: 'resetBefore', operation: 'PutItem' });
    const before = await storedCount();
    await Tweet.using(connection).create({ tweetId: 'never-arrived', author: 'a', text: 'x' });
    expect(await storedCount()).toBe(before + 1);
  });

  it('a lost answer when another item holds the key is ItemExistsError with that item', async () => {
    await Tweet.using(connection).create({ tweetId: 'taken', author: 'first', text: 'first' });
    proxy.enqueue({ mode: 'resetAfter', operation: 'PutItem' });
    const error: unknown = await Tweet.using(connection)
      .create({ tweetId: 'taken', author: 'second', text: 'second' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ItemExistsError);
    expect((error as ItemExistsError<Tweet>).current?.author).toBe('first');
  });

  it('50 concurrent creates of one key: exactly one wins, 49 get ItemExistsError', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) =>
        Tweet.using(connection).create({ tweetId: 'race', author: `writer-${i}`, text: 'race' }),
      ),
    );
    const winners = results.filter((result) => result.status === 'fulfilled');
    const losers = results.filter((result) => result.status === 'rejected');
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(49);
    for (const loser of losers) expect(loser.reason).toBeInstanceOf(ItemExistsError);
    const stored = await Tweet.using(connection).getOrFail('race', { consistent: true });
    expect(stored.author).toBe((winners[0] as PromiseFulfilledResult<Tweet>).value.author);
  });
});
