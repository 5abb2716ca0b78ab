import { DynamodelError } from '@dynamodel/executor';
import type { AnyClass } from '../metadata/options';
import { Connection, type ConnectOptions } from './connection';
import type { DropTablesOptions, TableDropResult } from './drop-table';
import type { EnsureTableOptions, TableSyncResult } from './ensure-table';

let current: Connection | undefined;

/**
 * Opens a connection and makes it the default one models use (`Tweet.get(...)`). A later `connect`
 * replaces the default (the earlier connection stays usable through `using`). For more connections
 * side by side, use `createConnection` and `Model.using(connection)`.
 */
export function connect(options: ConnectOptions = {}): Connection {
  current = new Connection(options);
  return current;
}

/** A connection that does not become the default. */
export function createConnection(options: ConnectOptions = {}): Connection {
  return new Connection(options);
}

/** The default connection; a clear error when `connect` was never called. */
export function defaultConnection(): Connection {
  if (!current) {
    throw new DynamodelError(
      'no connection: call connect({ region }) (or connect({ endpoint: "local" }) in development) first, ' +
        'or use Model.using(connection)',
    );
  }
  return current;
}

/** Closes the default connection and forgets it. */
export async function disconnect(): Promise<void> {
  const closing = current;
  current = undefined;
  await closing?.close();
}

/**
 * Creates the models' missing tables on the default connection (or `options.connection`), waits
 * until they are ACTIVE and enables TTL; see `Connection.syncTables`.
 */
export function syncTables(
  models: readonly AnyClass[],
  options: EnsureTableOptions & { readonly connection?: Connection } = {},
): Promise<Record<string, TableSyncResult>> {
  const { connection = defaultConnection(), ...rest } = options;
  return connection.syncTables(models, rest);
}

/**
 * Deletes the models' tables on the default connection (or `options.connection`) and waits until
 * they are gone; refused unless the endpoint is DynamoDB Local or `force: true` is passed. See
 * `Connection.dropTables`.
 */
export function dropTables(
  models: readonly AnyClass[],
  options: DropTablesOptions & { readonly connection?: Connection } = {},
): Promise<Record<string, TableDropResult>> {
  const { connection = defaultConnection(), ...rest } = options;
  return connection.dropTables(models, rest);
}
