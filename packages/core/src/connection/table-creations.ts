import type { TableSyncResult } from './ensure-table';

/** One creation (or check) of a table: in flight until `settled`. */
export interface TableCreation {
  readonly done: Promise<TableSyncResult>;
  settled: boolean;
}

/** Table name → its creation, for one executor. */
export type TableCreations = Map<string, TableCreation>;

const byExecutor = new WeakMap<object, TableCreations>();

/**
 * The table creations made through one executor (or one client), shared by every connection of
 * this process that sends through it, so concurrent first calls create a table once. The memory
 * is per executor, not per endpoint: another account's connection (other credentials, same
 * endpoint and region) has its own executor and makes sure of its own tables.
 */
export function tableCreationsFor(destination: object): TableCreations {
  let creations = byExecutor.get(destination);
  if (!creations) byExecutor.set(destination, (creations = new Map<string, TableCreation>()));
  return creations;
}
