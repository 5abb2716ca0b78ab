import { ValidationError, itemSize, keyString, type Executor } from '@dynamodel/executor';
import type { Item } from '../codecs/object-codec';
import type { Connection } from '../connection/connection';
import { keyAttributeNames } from '../operations/key';
import { describeKey } from '../model/item-error-messages';
import type { ActionSource } from './transaction-actions';

/** DynamoDB's limits on one transaction (docs/reliability.md §1). */
export const MAX_TRANSACTION_ACTIONS = 100;
const MAX_TRANSACTION_BYTES = 4 * 1024 * 1024;
const MAX_TOKEN_LENGTH = 36;

interface CheckedAction {
  readonly source: ActionSource;
  readonly key: Item;
  readonly kind: string;
}

/**
 * Refuses, before anything is sent, a transaction DynamoDB would reject as a whole: none or more
 * than 100 actions, two actions on one item, more than 4 MB of items and values, a token that is
 * not 1 to 36 characters, or actions of models bound to different connections (one request goes
 * through one executor). Returns the connection the actions share.
 */
export function checkTransaction(
  what: 'transact' | 'transactGet',
  actions: readonly CheckedAction[],
  sizeOf: (index: number) => number,
  token?: string,
): Connection {
  const fail = (message: string, rule: string): never => {
    throw new ValidationError(`${what}: ${message}; nothing was sent`, { rule });
  };
  if (actions.length === 0) fail('no actions', 'transaction-empty');
  if (actions.length > MAX_TRANSACTION_ACTIONS) {
    fail(`${actions.length} actions, over DynamoDB's ${MAX_TRANSACTION_ACTIONS}`, 'transaction-actions');
  }
  if (token !== undefined && (token.length === 0 || token.length > MAX_TOKEN_LENGTH)) {
    fail(`the token is ${token.length} characters; DynamoDB takes 1 to ${MAX_TOKEN_LENGTH}`, 'idempotency-token');
  }
  const connection = (actions[0] as CheckedAction).source.connection;
  const seen = new Map<string, number>();
  let bytes = 0;
  actions.forEach((action, index) => {
    const { source } = action;
    if (source.connection !== connection) {
      fail(`action ${index} (${source.schema.model}) is on another connection than action 0`, 'transaction-connection');
    }
    const id = `${source.tableName}\u0000${keyString(action.key, keyAttributeNames(source.schema))}`;
    const earlier = seen.get(id);
    if (earlier !== undefined) {
      fail(
        `actions ${earlier} and ${index} are both on ${source.schema.model} ${JSON.stringify(describeKey(action.key))}; ` +
          'DynamoDB refuses two actions on one item in a transaction',
        'transaction-duplicate-item',
      );
    }
    seen.set(id, index);
    bytes += sizeOf(index);
  });
  if (bytes > MAX_TRANSACTION_BYTES) {
    fail(
      `its items and values are ${bytes} bytes, over DynamoDB's 4 MB (${MAX_TRANSACTION_BYTES})`,
      'transaction-size',
    );
  }
  return connection;
}

/**
 * Makes sure of every action's table on the connection (created first with `autoCreateTables`), and
 * returns the executor the one request goes through.
 */
export async function prepareTables(connection: Connection, actions: readonly CheckedAction[]): Promise<Executor> {
  let executor: Executor | undefined;
  for (const { source } of actions) {
    executor = (connection.ready(source.schema) ?? (await connection.prepare(source.schema))).executor;
  }
  return executor as Executor; // checkTransaction refuses an empty transaction
}

/** The bytes of a request's items, keys and values, measured as DynamoDB measures items. */
export function requestBytes(parts: readonly (Item | undefined)[]): number {
  return parts.reduce((sum, part) => sum + (part ? itemSize(part) : 0), 0);
}
