import type { AttributeValue, TransactWriteItem, WriteRequest } from '@aws-sdk/client-dynamodb';
import { describeKeyAttributes, isDataWrite, type OperationName } from '@dynamodel/executor';
import { keyInvalidations } from '../cache/model-cache';
import { DEFAULT_INDEX_SETTLE_MS } from '../schema/compile-cache';
import type { Connection } from './connection';

type Item = Record<string, AttributeValue>;

/** Each connection's tables' key attribute names (hash first), read once (`describeKeyAttributes`, as the batch engine does). */
const keyNamesByConnection = new WeakMap<Connection, Map<string, Promise<readonly string[]>>>();

/**
 * After a write sent outside the models (the document client), forgets the cache entries of what
 * it wrote, as a model's write does (`keyInvalidations`): per table, each key's entry, its
 * partition's query pages and the table's index pages. Nothing to do without a cache. A write
 * whose answer was lost is not invalidated here (it threw); the entry then lives until its TTL.
 */
export async function invalidateWrites(
  connection: Connection,
  operation: OperationName,
  input: unknown,
): Promise<void> {
  const cache = connection.cache;
  if (!cache || !isDataWrite(operation)) return;
  for (const [tableName, items] of writtenItems(operation, input)) {
    const keyNames = await keyNamesOf(connection, tableName);
    const keys = items.map((item) => Object.fromEntries(keyNames.map((name) => [name, item[name] as AttributeValue])));
    const invalidations = keyInvalidations(
      connection.cacheTable(tableName),
      keyNames,
      keyNames.slice(0, 1),
      keys,
      DEFAULT_INDEX_SETTLE_MS,
    );
    let failure = '';
    const done = await cache.invalidate(invalidations, (reason) => (failure = reason));
    connection.events.emit({
      type: 'cache',
      kind: done ? 'invalidate' : 'invalidation-failed',
      table: tableName,
      count: keys.length,
      ...(done ? {} : { reason: failure }),
    });
  }
}

/** The items (or keys) a write names, by table. */
function writtenItems(operation: OperationName, input: unknown): Map<string, Item[]> {
  const byTable = new Map<string, Item[]>();
  const add = (table: string | undefined, item: Item | undefined): void => {
    if (!table || !item) return;
    byTable.set(table, [...(byTable.get(table) ?? []), item]);
  };
  const request = input as {
    TableName?: string;
    Item?: Item;
    Key?: Item;
    RequestItems?: Record<string, WriteRequest[]>;
    TransactItems?: TransactWriteItem[];
  };
  switch (operation) {
    case 'PutItem':
      add(request.TableName, request.Item);
      break;
    case 'UpdateItem':
    case 'DeleteItem':
      add(request.TableName, request.Key);
      break;
    case 'BatchWriteItem':
      for (const [table, writes] of Object.entries(request.RequestItems ?? {})) {
        for (const write of writes) add(table, write.PutRequest?.Item ?? write.DeleteRequest?.Key);
      }
      break;
    case 'TransactWriteItems':
      for (const action of request.TransactItems ?? []) {
        if (action.Put) add(action.Put.TableName, action.Put.Item);
        if (action.Update) add(action.Update.TableName, action.Update.Key);
        if (action.Delete) add(action.Delete.TableName, action.Delete.Key);
      }
      break;
    default:
      break;
  }
  return byTable;
}

function keyNamesOf(connection: Connection, tableName: string): Promise<readonly string[]> {
  let byTable = keyNamesByConnection.get(connection);
  if (!byTable) keyNamesByConnection.set(connection, (byTable = new Map<string, Promise<readonly string[]>>()));
  let names = byTable.get(tableName);
  if (!names) {
    names = connection.executor().then((executor) => describeKeyAttributes(executor, tableName));
    names.catch(() => byTable.delete(tableName)); // a failed read is tried again next time
    byTable.set(tableName, names);
  }
  return names;
}
