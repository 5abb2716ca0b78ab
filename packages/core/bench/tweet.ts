import 'reflect-metadata';
import { Attribute, Defaults, HashKey, Index, Keys, Model, Table, uuid } from '@dynamodel/core';

@Table({ name: 'tweets' })
export class Tweet extends Model {
  declare [Keys]?: 'tweetId';
  declare [Defaults]?: 'tweetId' | 'created' | 'likes';
  @HashKey({ default: uuid }) tweetId!: string;
  @Index('byAuthor', { hash: true }) @Attribute() author!: string;
  @Attribute() text!: string;
  @Index('byAuthor', { range: true }) @Attribute({ default: () => new Date() }) created!: Date;
  @Attribute({ default: 0 }) likes!: number;
}
