import type { WriteRequest } from '@aws-sdk/client-dynamodb';
import type { SizedWriteRequest } from '@dynamodel/executor';
import type { ModelCache } from '../cache/model-cache';
import { cachedBatchGet } from '../cache/cached-batch-get';
import type { Item } from '../codecs/object-codec';
import type { Connection } from '../connection/connection';
import type { AnyClass } from '../metadata/options';
import { deleteRequest, putRequest } from '../operations/batch/batch-requests';
import { BatchTracking } from '../operations/batch/batch-tracking';
import { encodeBatchKeys, sendBatchGet } from '../operations/batch/send-batch-get';
import { sendBatchWrite } from '../operations/batch/send-batch-write';
import { modelValidationError } from '../operations/to-validation-error';
import type { ModelSchema } from '../schema/compile-model';
import type {
  AttributeName,
  BatchGetOptions,
  BatchGetResult,
  BatchWriteOptions,
  BatchWriteResult,
  BuildAttributes,
  CreateAttributes,
  KeyInput,
  Projected,
} from './attributes';
import { buildInstance } from './build-instance';
import type { Assigned, TrackedWrite } from './tracked-write';

/** The model (or subclass entity) that writes an instance given to a batch, as `put` would. */
export interface BatchOwner {
  readonly schema: ModelSchema;
  trackedWrite(instance: object, item: Item, assigned: Assigned): TrackedWrite;
}

/** What a model's batch operations need of its repository. */
export interface BatchingModel<T extends object> {
  readonly model: AnyClass;
  readonly schema: ModelSchema<T>;
  readonly connection: Connection;
  /** The connection's cache as the model uses it (every batch write invalidates through it). */
  readonly cache: ModelCache | undefined;
  /** The cache a read goes through under `options` (none for a model that does not cache). */
  readCache(options: { consistent?: boolean; cache?: boolean } | undefined): ModelCache | undefined;
  ownerOf(value: unknown): BatchOwner;
  decode(item: Item): T;
  decodePart(item: Item, attributes: ReadonlySet<string>): T;
}

/**
 * A model's `BatchWriteItem` and `BatchGetItem` operations: inputs built and checked as the
 * single-item operations check them, sent by the batch engine (`operations/batch/`), instances
 * given as input told what was stored, the cache invalidated by every write and read through by
 * every whole-item read.
 */
export class ModelBatches<T extends object> {
  constructor(private readonly model: BatchingModel<T>) {}

  async batchPut(
    items: Iterable<T | CreateAttributes<T>> | AsyncIterable<T | CreateAttributes<T>>,
    options: BatchWriteOptions<T, T | CreateAttributes<T>>,
  ): Promise<BatchWriteResult<T, T | CreateAttributes<T>>> {
    const { model } = this;
    const { schema } = model;
    this.refuseVersioned('batchPut');
    const target = model.connection.ready(schema) ?? (await model.connection.prepare(schema));
    // Attributes are built into instances nobody holds: only instances given as input record what was written.
    const isInstance = (input: T | CreateAttributes<T>): boolean => input instanceof model.model;
    // A subclass entity's instance is encoded and tracked by its own repository (`ownerOf`).
    const toRequest = (input: T | CreateAttributes<T>): SizedWriteRequest =>
      isInstance(input)
        ? putRequest(model.ownerOf(input).schema, input)
        : putRequest(schema, buildInstance(schema, input as BuildAttributes<T>));
    const tracker = new BatchTracking((instance, request) => {
      const item = request.PutRequest?.Item;
      return item ? model.ownerOf(instance).trackedWrite(instance, item, []) : undefined;
    });
    return sendBatchWrite(target.executor, schema, target.tableName, items, toRequest, options, model.cache, {
      tracker,
      isInstance,
    });
  }

  async batchDelete(
    keys: Iterable<KeyInput<T>> | AsyncIterable<KeyInput<T>>,
    options: BatchWriteOptions<T, KeyInput<T>>,
  ): Promise<BatchWriteResult<T, KeyInput<T>>> {
    const { model } = this;
    const { schema } = model;
    this.refuseVersioned('batchDelete');
    const target = model.connection.ready(schema) ?? (await model.connection.prepare(schema));
    const toRequest = (key: KeyInput<T>): WriteRequest => deleteRequest(schema, key);
    // An instance given as its own key is, once deleted, not stored: its save() stores it again.
    const tracker = new BatchTracking((instance) => ({ instance, snapshot: undefined, assigned: [] }));
    const isInstance = (key: KeyInput<T>): boolean => key instanceof model.model;
    return sendBatchWrite(target.executor, schema, target.tableName, keys, toRequest, options, model.cache, {
      tracker,
      isInstance,
    });
  }

  async batchGet<P extends AttributeName<T> = never>(
    keys: Iterable<KeyInput<T>> | AsyncIterable<KeyInput<T>>,
    options: BatchGetOptions<T, P>,
  ): Promise<BatchGetResult<Projected<T, P>, T>> {
    const { model } = this;
    const { schema } = model;
    const encoded = await encodeBatchKeys<T>(schema, keys);
    const target = model.connection.ready(schema) ?? (await model.connection.prepare(schema));
    // Cached items are whole: a projected read goes to DynamoDB.
    const cache = options.projection ? undefined : model.readCache(options);
    if (cache) {
      return cachedBatchGet<T>(
        cache,
        encoded,
        (item) => model.decode(item),
        // Misses are read strongly consistently, as for `get`.
        (misses) =>
          sendBatchGet(target.executor, schema, target.tableName, misses, { ...options, consistent: true }, (item) => ({
            item,
            instance: model.decode(item),
          })),
      );
    }
    return sendBatchGet(target.executor, schema, target.tableName, encoded, options, (item, projected) =>
      projected ? (model.decodePart(item, projected) as Projected<T, P>) : (model.decode(item) as Projected<T, P>),
    );
  }

  /** `BatchWriteItem` takes no condition, so a batch could not check versions: refused before anything is sent. */
  private refuseVersioned(operation: string): void {
    const { schema } = this.model;
    const version = schema.lifecycle.version;
    if (!version) return;
    throw modelValidationError(
      schema,
      `has a @Version attribute, and ${operation} cannot check versions (BatchWriteItem takes no condition), ` +
        'so it would overwrite concurrent changes unseen; use transact(), or put/save/delete one by one',
      'versioned-batch',
      version.property,
    );
  }
}
