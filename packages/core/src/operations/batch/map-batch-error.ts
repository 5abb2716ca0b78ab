import { BatchAbortedError, BatchStoppedError } from '@dynamodel/executor';

/**
 * The engine's abort or stop error again, carrying its report as the model presents it (instances
 * and key properties instead of AttributeValues); any other error as it is.
 */
export function withModelReport<Raw, Mapped>(
  error: unknown,
  map: (report: Raw) => Mapped,
  operation: 'BatchWriteItem' | 'BatchGetItem',
  table: string,
): unknown {
  if (error instanceof BatchAbortedError) return new BatchAbortedError(error.message, map(error.report as Raw));
  if (error instanceof BatchStoppedError) {
    return new BatchStoppedError(error.message, map(error.report as Raw), { cause: error.cause, table, operation });
  }
  return error;
}
