import { localTestConfig, uniqueTablePrefix } from '@dynamodel/local/jest';
import { createConnection, type Repository } from '../src';
import { Message, Tweet } from './support/models';

// The static API is typed with `this`: Tweet.get returns Tweet, not Model. These lines are checked by
// `pnpm typecheck` (tsc over test files); the runtime expectations check the same facts.
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const assertType = <T extends true>(value: T): T => value;

describe('typed model API', () => {
  const connection = createConnection({
    ...localTestConfig(),
    prefix: uniqueTablePrefix('typings'),
    autoCreateTables: true,
  });
  afterAll(() => connection.close());

  it('returns the model class from statics, repositories and instance methods', async () => {
    const tweets: Repository<Tweet> = Tweet.using(connection);
    const created = await tweets.create({ author: 'ana', text: 'typed' });
    assertType<Equals<typeof created, Tweet>>(true);
    const read = await tweets.get(created.tweetId);
    assertType<Equals<typeof read, Tweet | undefined>>(true);
    const saved = await created.save();
    assertType<Equals<typeof saved, Tweet>>(true);
    const message = await Message.using(connection)
      .getOrFail('c', new Date(0))
      .catch(() => undefined);
    assertType<Equals<typeof message, Message | undefined>>(true);
    expect(message).toBeUndefined();
    expect(read).toBeInstanceOf(Tweet);
    expect(saved).toBe(created);

    // @ts-expect-error: `text` is a string
    await expect(tweets.create({ author: 'ana', text: 42 })).rejects.toThrow('Tweet.text');
    // @ts-expect-error: not an attribute of Tweet
    await expect(tweets.create({ author: 'ana', text: 't', color: 'red' })).rejects.toThrow(
      expect.objectContaining({ name: 'ValidationError', rule: 'unknown-property', attribute: 'color' }),
    );
  });
});
