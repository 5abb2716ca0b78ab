import { EntityMismatchError } from '../errors/item-errors';
import { ConditionFailedError, OutcomeUnknownError, type OutputOf, type SendOptions } from '@dynamodel/executor';
import { UNKNOWN_ATTRIBUTES, type Item } from '../codecs/object-codec';
import { setOwn } from '../codecs/own-property';
import type { Connection } from '../connection/connection';
import { defaultConnection } from '../connection/default-connection';
import { isVersionConflict, itemExistsError, itemNotFoundError, versionConflictError } from './item-error-messages';
import { checkedVersion, heldVersion, type VersionCheck } from '../operations/lifecycle';
import { planPut } from '../operations/put/put-plan';
import { planUpdate } from '../operations/update/update-plan';
import { planDelete } from '../operations/delete/delete-plan';
import { compileModel, type ModelSchema } from '../schema/compile-model';
import type { AnyClass } from '../metadata/options';
import { getItemParams } from '../operations/get/get-params';
import { buildUpdate, type UpdateInput } from '../expressions/update';
import { sendCreate } from '../operations/create/send-create';
import { buildInstance } from './build-instance';
import { encodeKeyPart, isKeyObject, keyFromArgs, keyOfItem } from '../operations/key';
import type {
  BuildAttributes,
  CreateAttributes,
  CreateOptions,
  DeleteOptions,
  GetOptions,
  KeyArgs,
  KeyInput,
  PutOptions,
  SaveOptions,
  UpdateOptions,
  UpdateResult,
  UpdateReturnValues,
  AttributeName,
  Projected,
  QueryKey,
  QueryOptions,
  ScanOptions,
  BatchWriteOptions,
  BatchWriteResult,
  BulkWriteOptions,
  BulkWriteResult,
  BatchGetOptions,
  BatchGetResult,
  PutOpOptions,
  UpdateOpOptions,
  DeleteOpOptions,
  GetOpOptions,
} from './attributes';
import {
  conditionCheckAction,
  deleteAction,
  getAction,
  putAction,
  saveAction,
  updateAction,
  type TransactionGet,
  type TransactionWrite,
} from '../transactions/transaction-actions';
import type { ConditionInput } from '../expressions/condition';
import { writeMany } from './bulk-writes';
import { stateToSave, updateResult } from './write-states';
import type { ReadResult } from '../operations/read/paged-read';
import { modelValidationError } from '../operations/to-validation-error';
import { recordNotStored, recordState, snapshotPart, snapshotWritten, storedStateOf } from './stored-state';
import { bindConnection } from './instance-slots';
import { ItemDecoder } from './item-decoder';
import { ModelBatches } from './model-batches';
import { ModelReads } from './model-reads';
import { TableSender } from './table-sender';
import { begin, outcomeOf, sendTracked, settle, type Assigned, type TrackedWrite } from './tracked-write';
import { saveParams, type SavePlan } from '../operations/save/save-params';
import { buildCondition, optionalCondition, type Condition } from '../expressions/condition';
import { ModelCache } from '../cache/model-cache';
import { cachedGet } from '../cache/cached-get';

/** Send options of a request that may be re-sent after a lost answer, when the caller gave no signal. */
const IDEMPOTENT: SendOptions = Object.freeze({ idempotent: true });
const NOT_IDEMPOTENT: SendOptions = Object.freeze({ idempotent: false });

/** The send options of one request (shared constants unless the caller gave a signal). */
function sendOptions(signal: AbortSignal | undefined, idempotent: boolean): SendOptions {
  if (signal) return { signal, idempotent };
  return idempotent ? IDEMPOTENT : NOT_IDEMPOTENT;
}

/** An unconditional put's options, shared (the hot path allocates none). */
const NO_PUT_OPTIONS = Object.freeze({});

/**
 * A single-item put or create, planned: built, checked and its stored state captured, not yet sent.
 * It is its own `TrackedWrite` (one object per call on the hot path).
 */
export interface PlannedWrite<T extends object> extends TrackedWrite {
  readonly instance: T;
  readonly plan: ReturnType<typeof planPut>;
  readonly condition: Condition | undefined;
}

/**
 * A model bound to a connection: every operation of the model API, built from pure parameter
 * builders and sent through the connection's executor. `Tweet.get(...)` is
 * `Tweet.using(defaultConnection()).get(...)`.
 */
const repositories = new WeakMap<Connection, WeakMap<AnyClass, Repository<object>>>();

/** The repository of a model on a connection, created once per pair. */
export function repositoryFor<T extends object>(
  model: AnyClass,
  connection: Connection = defaultConnection(),
): Repository<T> {
  let byModel = repositories.get(connection);
  if (!byModel) {
    byModel = new WeakMap();
    repositories.set(connection, byModel);
  }
  let repository = byModel.get(model);
  if (!repository) {
    repository = new Repository<object>(model, connection);
    byModel.set(model, repository);
  }
  return repository as unknown as Repository<T>;
}

export class Repository<T extends object> {
  private compiled: ModelSchema<T> | undefined;
  private table: string | undefined;
  /** The model's read-through cache on this connection; `null` when either has none. */
  private modelCache: ModelCache | null | undefined;
  private itemDecoder: ItemDecoder<T> | undefined;
  private tableSender: TableSender | undefined;
  private modelReads: ModelReads<T> | undefined;
  private modelBatches: ModelBatches<T> | undefined;

  constructor(
    readonly model: AnyClass,
    readonly connection: Connection,
  ) {}

  /** The compiled model; compiled at first use, so a definition error rejects that first call. */
  get schema(): ModelSchema<T> {
    return (this.compiled ??= compileModel<T>(this.model));
  }

  /** How stored items become instances (`item-decoder.ts`). */
  private get decoder(): ItemDecoder<T> {
    return (this.itemDecoder ??= new ItemDecoder(
      this.schema,
      this.connection,
      () => this.tableName,
      // An entity's item of a subclass entity is decoded by the subclass's own decoder.
      (cls) => repositoryFor(cls, this.connection).decoder,
    ));
  }

  /** How requests reach the table (`table-sender.ts`). */
  private get sender(): TableSender {
    return (this.tableSender ??= new TableSender(this.connection, this.schema));
  }

  /** The model's table on this connection (fixed for the repository's life: the prefix never changes). */
  get tableName(): string {
    return (this.table ??= this.connection.tableName(this.schema));
  }

  /** The item under `key`, or `undefined`. */
  get(...args: KeyArgs<T, GetOptions>): Promise<T | undefined>;
  get(first: unknown, second?: unknown, third?: unknown): Promise<T | undefined> {
    // Not an async function, nor a rest parameter: the hot path makes one promise (the `then`) and no array.
    try {
      let key = third === undefined ? this.simpleKey(first, second) : undefined;
      let options = second as GetOptions | undefined;
      if (!key) {
        const args = third !== undefined ? [first, second, third] : second !== undefined ? [first, second] : [first];
        [key, options] = this.splitKeyArgs<GetOptions>(args);
      }
      const cache = this.readCache(options);
      if (cache) return this.getThrough(cache, key, options?.signal);
      const params = getItemParams(this.tableName, key, options);
      const send = sendOptions(options?.signal, true);
      const target = this.connection.ready(this.schema);
      if (!target) return this.sender.send('GetItem', params, send).then(this.decodeFound);
      // The executor is called here, recovering a missing table as `sendTo` does, without its extra promise.
      return target.executor
        .send('GetItem', params, send)
        .then(this.decodeFound, (error: unknown) =>
          this.sender.sendAgain(error, target.tableName, 'GetItem', params, send).then(this.decodeFound),
        );
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  /** A read's item decoded, or `undefined` when there is none. */
  private readonly decodeFound = (output: { readonly Item?: Item | undefined }): T | undefined =>
    output.Item ? this.decode(output.Item) : undefined;

  /**
   * The connection's cache store as this model uses it: read through when the model caches, and
   * invalidated by every write whatever the model's settings (another model of the table may cache
   * its items). `undefined` when the connection has no store.
   */
  get cache(): ModelCache | undefined {
    if (this.modelCache === undefined) {
      const { cache: guard } = this.connection;
      const tableName = this.tableName;
      this.modelCache = guard
        ? new ModelCache(
            guard,
            this.schema,
            tableName,
            this.schema.cache,
            () => this.connection.events,
            () => this.connection.cacheTable(tableName),
          )
        : null;
    }
    return this.modelCache ?? undefined;
  }

  /** The cache a read goes through: none for a model that does not cache, a strongly consistent read or `cache: false`. */
  readCache(options: { consistent?: boolean; cache?: boolean } | undefined): ModelCache | undefined {
    if (options?.consistent || options?.cache === false || !this.schema.cache) return undefined;
    return this.cache;
  }

  /** `get` through the cache (src/cache/cached-get.ts), its misses read strongly consistently. */
  private getThrough(cache: ModelCache, key: Item, signal: AbortSignal | undefined): Promise<T | undefined> {
    // The store's entries are scoped by the database, known once the connection's executor is.
    if (this.connection.ready(this.schema))
      return cachedGet(cache, key, this.readConsistently, this.decodeItem, signal);
    return this.connection
      .prepare(this.schema)
      .then(() => cachedGet(cache, key, this.readConsistently, this.decodeItem, signal));
  }

  private readonly readConsistently = async (key: Item): Promise<Item | undefined> =>
    (await this.sender.send('GetItem', getItemParams(this.tableName, key, { consistent: true }), IDEMPOTENT)).Item;

  private readonly decodeItem = (item: Item): T => this.decode(item);

  /**
   * A write of the item (or key) `whose` on its way: the cache forgets that item once it is stored,
   * or once it may be (outcome unknown). Without a cache it is the write itself: no extra promise or
   * key on the hot path.
   */
  private writing<R>(whose: Item, sent: Promise<R>): Promise<R> {
    const { cache } = this;
    return cache ? this.invalidatingAfter(cache, [keyOfItem(this.schema, whose)], sent) : sent;
  }

  private async invalidatingAfter<R>(cache: ModelCache, keys: readonly Item[], sent: Promise<R>): Promise<R> {
    let result: R;
    try {
      result = await sent;
    } catch (error) {
      if (error instanceof OutcomeUnknownError) await cache.invalidate(keys);
      throw error;
    }
    await cache.invalidate(keys);
    return result;
  }

  /** Forgets cached items after a write made elsewhere (a transaction) stored them. */
  async invalidate(keys: readonly Item[]): Promise<void> {
    await this.cache?.invalidate(keys);
  }

  /** The item under `key`; `ItemNotFoundError` when there is none. */
  async getOrFail(...args: KeyArgs<T, GetOptions>): Promise<T> {
    const found = await this.get(...args);
    if (found === undefined) {
      const [key] = this.splitKeyArgs<GetOptions>(args);
      throw itemNotFoundError(this.schema, this.tableName, key);
    }
    return found;
  }

  /** An instance holding `attributes` (and defaults); nothing is sent. */
  build(attributes: BuildAttributes<T> = {}): T {
    return this.bind(buildInstance(this.schema, attributes));
  }

  /**
   * Stores a new item and never overwrites one: `ItemExistsError` (with the stored item) when the
   * key is taken. A create whose answer was lost is resolved by reading the key back.
   */
  async create(attributes: CreateAttributes<T>, options: CreateOptions<T> = {}): Promise<T> {
    const instance = this.build(attributes as BuildAttributes<T>);
    return this.sendCreate(this.planCreate(instance, options.condition), options.signal);
  }

  /** A create of `instance`, built and checked (refused here), ready for `sendCreate`. */
  planCreate(instance: T, conditionInput: ConditionInput<T> | undefined): PlannedWrite<T> {
    const condition = optionalCondition(conditionInput);
    const plan = planPut(this.schema, this.tableName, instance, { condition, create: true });
    const snapshot = snapshotWritten(this.schema, instance, plan.item, plan.assigned);
    return { instance, plan, condition, snapshot, assigned: plan.assigned };
  }

  /** Sends a planned create; a lost answer is resolved by reading the key back (`sendCreate`). */
  sendCreate(planned: PlannedWrite<T>, signal: AbortSignal | undefined): Promise<T> {
    const { schema } = this;
    const { instance, plan, condition } = planned;
    return this.writing(
      plan.item,
      sendTracked(planned, () =>
        this.sender.withTable(async (executor, tableName) => {
          const outcome = await sendCreate(executor, schema, tableName, plan.item, {
            ...(signal ? { signal } : {}),
            ...(condition ? { condition } : {}),
          });
          if (!outcome.created) {
            // No stored item came back: the key was free, and the caller's own condition failed.
            if (condition && !outcome.conflict.item) throw outcome.conflict;
            throw itemExistsError(schema, tableName, outcome.conflict, (found) => this.decodeQuietly(found));
          }
          return this.bind(instance);
        }),
      ),
    );
  }

  /**
   * Stores `item` whether or not one exists under its key (an upsert), or only if `condition` holds;
   * returns the instance. For a `@Version` model, only over the version the instance holds.
   */
  put(item: T | CreateAttributes<T>, options?: PutOptions<T>): Promise<T> {
    if (this.schema.entity && this.ownerOf(item) !== this) return this.ownerOf(item).put(item, options);
    // Not an async function: `sendPut` is one already, and a second frame costs a promise per call.
    let planned: PlannedWrite<T>;
    try {
      planned = this.planPutOf(this.instanceFrom(item), options?.condition);
    } catch (error) {
      // Refused before sending: a rejection, like every other error of the call (our errors are Errors).
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    return this.sendPut(planned, options?.signal);
  }

  /** A put of `instance`, built and checked (refused here), ready for `sendPut`. */
  planPutOf(instance: T, conditionInput: ConditionInput<T> | undefined): PlannedWrite<T> {
    const condition = optionalCondition(conditionInput);
    const plan = planPut(this.schema, this.tableName, instance, condition ? { condition } : NO_PUT_OPTIONS);
    const snapshot = snapshotWritten(this.schema, instance, plan.item, plan.assigned);
    return { instance, plan, condition, snapshot, assigned: plan.assigned };
  }

  /** Sends a planned put; a failed version check is `VersionConflictError`. */
  async sendPut(planned: PlannedWrite<T>, signal: AbortSignal | undefined): Promise<T> {
    const { plan } = planned;
    // Tracked inline (`begin`/`settle`, as `sendTracked` does): the hot path makes no extra promise.
    const ticket = begin(planned);
    const options = sendOptions(signal, plan.idempotent);
    // Without a cache to invalidate, the executor is awaited here, as in `get`.
    const target = this.cache ? undefined : this.connection.ready(this.schema);
    try {
      if (target) {
        try {
          await target.executor.send('PutItem', plan.params, options);
        } catch (error) {
          await this.sender.sendAgain(error, target.tableName, 'PutItem', plan.params, options);
        }
      } else {
        await this.writing(plan.item, this.sender.send('PutItem', plan.params, options));
      }
    } catch (error) {
      settle(planned, ticket, outcomeOf(error));
      throw this.versionConflictOr(error, keyOfItem(this.schema, plan.item), plan.versionCheck);
    }
    settle(planned, ticket, 'stored');
    return this.bind(planned.instance);
  }

  /**
   * Changes some attributes of the item under `key` and returns the item as it is afterwards (or
   * what `returnValues` asks for); attributes not named are never touched. `changes` is a function
   * of the update builder (`(u) => u.set('text', 'hi').increment('likes')`) or an object of
   * attributes to set. The item must exist (`ItemNotFoundError`) unless `upsert: true`.
   */
  async update<R extends UpdateReturnValues = 'ALL_NEW'>(
    key: KeyInput<T>,
    changes: UpdateInput<T>,
    options: UpdateOptions<T, R> = {},
  ): Promise<UpdateResult<T, R>> {
    const { schema } = this;
    const itemKey = keyFromArgs(schema, [key]);
    const returnValues: UpdateReturnValues = options.returnValues ?? 'ALL_NEW';
    // Built once before sending: every refusal happens here, and it says whether a re-send is safe.
    const plan = planUpdate(schema, this.tableName, itemKey, buildUpdate(changes), {
      condition: optionalCondition(options.condition),
      upsert: options.upsert,
      returnValues,
      expectedVersion: this.expectedVersion(options.expectedVersion),
    });
    let output: OutputOf<'UpdateItem'>;
    try {
      output = await this.writing(
        itemKey,
        this.sender.send('UpdateItem', plan.params, sendOptions(options.signal, plan.idempotent)),
      );
    } catch (error) {
      // With `expectedVersion`, an item gone is a lost race (VersionConflictError, `exists: false`).
      if (plan.versionCheck) throw this.versionConflictOr(error, itemKey, plan.versionCheck);
      // No stored item came back: the existence check failed, not the caller's condition.
      if (error instanceof ConditionFailedError && !error.item && !options.upsert) {
        throw itemNotFoundError(this.schema, this.tableName, itemKey);
      }
      throw error;
    }
    return updateResult(this, output.Attributes, itemKey, returnValues, plan.written) as UpdateResult<T, R>;
  }

  /**
   * Writes what changed on `instance` since it was read or last written: one `UpdateItem` of the
   * changed attributes, nothing at all when nothing changed. Attributes the model does not declare
   * and attributes another writer changed meanwhile are left as they are (last writer wins per
   * attribute). A read instance whose item was deleted since is `ItemNotFoundError`; an instance
   * never stored is created (or its attributes added to the stored item).
   */
  async save(instance: T, options: SaveOptions<T> = {}): Promise<T> {
    const owner = this.ownerOf(instance);
    if (owner !== this) return owner.save(instance, options);
    const before = stateToSave(this.schema, instance, options.attributes);
    const condition = optionalCondition(options.condition);
    const plan = saveParams(this.schema, this.tableName, instance, before, { condition, now: new Date() });
    if (!plan) return this.bind(instance);
    const write = this.savedWrite(instance, plan);
    const ticket = begin(write);
    try {
      await this.writing(
        plan.params.Key ?? {},
        this.sender.send('UpdateItem', plan.params, sendOptions(options.signal, plan.idempotent)),
      );
      settle(write, ticket, 'stored');
    } catch (error) {
      settle(write, ticket, outcomeOf(error));
      // Deleted meanwhile: for a versioned model that is a lost race like any other (VersionConflictError,
      // `exists: false`), so one catch, reload and retry handles every conflict.
      if (error instanceof ConditionFailedError && !error.item && plan.mustExist && !this.schema.lifecycle.version) {
        throw itemNotFoundError(
          this.schema,
          this.tableName,
          plan.params.Key ?? {},
          'was deleted since this instance was read; put() stores it again',
        );
      }
      throw this.versionConflictOr(error, plan.params.Key ?? {}, plan.versionCheck);
    }
    return this.bind(instance);
  }

  /**
   * A save for `transact`: the `UpdateItem` `save()` would send, checked now. An instance with
   * nothing to save becomes a check that its item is still stored (at the version it holds), so the
   * transaction still depends on it.
   */
  saveOp(instance: T, options: Omit<SaveOptions<T>, 'signal'> = {}): TransactionWrite {
    const owner = this.ownerOf(instance);
    if (owner !== this) return owner.saveOp(instance, options);
    const before = stateToSave(this.schema, instance, options.attributes);
    const condition = optionalCondition(options.condition);
    const plan = saveParams(this.schema, this.tableName, instance, before, { condition, now: new Date() });
    return saveAction(this, instance, plan, condition, plan && this.savedWrite(instance, plan));
  }

  /** What a save of `instance` leaves it known to hold once stored: what the plan sends. */
  private savedWrite(instance: T, plan: SavePlan): TrackedWrite {
    if (plan.partialAfter) {
      return {
        instance,
        snapshot: snapshotPart(plan.partialAfter.item, plan.partialAfter.attributes),
        assigned: plan.assigned,
      };
    }
    return this.trackedWrite(instance, plan.current, plan.assigned);
  }

  /** Deletes the item under `key`; returns what was deleted, or `undefined` when nothing was there. */
  async delete(...args: KeyArgs<T, DeleteOptions<T>>): Promise<T | undefined> {
    const owner = this.ownerOf(args[0]);
    if (owner !== this) return owner.delete(...args);
    const [key, options = {}] = this.splitKeyArgs<DeleteOptions<T>>(args);
    // Deleting an instance checks the version it holds; a bare key only with `expectedVersion`.
    const plan = planDelete(this.schema, this.tableName, key, {
      condition: optionalCondition(options.condition),
      mustExist: options.mustExist,
      expectedVersion: this.deleteVersion(args[0], options.expectedVersion),
    });
    let output: OutputOf<'DeleteItem'>;
    try {
      // Unconditional deletes may be re-sent after a lost answer; the item returned is then what the
      // last attempt found, `undefined` if an earlier attempt had landed.
      output = await this.writing(
        key,
        this.sender.send('DeleteItem', plan.params, sendOptions(options.signal, plan.idempotent)),
      );
    } catch (error) {
      throw this.versionConflictOr(error, key, plan.versionCheck);
    }
    if (!output.Attributes) return undefined;
    // What was deleted: no longer stored, so a save() of it stores it again.
    const deleted = this.decode(output.Attributes);
    recordNotStored(deleted);
    return deleted;
  }

  /**
   * Stores many items (instances or attributes, an array or an async iterable of any length) with
   * `BatchWriteItem`: groups of 25, `concurrency` calls in flight, unprocessed items re-sent with
   * backoff. Each item is built, validated and encoded as `put` does it; a bad one is reported (its
   * position, attribute and rule) and never sent, while the rest are written. Like `put`, each
   * replaces any item under its key. Resolves to the engine's lossless report.
   */
  batchPut(
    items: Iterable<T | CreateAttributes<T>> | AsyncIterable<T | CreateAttributes<T>>,
    options: BatchWriteOptions<T, T | CreateAttributes<T>> = {},
  ): Promise<BatchWriteResult<T, T | CreateAttributes<T>>> {
    return this.batches.batchPut(items, options);
  }

  /**
   * Creates many items, never overwriting one: a conditional `PutItem` each, `concurrency` in
   * flight, pulled from an array or (async) iterable as fast as they are written. Versioned models
   * too (each writes version 1). A key taken is `ItemExistsError`, a key given twice in an array
   * `duplicate-key`; every input is accounted for in the result.
   */
  createMany(
    items: Iterable<T | CreateAttributes<T>> | AsyncIterable<T | CreateAttributes<T>>,
    options: BulkWriteOptions<T, T | CreateAttributes<T>> = {},
  ): Promise<BulkWriteResult<T, T | CreateAttributes<T>>> {
    return writeMany(this, 'create', items, options);
  }

  /**
   * Puts many items, each with its own conditional `PutItem` as `put` sends it: a `@Version` model's
   * version check (a stale instance is `VersionConflictError`), and `condition` on every item.
   */
  putMany(
    items: Iterable<T | CreateAttributes<T>> | AsyncIterable<T | CreateAttributes<T>>,
    options: BulkWriteOptions<T, T | CreateAttributes<T>> = {},
  ): Promise<BulkWriteResult<T, T | CreateAttributes<T>>> {
    return writeMany(this, 'put', items, options);
  }

  /** Deletes the items under many keys with `BatchWriteItem`; a bad key is reported and never sent. */
  batchDelete(
    keys: Iterable<KeyInput<T>> | AsyncIterable<KeyInput<T>>,
    options: BatchWriteOptions<T, KeyInput<T>> = {},
  ): Promise<BatchWriteResult<T, KeyInput<T>>> {
    return this.batches.batchDelete(keys, options);
  }

  /**
   * Reads the items under many keys with `BatchGetItem` (duplicates read once, groups of 100,
   * unprocessed keys re-sent). `items` holds each key's item at the key's position, `absent` the
   * positions that hold none. Every key is checked before anything is sent.
   */
  batchGet<P extends AttributeName<T> = never>(
    keys: Iterable<KeyInput<T>> | AsyncIterable<KeyInput<T>>,
    options: BatchGetOptions<T, P> = {},
  ): Promise<BatchGetResult<Projected<T, P>, T>> {
    return this.batches.batchGet(keys, options);
  }

  /** A put for `transact`: built and checked now, as `put` would (versions and timestamps included). */
  putOp(item: T | CreateAttributes<T>, options: PutOpOptions<T> = {}): TransactionWrite {
    const owner = this.ownerOf(item);
    if (owner !== this) return owner.putOp(item, options);
    const instance = this.instanceFrom(item);
    const condition = optionalCondition(options.condition);
    return putAction(this, instance, { condition, create: false });
  }

  /** A create for `transact`: the item must not exist (the transaction is cancelled otherwise). */
  createOp(attributes: CreateAttributes<T>, options: PutOpOptions<T> = {}): TransactionWrite {
    const condition = optionalCondition(options.condition);
    return putAction(this, this.build(attributes as BuildAttributes<T>), { condition, create: true });
  }

  /** An update for `transact`, as `update` would send it (the item must exist unless `upsert`). */
  updateOp(key: KeyInput<T>, changes: UpdateInput<T>, options: UpdateOpOptions<T> = {}): TransactionWrite {
    return updateAction(this, keyFromArgs(this.schema, [key]), buildUpdate(changes), {
      condition: optionalCondition(options.condition),
      upsert: options.upsert,
      expectedVersion: this.expectedVersion(options.expectedVersion),
    });
  }

  /** A delete for `transact`; deleting an instance checks the version it holds. */
  deleteOp(key: KeyInput<T> | T, options: DeleteOpOptions<T> = {}): TransactionWrite {
    const owner = this.ownerOf(key);
    if (owner !== this) return owner.deleteOp(key, options);
    return deleteAction(this, keyFromArgs(this.schema, [key]), {
      condition: optionalCondition(options.condition),
      mustExist: options.mustExist,
      expectedVersion: this.deleteVersion(key, options.expectedVersion),
    });
  }

  /** A check for `transact`: the item under `key` must meet `condition`; nothing is written to it. */
  conditionCheck(key: KeyInput<T>, condition: ConditionInput<T>): TransactionWrite {
    return conditionCheckAction(this, keyFromArgs(this.schema, [key]), buildCondition(condition));
  }

  /** A read for `transactGet`, resolving to an instance (partial with `projection`) or `undefined`. */
  getOp<P extends AttributeName<T> = never>(
    key: KeyInput<T>,
    options: GetOpOptions<T, P> = {},
  ): TransactionGet<Projected<T, P>> {
    return getAction<Projected<T, P>>(this, keyFromArgs(this.schema, [key]), options.projection);
  }

  /**
   * The items of one partition of the table or an index, in sort key order (`reverse` for
   * descending), read lazily page by page: iterate it, or call `all()`, `first()`, `count()` or
   * `page({ cursor, limit })`. Everything is checked before the first request (`model-reads.ts`).
   */
  query<P extends AttributeName<T> = never>(
    key: QueryKey<T>,
    options: QueryOptions<T, P> = {},
  ): ReadResult<Projected<T, P>> {
    return this.reads.query(key, options);
  }

  /**
   * Every item of the table or an index (through `filter`), read lazily page by page; `segments: n`
   * reads n segments in parallel, under the connection's concurrency bound.
   */
  scan<P extends AttributeName<T> = never>(options: ScanOptions<T, P> = {}): ReadResult<Projected<T, P>> {
    return this.reads.scan(options);
  }

  /** How the model's batch writes and reads are checked, sent and tracked (`model-batches.ts`). */
  private get batches(): ModelBatches<T> {
    return (this.modelBatches ??= new ModelBatches<T>(this));
  }

  /** How the model's queries and scans are planned, sent page by page and decoded (`model-reads.ts`). */
  get reads(): ModelReads<T> {
    return (this.modelReads ??= new ModelReads<T>(this, this.sender));
  }

  /** The model's cache for query pages under `options`, when the model caches queries. */
  queryCache(options: { consistent?: boolean; cache?: boolean }): ModelCache | undefined {
    const cache = this.readCache(options);
    return cache?.settings?.queries ? cache : undefined;
  }

  /** Reads the instance's item again (strongly consistent) into the instance itself. */
  async reload(instance: T, options: Omit<GetOptions, 'consistent'> = {}): Promise<T> {
    const fresh = await this.getOrFail(
      ...([instance, { ...options, consistent: true }] as unknown as KeyArgs<T, GetOptions>),
    );
    for (const field of this.schema.fields) {
      setOwn(instance, field.property, (fresh as Record<string, unknown>)[field.property]);
    }
    recordState(instance, storedStateOf(fresh));
    const unknown = (fresh as { [UNKNOWN_ATTRIBUTES]?: Item })[UNKNOWN_ATTRIBUTES];
    if (unknown || (instance as { [UNKNOWN_ATTRIBUTES]?: Item })[UNKNOWN_ATTRIBUTES]) {
      Object.defineProperty(instance, UNKNOWN_ATTRIBUTES, {
        value: unknown,
        enumerable: false,
        writable: true,
        configurable: true,
      });
    }
    return instance;
  }

  /**
   * An instance from a stored item; `DecodeError` (naming the model, the attribute and the item's
   * key) when the item does not fit the model, a required attribute it lacks included.
   */
  decode(item: Item): T {
    return this.decoder.decode(item);
  }

  /** An instance from part of a stored item (a projection): the other attributes are unknown, not absent. */
  decodePart(item: Item, attributes: ReadonlySet<string>): T {
    return this.decoder.decodePart(item, attributes);
  }

  /**
   * A write of `instance` as `item` (encoded from it just now): what it will be known to hold once
   * stored, and what the library wrote besides its own values (its new version), which reaches the
   * instance only then.
   */
  trackedWrite(instance: object, item: Item, assigned: Assigned): TrackedWrite {
    return { instance, snapshot: snapshotWritten(this.schema, instance, item, assigned), assigned };
  }

  /**
   * The repository that writes `value`: this one, or for an instance of a subclass entity (a `Car`
   * given to `Vehicle.put`) the subclass's on the same connection, which writes all its fields and
   * its own entity name.
   */
  ownerOf(value: unknown): Repository<T> {
    if (!this.schema.entity || !(value instanceof this.model)) return this;
    const cls = (value as object).constructor as AnyClass;
    return cls === this.model ? this : repositoryFor<T>(cls, this.connection);
  }

  /** An instance of the model: `item` itself, or one built from its attributes. */
  instanceFrom(item: T | CreateAttributes<T>): T {
    return item instanceof this.model ? (item as T) : this.build(item as BuildAttributes<T>);
  }

  /** The version a delete requires: `expectedVersion`, else the one a deleted instance holds. */
  private deleteVersion(target: unknown, expectedVersion: number | undefined): number | undefined {
    return (
      this.expectedVersion(expectedVersion) ??
      (target instanceof this.model ? heldVersion(this.schema, target as object) : undefined)
    );
  }

  /** `expectedVersion` from the options, checked; only a `@Version` model takes one. */
  private expectedVersion(value: number | undefined): number | undefined {
    if (value === undefined) return undefined;
    if (!this.schema.lifecycle.version) {
      throw modelValidationError(this.schema, 'has no @Version attribute, so expectedVersion means nothing', 'version');
    }
    return checkedVersion(this.schema, value);
  }

  /** A failed version check as `VersionConflictError`; any other error as it is. */
  private versionConflictOr(error: unknown, key: Item, check: VersionCheck | undefined): unknown {
    if (!check || !(error instanceof ConditionFailedError) || error instanceof EntityMismatchError) return error;
    if (!isVersionConflict(this.schema, error.item, check.expected, check.absent)) return error;
    return versionConflictError(this.schema, this.tableName, key, error, check.expected, (item) =>
      this.decodeQuietly(item),
    );
  }

  /** Records that `instance` belongs to this repository's connection (what its `save()` uses). */
  private bind(instance: T): T {
    bindConnection(instance, this.connection);
    return instance;
  }

  /**
   * The key of the common call, `get(id)` or `get(id, options)` on a hash-only model of its own
   * table, without the general parsing; `undefined` for any other call.
   */
  private simpleKey(first: unknown, second: unknown): Item | undefined {
    const { schema } = this;
    if (schema.rangeKey || schema.entity || isKeyObject(first) || !(second === undefined || isKeyObject(second))) {
      return undefined;
    }
    return { [schema.hashKey.name]: encodeKeyPart(schema, schema.hashKey, first) };
  }

  /** `(key, options)` or `(hash, range, options)`, decided by the model's key schema. */
  private splitKeyArgs<O>(args: readonly unknown[]): [Item, O | undefined] {
    const simple = args.length <= 2 ? this.simpleKey(args[0], args[1]) : undefined;
    if (simple) return [simple, args[1] as O | undefined];
    const keyLength = isKeyObject(args[0]) || !this.schema.rangeKey ? 1 : Math.min(2, args.length);
    const options = args[keyLength];
    if (options !== undefined && !isKeyObject(options)) {
      // `get(hash, range)` on a hash-only table: the second value is not options.
      return [keyFromArgs(this.schema, args), undefined];
    }
    return [keyFromArgs(this.schema, args.slice(0, keyLength)), options as O | undefined];
  }

  /** The item decoded, or `undefined` when it does not fit the model (for errors that carry it). */
  decodeQuietly(item: Item): T | undefined {
    return this.decoder.decodeQuietly(item);
  }
}
