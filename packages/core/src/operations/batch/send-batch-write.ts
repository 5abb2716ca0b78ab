import type { WriteRequest } from '@aws-sdk/client-dynamodb';
import {
  batchWrite,
  type BatchWriteFailure,
  type BatchWriteProgress,
  type BatchWriteReport,
  type Executor,
  type SizedWriteRequest,
} from '@dynamodel/executor';
import type { Item } from '../../codecs/object-codec';
import type { BatchTracking } from './batch-tracking';
import type { ModelSchema } from '../../schema/compile-model';
import type { Attributes, BatchFailure, BatchWriteOptions, BatchWriteResult } from '../../model/attributes';
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
  options: BatchWriteOptions<T, In>,
  cache?: ModelCache,
  tracking?: { readonly tracker: BatchTracking; readonly isInstance: (input: In) => boolean },
): Promise<BatchWriteResult<T, In>> {
  // With a cache, each key is forgotten once written (or maybe written), before the batch resolves.
  const invalidation = cache?.batchInvalidation();
  const tracker = tracking?.tracker;
  const onWritten =
    invalidation || tracker
      ? (key: Item, outcome: 'written' | 'unknown', _input: In, index: number) => {
          invalidation?.onWritten(key);
          tracker?.written(index, outcome);
        }
      : undefined;
  const userOnFailure = options.onFailure;
  const onFailure =
    tracker || userOnFailure
      ? (failure: BatchWriteFailure<In>) => {
          tracker?.failed(failure.index, failure.reason);
          userOnFailure?.(modelFailure<T, In>(schema, failure));
        }
      : undefined;
  const started = Date.now();
  const userOnProgress = options.onProgress;
  const onProgress = userOnProgress
    ? (progress: BatchWriteProgress) => {
        const elapsedMs = Date.now() - started;
        const settled = progress.written + progress.failed;
        userOnProgress({ ...progress, itemsPerSecond: elapsedMs > 0 ? (settled * 1_000) / elapsedMs : 0, elapsedMs });
      }
    : undefined;
  try {
    const report = await batchWrite(executor, tableName, inputs, {
      keyAttributes: keyAttributeNames(schema),
      toRequest: tracking ? tracking.tracker.requests(toRequest, tracking.isInstance) : toRequest,
      ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
      ...(options.maxAttempts !== undefined ? { maxAttempts: options.maxAttempts } : {}),
      ...(options.keepFailures !== undefined ? { keepFailures: options.keepFailures } : {}),
      ...(options.itemTimeoutMs !== undefined ? { itemTimeoutMs: options.itemTimeoutMs } : {}),
      ...(onProgress ? { onProgress } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(onWritten ? { onWritten } : {}),
      ...(onFailure ? { onFailure } : {}),
    });
    tracker?.finish();
    await invalidation?.settled();
    return modelReport<T, In>(schema, report);
  } catch (error) {
    tracker?.finish();
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
    failures: report.failures.map((failure) => modelFailure<T, In>(schema, failure)),
  };
}

function modelFailure<T, In>(schema: ModelSchema, failure: BatchWriteFailure<In>): BatchFailure<T, In> {
  return {
    index: failure.index,
    input: failure.input,
    key: failure.key ? (keyProperties(schema, failure.key) as Partial<Attributes<T>>) : undefined,
    reason: failure.reason,
    attempts: failure.attempts,
  };
}
