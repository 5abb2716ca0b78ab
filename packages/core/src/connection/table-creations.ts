import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Executor } from '@dynamodel/executor';
import type { TableSyncResult } from './ensure-table';

/** Table name → the one creation (or check) of that table in flight or done, for one destination. */
export type TableCreations = Map<string, Promise<TableSyncResult>>;

const byName = new Map<string, TableCreations>();
const byObject = new WeakMap<object, TableCreations>();

/**
 * The table creations of one destination, shared by every connection of this process that sends
 * there, so a table is created once per process however many connections use it. A destination is
 * the user's own executor or client when one was given (two connections sharing it share creations),
 * otherwise the endpoint and region the connection's executor was built for.
 */
export function tableCreationsFor(destination: Executor | DynamoDBClient | string): TableCreations {
  if (typeof destination === 'string') {
    let creations = byName.get(destination);
    if (!creations) byName.set(destination, (creations = new Map<string, Promise<TableSyncResult>>()));
    return creations;
  }
  let creations = byObject.get(destination);
  if (!creations) byObject.set(destination, (creations = new Map<string, Promise<TableSyncResult>>()));
  return creations;
}
