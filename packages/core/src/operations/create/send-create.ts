import {
  ConditionFailedError,
  DynamodelError,
  OutcomeUnknownError,
  type Executor,
  type SendOptions,
} from '@dynamodel/executor';
import type { Item } from '../../codecs/object-codec';
import type { ModelSchema } from '../../schema/compile-model';
import { getItemParams } from '../get/get-params';
import { putItemParams } from '../put/put-params';
import { sameItem } from '../same-item';
import type { Condition } from '../../expressions/condition';

/** How many times an unresolved create is read back and sent again before it is reported unknown. */
export const MAX_CREATE_ROUNDS = 3;

/** What a create came to: stored by us, or refused because another item holds the key. */
export type CreateOutcome =
  { readonly created: true } | { readonly created: false; readonly conflict: ConditionFailedError };

/**
 * Sends a create (a put conditional on the key being free) and resolves every outcome through one
 * question, "is the stored item ours?" (docs/reliability.md §0.9 and §4):
 * - the put succeeds: created;
 * - its condition fails and the stored item equals ours: an earlier attempt of this create landed;
 * - its condition fails with another item: a conflict;
 * - its answer is lost (`OutcomeUnknownError`): read the key back (strongly consistent); ours is
 *   created, another is a conflict, nothing means it did not land *yet* — so the put is sent again,
 *   still conditional, and its outcome goes through the same question. A late landing of the first
 *   attempt then shows up as "condition failed with our item", which is success.
 * After `MAX_CREATE_ROUNDS` lost answers in a row and a last read that finds nothing, the create is
 * reported as `OutcomeUnknownError` (it may still land later; nothing else can be said).
 */
export async function sendCreate(
  executor: Executor,
  schema: ModelSchema,
  tableName: string,
  item: Item,
  options: SendOptions & { readonly condition?: Condition } = {},
): Promise<CreateOutcome> {
  const params = putItemParams(schema, tableName, item, {
    ifAbsent: true,
    ...(options.condition ? { condition: options.condition } : {}),
  });
  let lost: OutcomeUnknownError | undefined;
  for (let round = 1; round <= MAX_CREATE_ROUNDS; round++) {
    if (lost) {
      const stored = await readBack(executor, schema, tableName, item, lost, options);
      if (stored)
        return sameItem(stored, item) ? { created: true } : { created: false, conflict: conflict(stored, lost) };
    }
    try {
      // Conditional: never re-sent blindly after a lost answer; this loop resolves it instead.
      await executor.send('PutItem', params, { signal: options.signal, idempotent: false });
      return { created: true };
    } catch (error) {
      if (error instanceof ConditionFailedError) {
        if (error.item && sameItem(error.item, item)) return { created: true };
        return { created: false, conflict: error };
      }
      if (!(error instanceof OutcomeUnknownError)) throw error;
      lost = error;
    }
  }
  // The last answer was lost too: one more look before giving up.
  const stored = await readBack(executor, schema, tableName, item, lost as OutcomeUnknownError, options);
  if (stored) return sameItem(stored, item) ? { created: true } : { created: false, conflict: conflict(stored, lost) };
  throw new OutcomeUnknownError(
    `${schema.model}: create on table ${tableName} is unresolved after ${MAX_CREATE_ROUNDS} lost answers; ` +
      'the item may or may not be stored. Read it before creating it again.',
    { code: lost?.code ?? 'OutcomeUnknown', operation: 'PutItem', table: tableName, cause: lost },
  );
}

/** The item stored under our key, read strongly consistent; a failed read leaves the create unknown. */
async function readBack(
  executor: Executor,
  schema: ModelSchema,
  tableName: string,
  item: Item,
  lost: OutcomeUnknownError,
  options: SendOptions,
): Promise<Item | undefined> {
  const key: Item = {};
  for (const field of [schema.hashKey, schema.rangeKey]) {
    const value = field && item[field.name];
    if (field && value) key[field.name] = value;
  }
  try {
    const output = await executor.send('GetItem', getItemParams(tableName, key, { consistent: true }), {
      signal: options.signal,
      idempotent: true,
    });
    return output.Item;
  } catch (error) {
    throw new OutcomeUnknownError(
      `${schema.model}: create on table ${tableName} lost its answer, and reading the key back failed ` +
        `(${error instanceof Error ? error.message : String(error)}); the item may or may not be stored`,
      {
        code: lost.code,
        operation: 'PutItem',
        table: tableName,
        cause: error instanceof DynamodelError ? error : lost,
      },
    );
  }
}

function conflict(stored: Item, lost: OutcomeUnknownError | undefined): ConditionFailedError {
  return new ConditionFailedError('the key is taken', {
    code: 'ConditionalCheckFailedException',
    item: stored,
    cause: lost,
  });
}
