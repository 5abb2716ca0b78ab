import type { UpdateItemCommandInput } from '@aws-sdk/client-dynamodb';
import type { InputOf, OperationName } from './operations';

/**
 * Whether sending this exact request twice has the same effect as sending it once
 * (docs/reliability.md §4). Reads, unconditional puts and deletes, and batch puts/deletes are;
 * updates that add, append or compute from the current value are not. Conditional writes are
 * treated as not idempotent: a retry after a lost response fails its own condition.
 * TransactWriteItems is idempotent because the SDK sends one ClientRequestToken on every attempt.
 */
export function isIdempotent<Op extends OperationName>(op: Op, input: InputOf<Op>): boolean {
  switch (op) {
    case 'PutItem':
    case 'DeleteItem':
      return !(input as { ConditionExpression?: string }).ConditionExpression;
    case 'UpdateItem': {
      const update = input as UpdateItemCommandInput;
      return !update.ConditionExpression && isAbsoluteUpdate(update.UpdateExpression ?? '');
    }
    case 'CreateTable':
    case 'UpdateTable':
    case 'DeleteTable':
    case 'UpdateTimeToLive':
      // The service rejects a repeat (ResourceInUse, ValidationException): never double-applied,
      // but a retry would report a false failure. Treat them like conditional writes.
      return false;
    default:
      return true;
  }
}

/** `SET a = :v, b = :w REMOVE c` is absolute; ADD, DELETE, `a + :n`, `list_append` and `if_not_exists` are not. */
function isAbsoluteUpdate(expression: string): boolean {
  if (/\b(ADD|DELETE)\s/i.test(expression)) return false;
  if (/list_append|if_not_exists/i.test(expression)) return false;
  // Arithmetic on a path: `SET n = n + :one`. Placeholder-only arithmetic is rare; treat any +/- as relative.
  return !/[+-]/.test(expression.replace(/[#:][A-Za-z0-9_]+/g, ''));
}
