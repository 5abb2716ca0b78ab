import 'reflect-metadata';
import { Exclude, Expose } from 'class-transformer';
import { Attribute, Defaults, HashKey, Keys, Model, RangeKey, Table, uuid } from '../../src';

export class Address {
  @Attribute() street!: string;
  @Attribute({ optional: true }) city?: string;

  label(): string {
    return `${this.street}${this.city ? `, ${this.city}` : ''}`;
  }
}

export enum Mood {
  Happy = 'happy',
  Sad = 'sad',
}

@Table({ name: 'tweets' })
export class Tweet extends Model {
  declare [Keys]?: 'tweetId';
  declare [Defaults]?: 'tweetId' | 'created' | 'likes';
  @HashKey({ default: uuid }) tweetId!: string;
  @Attribute() author!: string;
  @Attribute() text!: string;
  @Attribute({ default: () => new Date() }) created!: Date;
  @Attribute({ type: Set, of: String, optional: true }) hashtags?: Set<string>;
  @Attribute({ default: 0 }) likes!: number;

  shout(): string {
    return this.text.toUpperCase();
  }
}

@Table({ name: 'messages' })
export class Message extends Model {
  declare [Keys]?: ['channel', 'sentAt'];
  @HashKey() channel!: string;
  @RangeKey({ dateFormat: 'epochMillis' }) sentAt!: Date;
  @Attribute() body!: string;
}

@Table({ name: 'users', unknownAttributes: 'keep' })
export class User extends Model {
  declare [Keys]?: 'email';
  @HashKey() email!: string;
  @Attribute({ name: 'display_name' }) name!: string;
  @Exclude() @Attribute({ optional: true }) passwordHash?: string;
  @Attribute({ type: Address, optional: true }) address?: Address;
  @Attribute({ enum: Mood, optional: true }) mood?: Mood;
  @Attribute({ nullable: true, optional: true, type: String }) nickname?: string | null;
  @Attribute({ optional: true }) balance?: bigint;
  @Attribute({ type: Array, of: Address, optional: true }) pastAddresses?: Address[];

  /** Not stored; `@Expose()` puts it in toJSON. */
  @Expose()
  get greeting(): string {
    return `Hello, ${this.name}`;
  }
}
