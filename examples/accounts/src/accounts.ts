import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { ItemExistsError, type Connection } from '@dynamodel/core';
import { Account, Profile } from './models';

const hash = promisify(scrypt) as (password: string, salt: Uint8Array, length: number) => Promise<Buffer>;
const HASH_BYTES = 32;

/** The username was taken by another sign-up. */
export class UsernameTakenError extends Error {
  override name = 'UsernameTakenError';
}

/** Signs up: one conditional write; a taken username is `UsernameTakenError`, the other account untouched. */
export async function register(
  connection: Connection,
  username: string,
  password: string,
  displayName: string,
): Promise<Account> {
  const salt = randomBytes(16);
  const passwordHash = await hash(password, salt, HASH_BYTES);
  try {
    const account = await Account.using(connection).create({ username, salt, passwordHash });
    await Profile.using(connection).put({ username, displayName });
    return account;
  } catch (error) {
    if (error instanceof ItemExistsError) throw new UsernameTakenError(`the username ${username} is taken`);
    throw error;
  }
}

/**
 * Logs in: the account is read strongly consistently (a password changed a moment ago counts), the
 * hash compared in constant time, and on success the counter is incremented by DynamoDB itself
 * (`ADD`), so two logins at once both count. Returns the account as it is after the login, or
 * `undefined` for an unknown user or a wrong password (the same answer for both).
 */
export async function login(connection: Connection, username: string, password: string): Promise<Account | undefined> {
  const accounts = Account.using(connection);
  const account = await accounts.get(username, { consistent: true });
  if (!account) return undefined;
  const attempt = await hash(password, account.salt, HASH_BYTES);
  if (!timingSafeEqual(attempt, account.passwordHash)) return undefined;
  return await accounts.update(username, (u) => u.increment('logins').set('lastLogin', new Date()));
}

/** A profile, through the read-through cache. */
export async function profile(connection: Connection, username: string): Promise<Profile | undefined> {
  return await Profile.using(connection).get(username);
}
