import { accessSync, constants, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { LocalDynamoError } from './errors';

/** Checks that `dbPath` is an existing, writable folder, so a typo fails here and not inside Java. */
export function checkDbPath(dbPath: string): string {
  const absolute = resolve(dbPath);
  let isDirectory = false;
  try {
    isDirectory = statSync(absolute).isDirectory();
  } catch (error) {
    throw new LocalDynamoError('BAD_DB_PATH', `dbPath ${absolute} does not exist; create the folder first.`, {
      cause: error,
    });
  }
  if (!isDirectory) {
    throw new LocalDynamoError('BAD_DB_PATH', `dbPath ${absolute} is not a folder.`);
  }
  try {
    accessSync(absolute, constants.W_OK);
  } catch (error) {
    throw new LocalDynamoError('BAD_DB_PATH', `dbPath ${absolute} is not writable.`, { cause: error });
  }
  return absolute;
}
