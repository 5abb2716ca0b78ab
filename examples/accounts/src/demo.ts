import type { CacheEvent } from '@dynamodel/executor';
import type { Connection } from '@dynamodel/core';
import { login, profile, register, UsernameTakenError } from './accounts';
import type { Account } from './models';

export interface DemoResult {
  readonly registered: Account;
  readonly taken: unknown;
  readonly wrongPassword: Account | undefined;
  readonly unknownUser: Account | undefined;
  readonly loggedIn: Account | undefined;
  readonly json: Record<string, unknown>;
  /** Profile reads and how many of them went to DynamoDB. */
  readonly profileReads: number;
  readonly profileRequests: number;
}

/** Signs up, shows a taken username, logs in (wrongly, then twice rightly), and reads a profile through the cache. */
export async function runDemo(connection: Connection, log: (line: string) => void): Promise<DemoResult> {
  const registered = await register(connection, 'ana', 'correct horse battery staple', 'Ana');
  log(`registered ${registered.username} (created ${registered.created.toISOString()})`);

  const taken = await register(connection, 'ana', 'another password', 'Impostor').catch((error: unknown) => error);
  log(`registering ana again: ${taken instanceof UsernameTakenError ? taken.message : String(taken)}`);

  const wrongPassword = await login(connection, 'ana', 'wrong');
  const unknownUser = await login(connection, 'nobody', 'whatever');
  log(
    `wrong password: ${wrongPassword === undefined ? 'refused' : 'let in!'}; unknown user: ${unknownUser === undefined ? 'refused' : 'let in!'}`,
  );
  await login(connection, 'ana', 'correct horse battery staple');
  const loggedIn = await login(connection, 'ana', 'correct horse battery staple');
  log(`logged in: ${loggedIn?.logins} logins, the last at ${loggedIn?.lastLogin?.toISOString()}`);

  const json = JSON.parse(JSON.stringify(loggedIn)) as Record<string, unknown>;
  log(`as JSON (no salt, no hash): ${JSON.stringify(json)}`);

  const cache: CacheEvent[] = [];
  const unsubscribe = connection.events.on('cache', (event) => void cache.push(event));
  const profileReads = 5;
  try {
    for (let i = 0; i < profileReads; i++) await profile(connection, 'ana');
  } finally {
    unsubscribe();
  }
  const profileRequests = cache.filter((event) => event.kind === 'miss').reduce((sum, event) => sum + event.count, 0);
  const hits = cache.filter((event) => event.kind === 'hit').reduce((sum, event) => sum + event.count, 0);
  log(`read ana's profile ${profileReads} times: ${hits} from the cache, ${profileRequests} from DynamoDB`);
  return { registered, taken, wrongPassword, unknownUser, loggedIn, json, profileReads, profileRequests };
}
