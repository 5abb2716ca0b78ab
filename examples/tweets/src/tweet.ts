import { Attribute, Defaults, HashKey, Index, Keys, Model, Table, uuid } from '@dynamodel/core';

/**
 * A tweet: the model of the README. Types come from TypeScript's decorator metadata. Reads go through
 * the connection's read-through cache when it has one (a minute; every write through Dynamodel
 * forgets what it changed).
 */
@Table({ name: 'tweets', cache: { ttl: '1m' } })
export class Tweet extends Model {
  declare [Keys]?: 'tweetId';
  declare [Defaults]?: 'tweetId' | 'created' | 'likes';
  @HashKey({ default: uuid }) tweetId!: string;
  // A global index: an author's tweets in time order (`Tweet.query({ index: 'byAuthor', key: 'ana' })`).
  @Index('byAuthor', { hash: true }) @Attribute() author!: string;
  @Attribute() text!: string;
  @Index('byAuthor', { range: true }) @Attribute({ default: () => new Date() }) created!: Date;
  @Attribute({ type: Set, of: String, optional: true }) hashtags?: Set<string>;
  @Attribute({ default: 0 }) likes!: number;

  /** Prototype methods work on every instance Dynamodel returns. */
  summary(): string {
    return `@${this.author}: ${this.text}${this.hashtags?.size ? ` ${[...this.hashtags].map((t) => `#${t}`).join(' ')}` : ''}`;
  }
}
