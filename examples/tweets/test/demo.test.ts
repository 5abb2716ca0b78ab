import 'reflect-metadata';
import { createConnection, ItemExistsError, ValidationError } from '@dynamodel/core';
import { localTestConfig, uniqueTablePrefix } from '@dynamodel/local/jest';
import { runDemo } from '../src/demo';
import { Tweet } from '../src/tweet';

describe('quick-start demo', () => {
  it('creates a tweet, reads the same tweet back, shows the first errors, a counter and an index query', async () => {
    const connection = createConnection({
      ...localTestConfig(),
      prefix: uniqueTablePrefix('demo'),
      autoCreateTables: true,
    });
    const lines: string[] = [];
    try {
      const result = await runDemo(connection, (line) => lines.push(line));
      expect(result.read).toBeInstanceOf(Tweet);
      expect(result.read?.summary()).toBe('@ana: hello, DynamoDB #dynamodel');
      expect(result.read?.tweetId).toBe(result.created.tweetId);
      expect(result.read?.created).toEqual(result.created.created);
      expect(result.missing).toBeUndefined();
      expect(result.duplicate).toBeInstanceOf(ItemExistsError);
      expect(result.invalid).toBeInstanceOf(ValidationError);
      expect((result.invalid as ValidationError).message).toContain('Tweet.text');
      expect(result.liked.likes).toBe(1);
      expect(result.timeline.map((tweet) => tweet.text)).toEqual([
        'indexes are declared on the model',
        'hello, DynamoDB',
      ]);
      expect(lines).toHaveLength(8);
    } finally {
      await connection.close();
    }
  });
});
