import { Attribute, Defaults, HashKey, Keys, Model, Table } from '@dynamodel/core';

/**
 * A login: the username is the key, so `create` (which never overwrites) is what keeps usernames
 * unique, with no lookup first and no race between two sign-ups. The salt and the scrypt hash are
 * `hidden`: never in `toJSON()`, so never in an API answer or a log line by accident.
 */
@Table({ name: 'accounts' })
export class Account extends Model {
  declare [Keys]?: 'username';
  declare [Defaults]?: 'created' | 'logins';
  @HashKey({ type: String }) username!: string;
  @Attribute({ type: Uint8Array, hidden: true }) salt!: Uint8Array;
  @Attribute({ type: Uint8Array, hidden: true }) passwordHash!: Uint8Array;
  @Attribute({ type: Date, default: () => new Date() }) created!: Date;
  @Attribute({ type: Number, default: 0 }) logins!: number;
  @Attribute({ type: Date, optional: true }) lastLogin?: Date;
}

/** What other people see of an account: read often, written rarely, so served from the cache. */
@Table({ name: 'profiles', cache: { ttl: '5m' } })
export class Profile extends Model {
  declare [Keys]?: 'username';
  @HashKey({ type: String }) username!: string;
  @Attribute({ type: String }) displayName!: string;
  @Attribute({ type: String, optional: true }) bio?: string;
}
