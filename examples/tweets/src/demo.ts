import { ItemExistsError, ValidationError, type Connection } from '@dynamodel/core';
import { Tweet } from './tweet';

export interface DemoResult {
  readonly created: Tweet;
  readonly read: Tweet | undefined;
  readonly missing: Tweet | undefined;
  readonly duplicate: unknown;
  readonly invalid: unknown;
  readonly liked: Tweet;
  readonly timeline: Tweet[];
}

/**
 * Creates a tweet, reads it back, shows the two errors a user meets first, then an atomic counter
 * and a query through the author index.
 */
export async function runDemo(connection: Connection, log: (line: string) => void): Promise<DemoResult> {
  const tweets = Tweet.using(connection);
  const created = await tweets.create({ author: 'ana', text: 'hello, DynamoDB', hashtags: new Set(['dynamodel']) });
  log(`created ${created.tweetId} in table ${connection.tableName(tweets.schema)}`);

  const read = await tweets.get(created.tweetId);
  log(`got ${read ? read.summary() : 'nothing'} (a ${read?.constructor.name}, created ${read?.created.toISOString()})`);
  log(`as JSON: ${JSON.stringify(read)}`);

  const missing = await tweets.get('no-such-tweet');
  log(`get of an unknown id: ${missing === undefined ? 'undefined' : missing.summary()}`);

  const duplicate = await tweets
    .create({ tweetId: created.tweetId, author: 'bob', text: 'mine now' })
    .catch((e: unknown) => e);
  if (duplicate instanceof ItemExistsError)
    log(
      `create never overwrites: ${duplicate.name} (stored author: ${String((duplicate.current as Tweet | undefined)?.author)})`,
    );

  const invalid = await tweets.create({ author: 'ana', text: 42 as unknown as string }).catch((e: unknown) => e);
  if (invalid instanceof ValidationError) log(`bad input is refused before sending: ${invalid.message}`);

  const liked = await tweets.update(created.tweetId, (u) => u.increment('likes'));
  log(`an atomic like (one UpdateItem, no read first): ${liked.likes} like`);

  await tweets.create({
    author: 'ana',
    text: 'indexes are declared on the model',
    created: new Date(created.created.getTime() + 1),
  });
  const timeline = await tweets.query({ index: 'byAuthor', key: 'ana' }, { reverse: true }).all();
  log(`ana's tweets, newest first, through the byAuthor index: ${timeline.map((tweet) => tweet.text).join(' | ')}`);

  return { created, read, missing, duplicate, invalid, liked, timeline };
}
