import { ValidationError, batchGet, type BatchGetReport, type Executor } from '@dynamodel/executor';
import type { Item } from '../../codecs/object-codec';
import { compileProjection } from '../../expressions/projection';
import { Placeholders } from '../../expressions/placeholders';
import type { BatchGetResult, KeyInput } from '../../model/attributes';
import type { ModelSchema } from '../../schema/compile-model';
import { keyFromArgs } from '../key';
import { keyAttributeNames } from '../key';
import { withModelReport } from './map-batch-error';

export interface BatchGetRequest {
  readonly consistent?: boolean | undefined;
  readonly projection?: readonly string[] | undefined;
  readonly concurrency?: number | undefined;
  readonly signal?: AbortSignal | undefined;
}

/** The keys, encoded and checked before anything is sent; a bad one is refused naming its position. */
export async function encodeBatchKeys<T>(
  schema: ModelSchema,
  keys: Iterable<KeyInput<T>> | AsyncIterable<KeyInput<T>>,
): Promise<{ inputs: KeyInput<T>[]; encoded: Item[] }> {
  const inputs: KeyInput<T>[] = [];
  const encoded: Item[] = [];
  for await (const key of keys) {
    try {
      encoded.push(keyFromArgs(schema, [key]));
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      throw new ValidationError(`batchGet key ${inputs.length}: ${error.message}; nothing was read`, {
        model: schema.model,
        ...(error.attribute !== undefined ? { attribute: error.attribute } : {}),
        ...(error.rule !== undefined ? { rule: error.rule } : {}),
        cause: error,
      });
    }
    inputs.push(key);
  }
  return { inputs, encoded };
}

/**
 * Reads many keys of a model's table through the executor's batch engine (duplicates read once,
 * groups of 100, unprocessed keys re-sent) and decodes each item at its input position. `decode`
 * receives the stored names read, for a projection (so a partial instance knows what it holds).
 */
export async function sendBatchGet<R, T>(
  executor: Executor,
  schema: ModelSchema,
  tableName: string,
  keys: { inputs: KeyInput<T>[]; encoded: Item[] },
  request: BatchGetRequest,
  decode: (item: Item, projected: ReadonlySet<string> | undefined) => R,
): Promise<BatchGetResult<R, T>> {
  const projected = request.projection
    ? compileProjection(schema, request.projection, keyAttributeNames(schema), new Placeholders()).names
    : undefined;
  let report: BatchGetReport;
  try {
    report = await batchGet(executor, tableName, keys.encoded, {
      ...(request.consistent ? { consistentRead: true } : {}),
      ...(projected ? { attributes: [...projected] } : {}),
      ...(request.concurrency !== undefined ? { concurrency: request.concurrency } : {}),
      ...(request.signal ? { signal: request.signal } : {}),
    });
  } catch (error) {
    throw withModelReport(error, modelResult, 'BatchGetItem', tableName);
  }
  return modelResult(report);

  function modelResult(raw: BatchGetReport): BatchGetResult<R, T> {
    const items = raw.items.map((item) => (item ? decode(item, projected) : undefined));
    return {
      items,
      found: raw.found,
      absent: raw.absent,
      failures: raw.failures.map((failure) => ({
        index: failure.index,
        key: keys.inputs[failure.index] as KeyInput<T>,
        reason: failure.reason,
      })),
      calls: raw.calls,
    };
  }
}
