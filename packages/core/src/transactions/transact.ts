import { randomUUID } from 'node:crypto';
import {
  ConditionFailedError,
  OutcomeUnknownError,
  ServiceError,
  TransactionCanceledError,
  fullJitterDelay,
  sleep,
  type CancellationReason,
} from '@dynamodel/executor';
import {
  describeKey,
  describeVersionConflict,
  isVersionConflict,
  versionConflictError,
} from '../model/item-error-messages';
import type { VersionConflictError } from '../errors/item-errors';
import { checkTransaction, prepareTables, requestBytes } from './check-transaction';
import type { TransactionWrite } from './transaction-actions';
import { begin, outcomeOf, settle } from '../model/tracked-write';
import type { Item } from '../codecs/object-codec';

export interface TransactOptions {
  /**
   * The `ClientRequestToken` (1 to 36 characters). Default: a new UUID per call. Every attempt of
   * the call sends the same token, so DynamoDB applies the transaction once however often it is
   * re-sent within 10 minutes; pass your own to make a retry of your own idempotent too.
   */
  readonly token?: string;
  /**
   * Attempts when the transaction is cancelled only by conflicts or throttling, or its answer is
   * lost: each re-sends the same token after a backoff. Default 5.
   */
  readonly maxAttempts?: number;
  readonly signal?: AbortSignal;
}

/** A token is honoured for 10 minutes after its first use: re-send only well inside that window. */
const TOKEN_WINDOW_MS = 9 * 60 * 1_000;

/**
 * Writes every action or none (`TransactWriteItems`), across models and tables of one connection.
 * Everything is checked before sending. A cancelled transaction is `TransactionCanceledError`,
 * whose `reasons` name each failing action's position, model, kind, key and code; once stored,
 * instances that were put take their new version.
 */
export async function transact(actions: readonly TransactionWrite[], options: TransactOptions = {}): Promise<void> {
  const connection = checkTransaction(
    'transact',
    actions,
    (index) => {
      const request = actions[index]?.request;
      const part = request?.Put ?? request?.Update ?? request?.Delete ?? request?.ConditionCheck;
      return requestBytes([
        request?.Put?.Item,
        part && 'Key' in part ? part.Key : undefined,
        part?.ExpressionAttributeValues,
      ]);
    },
    options.token,
  );
  const executor = await prepareTables(connection, actions);
  const input = {
    TransactItems: actions.map((action) => action.request),
    ClientRequestToken: options.token ?? randomUUID(),
  };
  const maxAttempts = options.maxAttempts ?? 5;
  const started = Date.now();
  const tracked = actions.flatMap((action) => (action.tracked ? [action.tracked] : []));
  const tickets = tracked.map(begin);
  for (let attempt = 1; ; attempt++) {
    try {
      // Idempotent: the same token makes every re-send, the SDK's and ours, apply at most once.
      await executor.send('TransactWriteItems', input, { signal: options.signal, idempotent: true });
      break;
    } catch (error) {
      const again = attempt < maxAttempts && Date.now() - started < TOKEN_WINDOW_MS && worthResending(error);
      if (!again) {
        tracked.forEach((write, i) => settle(write, tickets[i] as number, outcomeOf(error)));
        // It may have been applied: cached items must not outlive it.
        if (error instanceof OutcomeUnknownError) await invalidateWritten(actions);
        throw describeFailure(error, actions);
      }
      try {
        await sleep(fullJitterDelay(attempt, { baseMs: 100 }), options.signal);
      } catch (aborted) {
        // An earlier attempt may have been applied.
        tracked.forEach((write, i) => settle(write, tickets[i] as number, 'unknown'));
        throw aborted;
      }
    }
  }
  tracked.forEach((write, i) => settle(write, tickets[i] as number, 'stored'));
  await invalidateWritten(actions);
}

/** Forgets the cached items of every written action (a condition check writes nothing), model by model. */
async function invalidateWritten(actions: readonly TransactionWrite[]): Promise<void> {
  const bySource = new Map<TransactionWrite['source'], Item[]>();
  for (const action of actions) {
    if (action.kind === 'conditionCheck') continue;
    let keys = bySource.get(action.source);
    if (!keys) bySource.set(action.source, (keys = []));
    keys.push(action.key);
  }
  await Promise.all([...bySource].map(([source, keys]) => source.invalidate(keys)));
}

/** Cancelled only by conflicts or throttling, throttled, transient, or its answer lost. */
function worthResending(error: unknown): boolean {
  if (error instanceof TransactionCanceledError) return error.retryable;
  return error instanceof OutcomeUnknownError || (error instanceof ServiceError && error.retryable);
}

/** A cancellation, with each reason naming its action; any other error as it is. */
function describeFailure(error: unknown, actions: readonly TransactionWrite[]): unknown {
  if (!(error instanceof TransactionCanceledError)) return error;
  const reasons: CancellationReason[] = error.reasons.map((reason) => {
    const action = actions[reason.index];
    if (!action) return reason;
    return { ...reason, model: action.source.schema.model, action: action.kind, key: describeKey(action.key) };
  });
  const described = reasons.map((reason) => {
    const action = actions[reason.index];
    if (!action) return `action ${reason.index}: ${reason.code}`;
    return `action ${reason.index} (${action.source.schema.model}.${action.kind} ${JSON.stringify(reason.key)}): ${reason.code}${why(action, reason)}`;
  });
  const cancelled = new TransactionCanceledError(
    `Transaction cancelled, nothing was written: ${described.join('; ')}`,
    {
      code: error.code,
      reasons,
      operation: 'TransactWriteItems',
      ...(error.requestId ? { requestId: error.requestId } : {}),
      ...(error.attempts !== undefined ? { attempts: error.attempts } : {}),
      cause: error,
    },
  );
  return versionConflictOf(cancelled, actions) ?? cancelled;
}

/**
 * A transaction cancelled only by version checks lost a race, like a single versioned write: it is a
 * `VersionConflictError` (about its first conflict, with every reason in `reasons`), so one catch,
 * reload and retry handles both. Any other failing reason leaves the `TransactionCanceledError`.
 */
function versionConflictOf(
  cancelled: TransactionCanceledError,
  actions: readonly TransactionWrite[],
): VersionConflictError | undefined {
  const failing = cancelled.reasons.filter((reason) => reason.code !== 'None');
  const conflicts = failing.filter((reason) => {
    const action = actions[reason.index];
    const check = action?.versionCheck;
    return (
      reason.code === 'ConditionalCheckFailed' &&
      action !== undefined &&
      check !== undefined &&
      isVersionConflict(action.source.schema, reason.item, check.expected, check.absent)
    );
  });
  const first = conflicts[0];
  if (!first || conflicts.length !== failing.length) return undefined;
  const action = actions[first.index] as TransactionWrite;
  const { schema, tableName } = action.source;
  const asConditionFailure = new ConditionFailedError(cancelled.message, {
    code: 'ConditionalCheckFailedException',
    table: tableName,
    operation: 'TransactWriteItems',
    ...(first.item ? { item: first.item } : {}),
    cause: cancelled,
  });
  return versionConflictError(
    schema,
    tableName,
    action.key,
    asConditionFailure,
    action.versionCheck?.expected,
    (item) => action.source.decodeQuietly(item),
    cancelled.reasons,
  );
}

function why(action: TransactionWrite, reason: CancellationReason): string {
  if (reason.code !== 'ConditionalCheckFailed') return reason.message ? ` (${reason.message})` : '';
  const { schema } = action.source;
  const check = action.versionCheck;
  if (check && isVersionConflict(schema, reason.item, check.expected, check.absent)) {
    return ` (version conflict: ${describeVersionConflict(schema, reason.item, check.expected)})`;
  }
  if (!reason.item && action.kind !== 'put' && action.kind !== 'create') {
    return action.kind === 'update' || action.kind === 'save'
      ? ' (no item under the key)'
      : ' (the condition was false; no item under the key)';
  }
  if (reason.item && action.kind === 'create') return ' (an item with this key already exists)';
  return ' (the condition was false)';
}
