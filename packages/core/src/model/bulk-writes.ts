import { keyString } from '@dynamodel/executor';
import type { Item } from '../codecs/object-codec';
import type { ConditionInput } from '../expressions/condition';
import { keyProperties } from '../operations/batch/batch-requests';
import { runWritePool, type PoolFailure, type PreparedWrite } from '../operations/bulk/write-pool';
import { keyAttributeNames, keyOfItem } from '../operations/key';
import type { Attributes, BatchFailure, BulkWriteOptions, BulkWriteResult, CreateAttributes } from './attributes';
import type { PlannedWrite, Repository } from './repository';

/**
 * `createMany` and `putMany`: many conditional single-item writes through a bounded pool
 * (src/operations/bulk/write-pool.ts), for what `BatchWriteItem` cannot do — a condition per item:
 * never overwriting (create), a `@Version` check, the caller's condition. Each item is built,
 * validated, versioned and stamped exactly as `create`/`put` do it, records its stored state, and
 * invalidates the cache; the report accounts for every input.
 */
export function writeMany<T extends object>(
  repository: Repository<T>,
  kind: 'create' | 'put',
  source: Iterable<T | CreateAttributes<T>> | AsyncIterable<T | CreateAttributes<T>>,
  options: BulkWriteOptions<T, T | CreateAttributes<T>> & { readonly condition?: ConditionInput<T> },
): Promise<BulkWriteResult<T, T | CreateAttributes<T>>> {
  const { schema } = repository;
  const keyNames = keyAttributeNames(schema);
  const prepare = (input: T | CreateAttributes<T>): PreparedWrite<Item> => {
    const instance = repository.instanceFrom(input);
    // A subclass entity's instance is written by its own repository (`Repository.ownerOf`).
    const owner = repository.ownerOf(instance);
    const planned: PlannedWrite<T> =
      kind === 'create' ? owner.planCreate(instance, options.condition) : owner.planPutOf(instance, options.condition);
    const key = keyOfItem(schema, planned.plan.item);
    return {
      id: keyString(key, keyNames),
      key,
      send: (signal) => (kind === 'create' ? owner.sendCreate(planned, signal) : owner.sendPut(planned, signal)),
    };
  };
  const failure = (raw: PoolFailure<T | CreateAttributes<T>, Item>): BatchFailure<T, T | CreateAttributes<T>> => ({
    index: raw.index,
    input: raw.input,
    key: raw.key ? (keyProperties(schema, raw.key) as Partial<Attributes<T>>) : undefined,
    reason: raw.reason,
    attempts: raw.attempts,
  });
  const onFailure = options.onFailure;
  return runWritePool(source, prepare, {
    model: schema.model,
    concurrency: options.concurrency,
    signal: options.signal,
    itemTimeoutMs: options.itemTimeoutMs,
    keepFailures: options.keepFailures,
    onProgress: options.onProgress,
    ...(onFailure ? { onFailure: (raw: PoolFailure<T | CreateAttributes<T>, Item>) => onFailure(failure(raw)) } : {}),
  }).then(
    (report) => ({ ...report, failures: report.failures.map(failure) }),
    (error: unknown) => {
      // An abort or a stop carries the report: mapped like the result.
      const carried = error as { report?: { failures: readonly PoolFailure<T | CreateAttributes<T>, Item>[] } };
      if (carried.report) {
        Object.defineProperty(error, 'report', {
          value: { ...carried.report, failures: carried.report.failures.map(failure) },
        });
      }
      throw error;
    },
  );
}
