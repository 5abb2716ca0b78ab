import type { WriteRequest } from '@aws-sdk/client-dynamodb';
import { batchWrite, type BatchWriteReport, type Executor, type SizedWriteRequest } from '@dynamodel/executor';
import type { ModelSchema } from '../../schema/compile-model';
import type { Attributes, BatchWriteOptions, BatchWriteResult } from '../../model/attributes';
import { keyProperties } from './batch-requests';
import { keyAttributeNames } from '../key';
import { withModelReport } from './map-batch-error';
import type { ModelCache } from '../../cache/model-cache';

/**
 * Runs a model's batch write on the executor's batch engine: each input becomes its request only
 * when the engine takes it (`toRequest` encodes and validates it, so a streamed input stays in
 * bounded memory and a bad input fails alone, never sent), and the engine's lossless report comes
 * back with inputs and key properties instead of AttributeValues. A stopped or aborted run rejects
 * with the engine's error class, carrying the mapped report.
 */
export async function sendBatchWrite<T, In>(
  executor: Executor,
  schema: ModelSchema,
  tableName: string,
  inputs: Iterable<In> | AsyncIterable<In>,
  toRequest: (input: In) => WriteRequest | SizedWriteRequest,
  options: BatchWriteOptions,
  cache?: ModelCache,
): Promise<BatchWriteResult<T, In>> {
  // With a cache, each key is forgotten once written (or maybe written), before the batch resolves.
  const invalidation = cache?.batchInvalidation();
  try {
    const report = await batchWrite(executor, tableName, inputs, {
      keyAttributes: keyAttributeNames(schema),
      toRequest,
      ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
      ...(options.maxAttempts !== undefined ? { maxAttempts: options.maxAttempts } : {}),
      ...(options.keepFailures !== undefined ? { keepFailures: options.keepFailures } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(invalidation ? { onWritten: invalidation.onWritten } : {}),
    });
    await invalidation?.settled();
    return modelReport<T, In>(schema, report);
  } catch (error) {
    await invalidation?.settled();
    throw withModelReport(
      error,
      (raw: BatchWriteReport<In>) => modelReport<T, In>(schema, raw),
      'BatchWriteItem',
      tableName,
    );
  }
}

function modelReport<T, In>(schema: ModelSchema, report: BatchWriteReport<In>): BatchWriteResult<T, In> {
  return {
    written: report.written,
    failed: report.failed,
    outcomeUnknown: report.outcomeUnknown,
    notAttempted: report.notAttempted,
    resent: report.resent,
    calls: report.calls,
    failures: report.failures.map((failure) => ({
      index: failure.index,
      input: failure.input,
      key: failure.key ? (keyProperties(schema, failure.key) as Partial<Attributes<T>>) : undefined,
      reason: failure.reason,
      attempts: failure.attempts,
    })),
  };
}
