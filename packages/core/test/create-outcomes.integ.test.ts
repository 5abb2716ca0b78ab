import { DynamoExecutor, OutcomeUnknownError, ServiceError } from '@dynamodel/executor';
import { localTestConfig, uniqueTablePrefix } from '@dynamodel/local/jest';
import { createConnection, ItemExistsError, type Connection } from '../src';
import { MAX_CREATE_ROUNDS } from '../src/operations/create/send-create';
import { Tweet } from './support/models';
import { ScriptedExecutor } from './support/scripted-executor';

// Every branch of a create whose answer was lost (docs/reliability.md §0.9), scripted in front of a real
// DynamoDB Local: each outcome of each retry goes through "is the stored item ours?".

const config = localTestConfig();
const inner = new DynamoExecutor(config);
let executor: ScriptedExecutor;
let connection: Connection;
const prefix = uniqueTablePrefix('create_outcomes');

const lostAnswer = (): OutcomeUnknownError =>
  new OutcomeUnknownError('scripted: the answer was lost', { code: 'ECONNRESET', operation: 'PutItem' });

/** Sends the request, then loses its answer (it landed). */
const landsThenLost = async (_: unknown, send: () => Promise<unknown>): Promise<never> => {
  await send();
  throw lostAnswer();
};
/** Loses the request before it reaches DynamoDB (it never lands). */
const neverLands = (): Promise<never> => Promise.reject(lostAnswer());

beforeAll(async () => {
  await createConnection({ executor: inner, prefix }).syncTables([Tweet]);
});
beforeEach(() => {
  executor = new ScriptedExecutor(inner);
  connection = createConnection({ executor, prefix });
});
afterEach(() => expect(executor.pending()).toBe(0)); // every scripted step was used
afterAll(() => inner.destroy());

const tweets = () => Tweet.using(connection);
const stored = (id: string) => Tweet.using(createConnection({ executor: inner, prefix })).get(id, { consistent: true });

describe('create: every outcome of a lost answer is resolved', () => {
  it('landed, answer lost: the read-back finds our item, success with one put', async () => {
    executor.on('PutItem', landsThenLost);
    const tweet = await tweets().create({ tweetId: 'o1', author: 'a', text: 'mine' });
    expect(tweet.text).toBe('mine');
    expect(executor.count('PutItem')).toBe(1);
    expect(executor.count('GetItem')).toBe(1);
  });

  it('never landed: the read-back finds nothing, the conditional put is sent again and lands', async () => {
    executor.on('PutItem', neverLands);
    await tweets().create({ tweetId: 'o2', author: 'a', text: 'second try' });
    expect(executor.count('PutItem')).toBe(1);
    expect((await stored('o2'))?.text).toBe('second try');
  });

  it('landed late (after the read-back): the second put fails its condition on our own item, which is success', async () => {
    let late: (() => Promise<unknown>) | undefined;
    executor.on('PutItem', (_input, send) => {
      late = send; // held back: it reaches DynamoDB only after the read-back found nothing
      return Promise.reject(lostAnswer());
    });
    executor.on('GetItem', async (_input, send) => {
      const output = await send();
      expect(output.Item).toBeUndefined();
      await late?.();
      return output;
    });
    const tweet = await tweets().create({ tweetId: 'o3', author: 'a', text: 'late' });
    expect(tweet.text).toBe('late');
    expect(executor.count('PutItem')).toBe(2); // the late first put and the guarded second put
    expect((await stored('o3'))?.text).toBe('late');
  });

  it('the retry loses its answer too (and landed): the next read-back resolves it', async () => {
    executor.on('PutItem', neverLands).on('PutItem', landsThenLost);
    await tweets().create({ tweetId: 'o4', author: 'a', text: 'twice lost' });
    expect(executor.count('GetItem')).toBe(2);
    expect((await stored('o4'))?.text).toBe('twice lost');
  });

  it(`${MAX_CREATE_ROUNDS} lost answers that never landed: OutcomeUnknownError, nothing stored`, async () => {
    for (let i = 0; i < MAX_CREATE_ROUNDS; i++) executor.on('PutItem', neverLands);
    const error: unknown = await tweets()
      .create({ tweetId: 'o5', author: 'a', text: 'x' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutcomeUnknownError);
    expect((error as Error).message).toMatch(/Tweet: create on table .*tweets is unresolved after 3 lost answers/);
    expect(executor.count('GetItem')).toBe(MAX_CREATE_ROUNDS); // one read-back after each lost answer
    expect(await stored('o5')).toBeUndefined();
  });

  it('another item holds the key when the read-back looks: ItemExistsError with that item', async () => {
    await tweets().create({ tweetId: 'o6', author: 'first', text: 'theirs' });
    executor.on('PutItem', neverLands);
    const error: unknown = await tweets()
      .create({ tweetId: 'o6', author: 'second', text: 'mine' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ItemExistsError);
    expect((error as ItemExistsError<Tweet>).current?.author).toBe('first');
  });

  it('another writer takes the key between the read-back and the retry: ItemExistsError with their item', async () => {
    executor.on('PutItem', neverLands);
    executor.on('GetItem', async (_input, send) => {
      const output = await send();
      await Tweet.using(createConnection({ executor: inner, prefix })).create({
        tweetId: 'o7',
        author: 'rival',
        text: 'theirs',
      });
      return output;
    });
    const error: unknown = await tweets()
      .create({ tweetId: 'o7', author: 'me', text: 'mine' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ItemExistsError);
    expect((error as ItemExistsError<Tweet>).current?.author).toBe('rival');
    expect((await stored('o7'))?.author).toBe('rival');
  });

  it('the read-back itself fails: OutcomeUnknownError naming both, never a raw read error', async () => {
    executor.on('PutItem', neverLands);
    executor.on('GetItem', () =>
      Promise.reject(new ServiceError('scripted: read failed', { code: 'InternalServerError', operation: 'GetItem' })),
    );
    const error: unknown = await tweets()
      .create({ tweetId: 'o8', author: 'a', text: 'x' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutcomeUnknownError);
    expect((error as Error).message).toMatch(/reading the key back failed \(scripted: read failed\)/);
  });
});
