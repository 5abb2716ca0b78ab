import type { Connection } from '../connection/connection';
import { defaultConnection } from '../connection/default-connection';
import { compileModel, type ModelSchema } from '../schema/compile-model';
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
  BulkWriteOptions,
  BulkWriteResult,
  BatchWriteResult,
  BatchGetOptions,
  BatchGetResult,
  PutOpOptions,
  UpdateOpOptions,
  DeleteOpOptions,
  GetOpOptions,
} from './attributes';
import type { TransactionGet, TransactionWrite } from '../transactions/transaction-actions';
import type { ConditionInput } from '../expressions/condition';
import type { ReadResult } from '../operations/read/paged-read';
import { boundConnection } from './instance-slots';
import type { Repository } from './repository';
import { repositoryFor } from './repository';
import { toJsonObject } from './to-json';
import { buildInstance } from './build-instance';
import { instanceFromJson } from './from-json';
import type { UpdateInput } from '../expressions/update';

/**
 * The model's repository on the default connection, for the static hot paths (`get`, `put`), which
 * are not async functions (a frame of their own costs a promise and a microtask per call): what
 * prevents it (no default connection, a definition error) comes back as a rejection, as it does
 * from every other static method.
 */
function defaultRepository<T extends Model>(model: ModelClass<T>): Repository<T> | Promise<never> {
  try {
    return repositoryFor<T>(model);
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}

/** A model class: the static side of `Model` with `T` as its instance type. */
export type ModelClass<T extends Model> = (abstract new (...args: never[]) => T) & typeof Model;

/**
 * The base class of models. Static methods are typed with `this`, so `Tweet.get` returns a
 * `Tweet`; they use the default connection, and `Tweet.using(connection)` gives the same API on
 * another. Instances read or written through a connection remember it for `save`, `delete` and
 * `reload`.
 */
export abstract class Model {
  /** The compiled schema (compiles the class on first call; definition errors are raised here). */
  static schema<T extends Model>(this: ModelClass<T>): ModelSchema<T> {
    return compileModel<T>(this);
  }

  /** The model's operations on a given connection. */
  static using<T extends Model>(this: ModelClass<T>, connection: Connection): Repository<T> {
    return repositoryFor<T>(this, connection);
  }

  /** The item under a key (`(key)`, or `(hash, range)`), or `undefined`. */
  static get<T extends Model>(this: ModelClass<T>, ...args: KeyArgs<T, GetOptions>): Promise<T | undefined> {
    const repository = defaultRepository<T>(this);
    return repository instanceof Promise ? repository : repository.get(...args);
  }

  /** The item under a key; `ItemNotFoundError` when there is none. */
  static async getOrFail<T extends Model>(this: ModelClass<T>, ...args: KeyArgs<T, GetOptions>): Promise<T> {
    return await repositoryFor<T>(this).getOrFail(...args);
  }

  /** An unsaved instance holding `attributes` and defaults. */
  static build<T extends Model>(this: ModelClass<T>, attributes?: BuildAttributes<T>): T {
    // No connection needed: nothing is sent, and `save` later uses the instance's connection or the default.
    return buildInstance(compileModel<T>(this), attributes);
  }

  /**
   * An unsaved instance from what `toJSON()` made of one (the object, or its JSON text): dates,
   * bigints, bytes, sets, maps and embedded classes are restored as the model declares them.
   * `ValidationError` (naming the path) for a value that does not fit.
   */
  static fromJSON<T extends Model>(this: ModelClass<T>, json: string | Record<string, unknown>): T {
    return instanceFromJson(compileModel<T>(this), json);
  }

  /**
   * The items of one partition (`Post.query(userId)`, `Post.query({ index: 'byStatus', key: 'live' })`),
   * in sort key order, read lazily: `for await`, `.all()`, `.first()`, `.count()`, `.page({ cursor, limit })`.
   */
  static query<T extends Model, P extends AttributeName<T> = never>(
    this: ModelClass<T>,
    key: QueryKey<T>,
    options?: QueryOptions<T, P>,
  ): ReadResult<Projected<T, P>> {
    return repositoryFor<T>(this).query(key, options);
  }

  /** Every item of the table or an index, read lazily; `segments: n` for a parallel scan. */
  static scan<T extends Model, P extends AttributeName<T> = never>(
    this: ModelClass<T>,
    options?: ScanOptions<T, P>,
  ): ReadResult<Projected<T, P>> {
    return repositoryFor<T>(this).scan(options);
  }

  /** Stores a new item; `ItemExistsError` if the key is taken (never overwrites). */
  static async create<T extends Model>(
    this: ModelClass<T>,
    attributes: CreateAttributes<T>,
    options?: CreateOptions<T>,
  ): Promise<T> {
    return await repositoryFor<T>(this).create(attributes, options);
  }

  /** Stores an item, replacing any item under its key. */
  static put<T extends Model>(this: ModelClass<T>, item: T | CreateAttributes<T>, options?: PutOptions<T>): Promise<T> {
    const repository = defaultRepository<T>(this);
    return repository instanceof Promise ? repository : repository.put(item, options);
  }

  /**
   * Changes some attributes of the item under `key` (`(u) => u.set('text', 'hi').increment('likes')`,
   * or an object of attributes to set) and returns the item as it is afterwards (or what
   * `returnValues` asks for). Attributes not named are never touched.
   */
  static async update<T extends Model, R extends UpdateReturnValues = 'ALL_NEW'>(
    this: ModelClass<T>,
    key: KeyInput<T>,
    changes: UpdateInput<T>,
    options?: UpdateOptions<T, R>,
  ): Promise<UpdateResult<T, R>> {
    return await repositoryFor<T>(this).update(key, changes, options);
  }

  /** Deletes the item under a key; returns what was deleted, or `undefined` when nothing was there. */
  static async delete<T extends Model>(
    this: ModelClass<T>,
    ...args: KeyArgs<T, DeleteOptions<T>>
  ): Promise<T | undefined> {
    return await repositoryFor<T>(this).delete(...args);
  }

  /**
   * Stores many items (an array, or an async iterable of any length, in bounded memory) with
   * `BatchWriteItem`, each validated first: bad items are reported by position and never sent, the
   * rest are written. Resolves to a report: `written`, `failed`, `failures`…
   */
  static async batchPut<T extends Model>(
    this: ModelClass<T>,
    items: Iterable<T | CreateAttributes<T>> | AsyncIterable<T | CreateAttributes<T>>,
    options?: BatchWriteOptions<T, T | CreateAttributes<T>>,
  ): Promise<BatchWriteResult<T, T | CreateAttributes<T>>> {
    return await repositoryFor<T>(this).batchPut(items, options);
  }

  /**
   * Creates many items, never overwriting one (a conditional `PutItem` each, `concurrency` in
   * flight), versioned models included; resolves to a report like `batchPut`'s.
   */
  static async createMany<T extends Model>(
    this: ModelClass<T>,
    items: Iterable<T | CreateAttributes<T>> | AsyncIterable<T | CreateAttributes<T>>,
    options?: BulkWriteOptions<T, T | CreateAttributes<T>>,
  ): Promise<BulkWriteResult<T, T | CreateAttributes<T>>> {
    return await repositoryFor<T>(this).createMany(items, options);
  }

  /** Puts many items, each as `put` sends it (version check, `condition`); resolves to a report. */
  static async putMany<T extends Model>(
    this: ModelClass<T>,
    items: Iterable<T | CreateAttributes<T>> | AsyncIterable<T | CreateAttributes<T>>,
    options?: BulkWriteOptions<T, T | CreateAttributes<T>>,
  ): Promise<BulkWriteResult<T, T | CreateAttributes<T>>> {
    return await repositoryFor<T>(this).putMany(items, options);
  }

  /** Deletes the items under many keys with `BatchWriteItem`; resolves to a report like `batchPut`'s. */
  static async batchDelete<T extends Model>(
    this: ModelClass<T>,
    keys: Iterable<KeyInput<T>> | AsyncIterable<KeyInput<T>>,
    options?: BatchWriteOptions<T, KeyInput<T>>,
  ): Promise<BatchWriteResult<T, KeyInput<T>>> {
    return await repositoryFor<T>(this).batchDelete(keys, options);
  }

  /** Reads the items under many keys; `items` in the keys' order, `absent` for keys holding none. */
  static async batchGet<T extends Model, P extends AttributeName<T> = never>(
    this: ModelClass<T>,
    keys: Iterable<KeyInput<T>> | AsyncIterable<KeyInput<T>>,
    options?: BatchGetOptions<T, P>,
  ): Promise<BatchGetResult<Projected<T, P>, T>> {
    return await repositoryFor<T>(this).batchGet(keys, options);
  }

  /** A put for `transact([...])`, built and checked now (versions and timestamps as `put` does them). */
  static putOp<T extends Model>(
    this: ModelClass<T>,
    item: T | CreateAttributes<T>,
    options?: PutOpOptions<T>,
  ): TransactionWrite {
    return repositoryFor<T>(this).putOp(item, options);
  }

  /** A create for `transact([...])`: the transaction is cancelled if an item exists under the key. */
  static createOp<T extends Model>(
    this: ModelClass<T>,
    attributes: CreateAttributes<T>,
    options?: PutOpOptions<T>,
  ): TransactionWrite {
    return repositoryFor<T>(this).createOp(attributes, options);
  }

  /** An update for `transact([...])`, as `update` sends it. */
  static updateOp<T extends Model>(
    this: ModelClass<T>,
    key: KeyInput<T>,
    changes: UpdateInput<T>,
    options?: UpdateOpOptions<T>,
  ): TransactionWrite {
    return repositoryFor<T>(this).updateOp(key, changes, options);
  }

  /** A delete for `transact([...])`; deleting an instance checks the version it holds. */
  static deleteOp<T extends Model>(
    this: ModelClass<T>,
    key: KeyInput<T> | T,
    options?: DeleteOpOptions<T>,
  ): TransactionWrite {
    return repositoryFor<T>(this).deleteOp(key, options);
  }

  /** A condition on another item for `transact([...])`: nothing is written to it. */
  static conditionCheck<T extends Model>(
    this: ModelClass<T>,
    key: KeyInput<T>,
    condition: ConditionInput<T>,
  ): TransactionWrite {
    return repositoryFor<T>(this).conditionCheck(key, condition);
  }

  /** A read for `transactGet([...])`, resolving to an instance or `undefined`. */
  static getOp<T extends Model, P extends AttributeName<T> = never>(
    this: ModelClass<T>,
    key: KeyInput<T>,
    options?: GetOpOptions<T, P>,
  ): TransactionGet<Projected<T, P>> {
    return repositoryFor<T>(this).getOp(key, options);
  }

  /**
   * Writes what changed since this instance was read or last written (an `UpdateItem` of those
   * attributes; nothing is sent when nothing changed). Attributes the model does not declare, and
   * attributes changed meanwhile by another writer but not here, are left as stored. An instance
   * never stored is created. `put` is the whole-item replace.
   */
  // A `this` parameter, as for `delete`, keeps models assignable to `Model` in emitted declarations.
  async save<S extends Model>(this: S, options?: SaveOptions<S>): Promise<S> {
    return await repositoryFor<S>(this.constructor as ModelClass<S>, connectionOf(this)).save(this, options);
  }

  /**
   * This instance's save for `transact([...])`: what `save()` would send, checked now (the version
   * it holds, when the model has one). Once the transaction is stored, the instance takes its new
   * version and knows what it stored. With nothing changed, the action checks that the item is
   * still stored at that version.
   */
  saveOp<S extends Model>(this: S, options?: Omit<SaveOptions<S>, 'signal'>): TransactionWrite {
    return repositoryFor<S>(this.constructor as ModelClass<S>, connectionOf(this)).saveOp(this, options);
  }

  /** Deletes this instance's item. */
  // Typed through a `this` parameter rather than the `this` type: a condition's builder function in
  // the options would otherwise make `Tweet` unassignable to `Model` in the emitted declarations.
  async delete<S extends Model>(this: S, options?: DeleteOptions<S>): Promise<S | undefined> {
    return await repositoryFor<S>(this.constructor as ModelClass<S>, connectionOf(this)).delete(
      ...([this, options] as unknown as KeyArgs<S, DeleteOptions<S>>),
    );
  }

  /** Reads this instance's item again, strongly consistent, into this instance. */
  async reload(options?: { signal?: AbortSignal }): Promise<this> {
    return await repositoryFor<this>(this.constructor as ModelClass<this>, connectionOf(this)).reload(this, options);
  }

  /** A JSON-ready object; `@Exclude()` from class-transformer keeps secrets out. */
  toJSON(): Record<string, unknown> {
    return toJsonObject(this);
  }
}

/** The connection an instance was read or written through, or the default one. */
function connectionOf(instance: object): Connection {
  return boundConnection(instance) ?? defaultConnection();
}
