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
  /** A hot tweet read `hotReads` times: how many reads the cache answered, and how many went to DynamoDB. */
  readonly hotReads: number;
  readonly cacheHits: number;
  readonly requests: number;
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

  // A hot tweet, read again and again: with a cache on the connection, DynamoDB sees the first read only.
  const hotReads = 10;
  let cacheHits = 0;
  let requests = 0;
  const unsubscribe = connection.events.on('cache', (event) => {
    if (event.kind === 'hit') cacheHits += event.count;
    if (event.kind === 'miss') requests += event.count;
  });
  const countGets = connection.events.on('request', (event) => {
    if (event.operation === 'GetItem' && !connection.cache) requests++;
  });
  try {
    for (let i = 0; i < hotReads; i++) await tweets.get(created.tweetId);
  } finally {
    unsubscribe();
    countGets();
  }
  log(
    connection.cache
      ? `the hot tweet read ${hotReads} times: ${cacheHits} answered by the cache, ${requests} by DynamoDB`
      : `the hot tweet read ${hotReads} times: no cache on this connection, ${requests} requests`,
  );

  return { created, read, missing, duplicate, invalid, liked, timeline, hotReads, cacheHits, requests };
}
