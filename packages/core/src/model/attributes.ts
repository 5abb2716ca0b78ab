import type { ConditionInput } from '../expressions/condition';
import type { DynamodelError } from '@dynamodel/executor';
import type { KeyValue } from '../operations/key';

/**
 * Declares a model's key properties to the type checker, so a wrong key is a compile error:
 * `declare [Keys]?: 'tweetId'` (hash key only) or `declare [Keys]?: ['userId', 'postId']` (hash, range).
 * A `declare` field emits nothing; the decorators stay the truth at run time.
 */
export const Keys: unique symbol = Symbol('dynamodel.keys');

/**
 * Declares the properties `create` need not be given because they have a `default`:
 * `declare [Defaults]?: 'tweetId' | 'created'`. Every other non-optional property is required by
 * `create` and `put` at compile time (and, as everywhere, checked again at run time).
 */
export const Defaults: unique symbol = Symbol('dynamodel.defaults');

/**
 * Declares a model's secondary indexes to the type checker, each with its partition key property or
 * `[partition, sort]`: `declare [Indexes]?: { byStatus: ['status', 'likes']; byAuthor: 'author' }`.
 * Index names in `query`/`scan` are then checked at compile time, and with `[Keys]` declared too,
 * `where` may name only sort key properties. The `@Index` decorators stay the truth at run time.
 */
export const Indexes: unique symbol = Symbol('dynamodel.indexes');

declare const entityKeys: unique symbol;

/**
 * The properties a key template names: `TemplateProperties<'ORDER#{placed}#{orderId}'>` is
 * `'placed' | 'orderId'` (a `{n:8}` width left out).
 */
export type TemplateProperties<S extends string> = S extends `${string}{${infer Inside}}${infer Rest}`
  ? (Inside extends `${infer Name}:${string}` ? Name : Inside) | TemplateProperties<Rest>
  : never;

/**
 * An entity's keys for the type checker, from its key templates:
 * `declare [Keys]?: EntityKeys<{ pk: 'USER#{userId}'; sk: 'ORDER#{orderId}' }>` (or
 * `EntityKeys<typeof orderKeys>` with `const orderKeys = { pk: …, sk: … } as const` passed to
 * `@Entity({ keys: orderKeys })`). Keys are then objects of exactly those properties, and a query's
 * key holds the partition template's and, optionally, the sort template's.
 */
export interface EntityKeys<Templates extends { readonly pk: string; readonly sk?: string }> {
  readonly [entityKeys]: {
    readonly pk: TemplateProperties<Templates['pk']>;
    readonly sk: Templates['sk'] extends string ? TemplateProperties<Templates['sk']> : never;
  };
}

/** The template properties an `EntityKeys` declaration holds. */
type EntityKeyParts<D> = D extends { readonly [entityKeys]: { readonly pk: infer P; readonly sk: infer S } }
  ? { pk: P; sk: S }
  : never;

/**
 * An entity's partition key object, from its `EntityKeys` declaration (`Pick<User, 'userId'>`);
 * `never` for a model without one.
 */
export type PartitionKeyOf<T> = [EntityKeyParts<KeyDeclaration<T>>] extends [never]
  ? never
  : Pick<T, EntityKeyParts<KeyDeclaration<T>>['pk'] & keyof T>;

/** Function-valued members (methods) are not attributes; nor are symbol-keyed declarations. */
type DataKeys<T> = {
  [K in keyof T]-?: T[K] extends (...args: never[]) => unknown ? never : K extends symbol ? never : K;
}[keyof T];

/** The data properties of a model instance. */
export type Attributes<T> = { [K in DataKeys<T>]: T[K] };

/** Properties declared optional (`city?: string`). */
type OptionalKeys<T> = { [K in DataKeys<T>]-?: object extends Pick<T, K> ? K : never }[DataKeys<T>];

/** What `[Defaults]` declares, as property names. */
type DefaultedKeys<T> = typeof Defaults extends keyof T ? Extract<NonNullable<T[typeof Defaults]>, keyof T> : never;

type IfEquals<X, Y, A, B> = (<G>() => G extends X ? 1 : 2) extends <G>() => G extends Y ? 1 : 2 ? A : B;

/** Readonly properties: getters (`get greeting()`) are never required (a stored readonly field may still be given). */
type ReadonlyKeys<T> = {
  [K in DataKeys<T>]-?: IfEquals<Pick<T, K>, { -readonly [Q in keyof Pick<T, K>]: Pick<T, K>[Q] }, never, K>;
}[DataKeys<T>];

/** Properties `create` must be given: not optional, not readonly, and no declared default. */
type RequiredKeys<T> = Exclude<DataKeys<T>, OptionalKeys<T> | ReadonlyKeys<T> | DefaultedKeys<T>>;

type Simplify<T> = { [K in keyof T]: T[K] };

/**
 * What `create` and `put` accept: every required attribute (not optional, no declared default, see
 * `Defaults`), and any of the others.
 */
export type CreateAttributes<T> = Simplify<
  { [K in RequiredKeys<T>]: T[K] } & { [K in Exclude<DataKeys<T>, RequiredKeys<T>>]?: T[K] }
>;

/** What `build` accepts: any subset of the attributes (an unsaved instance can be filled in later). */
export type BuildAttributes<T> = Partial<Attributes<T>>;

/** What `[Keys]` declares, or `never` when the model declares nothing. */
type KeyDeclaration<T> = typeof Keys extends keyof T ? NonNullable<T[typeof Keys]> : never;

/** What `[Indexes]` declares, or `never` when the model declares nothing. */
type IndexDeclaration<T> = typeof Indexes extends keyof T ? NonNullable<T[typeof Indexes]> : never;

/** An index name `query` and `scan` accept: one `[Indexes]` declares, or any string without it. */
export type IndexName<T> = [IndexDeclaration<T>] extends [never] ? string : keyof IndexDeclaration<T> & string;

/** The sort key property of a `[hash, range]` declaration; `never` for a hash-only one. */
type RangeOf<D> = D extends readonly [unknown, infer R] ? R : never;

/**
 * The model as `where` sees it: with `[Keys]` and `[Indexes]` both declared, only the sort key
 * properties of the table and its indexes (a `where` on anything else is a compile error); otherwise
 * the whole model (checked at run time, before sending).
 */
export type WhereModel<T> = [KeyDeclaration<T>] extends [never]
  ? T
  : [IndexDeclaration<T>] extends [never]
    ? T
    : Pick<T, Extract<RangeOf<KeyDeclaration<T>> | RangeOf<IndexDeclaration<T>[keyof IndexDeclaration<T>]>, keyof T>>;

/**
 * A key, as one argument: with `[Keys]` declared, the hash key's value (hash-only tables) or an
 * object holding the key properties (an instance works); without, any key value or object.
 */
export type KeyInput<T> = [KeyDeclaration<T>] extends [never]
  ? KeyValue | Partial<Attributes<T>>
  : [EntityKeyParts<KeyDeclaration<T>>] extends [never]
    ? PairKeyInput<T>
    : Pick<T, (EntityKeyParts<KeyDeclaration<T>>['pk'] | EntityKeyParts<KeyDeclaration<T>>['sk']) & keyof T>;

/** A key by `[Keys]` as `'hash'` or `['hash', 'range']`. */
type PairKeyInput<T> =
  KeyDeclaration<T> extends readonly [infer H extends keyof T, infer R extends keyof T]
    ? Pick<T, H | R>
    : KeyDeclaration<T> extends keyof T
      ? T[KeyDeclaration<T>] | Pick<T, KeyDeclaration<T>>
      : never;

/**
 * The arguments of an operation on one key: `(key, options?)`, or `(hash, range, options?)` for a
 * model with a range key. Typed by `[Keys]` when declared.
 */
export type KeyArgs<T, O> = [KeyDeclaration<T>] extends [never]
  ? [key: KeyInput<T>, options?: O] | [hash: KeyValue, range: KeyValue, options?: O]
  : [EntityKeyParts<KeyDeclaration<T>>] extends [never]
    ? PairKeyArgs<T, O>
    : [key: KeyInput<T>, options?: O];

type PairKeyArgs<T, O> =
  KeyDeclaration<T> extends readonly [infer H extends keyof T, infer R extends keyof T]
    ? [key: KeyInput<T>, options?: O] | [hash: T[H], range: T[R], options?: O]
    : [key: KeyInput<T>, options?: O];

export interface GetOptions {
  /** A strongly consistent read (never on a global secondary index); it bypasses the cache. */
  readonly consistent?: boolean;
  /** `false` reads DynamoDB even when the model is cached (and fills nothing). */
  readonly cache?: boolean;
  readonly signal?: AbortSignal;
}

export interface WriteOptions {
  readonly signal?: AbortSignal;
}

export interface CreateOptions<T> extends WriteOptions {
  /**
   * A condition that must also hold. The item does not exist yet, so only conditions an absent item
   * meets (`notExists`, `ne`) can hold; a failed one is a `ConditionFailedError`, not `ItemExistsError`.
   */
  readonly condition?: ConditionInput<T>;
}

export interface PutOptions<T> extends WriteOptions {
  /**
   * Put only if the stored item meets it (`(c) => c.eq('version', 3)`, or an object of values that
   * must be equal); otherwise `ConditionFailedError` with the stored item.
   */
  readonly condition?: ConditionInput<T>;
}

/**
 * What an update returns: the item after it (`ALL_NEW`, the default), before it (`ALL_OLD`;
 * `undefined` when an upsert created it), only the updated attributes after or before it
 * (`UPDATED_NEW`, `UPDATED_OLD`: a partial instance), or nothing (`NONE`, the cheapest).
 */
export type UpdateReturnValues = 'ALL_NEW' | 'ALL_OLD' | 'UPDATED_NEW' | 'UPDATED_OLD' | 'NONE';

/** The type `update` resolves to for a `returnValues` choice. */
export type UpdateResult<T, R extends UpdateReturnValues> = R extends 'NONE'
  ? undefined
  : R extends 'ALL_OLD'
    ? T | undefined
    : R extends 'UPDATED_NEW' | 'UPDATED_OLD'
      ? PartialInstance<T>
      : T;

export interface UpdateOptions<T, R extends UpdateReturnValues = 'ALL_NEW'> extends WriteOptions {
  /** What comes back (default `ALL_NEW`: the whole item as it is after the update). */
  readonly returnValues?: R;
  /** Update only if the stored item meets it; otherwise `ConditionFailedError` with the stored item. */
  readonly condition?: ConditionInput<T>;
  /**
   * Create the item when there is none. Default `false`: the item must exist (`ItemNotFoundError`
   * otherwise), so an update never creates an item holding only the updated attributes.
   */
  readonly upsert?: boolean;
  /**
   * For a `@Version` model: update only if the stored version is this one (`VersionConflictError`
   * otherwise), and write the next. Without it, the version is incremented whatever it was, so
   * writers holding an older version still see a conflict.
   */
  readonly expectedVersion?: number;
}

export interface SaveOptions<T> extends WriteOptions {
  /** Save only if the stored item meets it; otherwise `ConditionFailedError` with the stored item. */
  readonly condition?: ConditionInput<T>;
  /**
   * Attributes written whatever the instance's stored state says: set to what the instance holds,
   * or removed where it holds nothing. `save()` skips an attribute whose value equals the one the
   * instance was read or last written with, and that state can be older than the table (an
   * eventually consistent read, a cache hit, an index page): name the attributes that must be
   * written regardless here.
   */
  readonly attributes?: readonly AttributeName<T>[];
}

export interface DeleteOptions<T> extends WriteOptions {
  /**
   * Delete only if the stored item meets it (`(c) => c.lt('likes', 10)`, or an object of values that
   * must be equal); otherwise `ConditionFailedError` with the stored item.
   */
  readonly condition?: ConditionInput<T>;
  /** Delete only if the item exists; otherwise `ConditionFailedError`. */
  readonly mustExist?: boolean;
  /**
   * For a `@Version` model: delete only if the stored version is this one (`VersionConflictError`
   * otherwise). Deleting an instance checks the version it holds without being told.
   */
  readonly expectedVersion?: number;
}

/** The name of a data property of `T`, as `projection` lists them. */
export type AttributeName<T> = DataKeys<T> & string;

/** An instance that holds some of its attributes (a projection, `UPDATED_*` values): its methods, its attributes possibly absent. */
export type PartialInstance<T> = Omit<T, DataKeys<T>> & Partial<Attributes<T>>;

/** What a read with `projection: P[]` returns: the projected properties as declared, the others possibly absent. */
export type Projected<T, P extends AttributeName<T>> = [P] extends [never] ? T : Pick<T, P> & PartialInstance<T>;

interface ReadOptions<T, P extends AttributeName<T>> {
  /** Read through this secondary index instead of the table (typed by `[Indexes]` when declared). */
  readonly index?: IndexName<T>;
  /** Items must meet it to be returned (DynamoDB's `FilterExpression`: applied after reading, so they still cost). */
  readonly filter?: ConditionInput<T>;
  /** Items returned to the caller in all (or per `page()`), after the filter. */
  readonly limit?: number;
  /** DynamoDB's `Limit`: items evaluated per request, before the filter. */
  readonly pageSize?: number;
  /** Strongly consistent reads (not on a global index). */
  readonly consistent?: boolean;
  /**
   * Only these attributes (and the keys) are read; the instances are partial, and `save()` on one
   * writes only attributes it holds.
   */
  readonly projection?: readonly P[];
  readonly signal?: AbortSignal;
}

export interface QueryOptions<T, P extends AttributeName<T> = never> extends ReadOptions<T, P> {
  /**
   * The condition on the sort key: `(k) => k.beginsWith('sentAt', '2026-')`, `k.between(...)`,
   * `k.gt(...)`, or an object of equalities; for a multi-attribute sort key, equalities on its first
   * attributes and one range on the next.
   */
  readonly where?: ConditionInput<WhereModel<T>>;
  /** Newest (highest sort key) first. */
  readonly reverse?: boolean;
  /** `false` reads DynamoDB even when the model caches queries (and fills nothing). */
  readonly cache?: boolean;
}

export interface ScanOptions<T, P extends AttributeName<T> = never> extends ReadOptions<T, P> {
  /** Split the scan into this many segments, read in parallel (under the connection's concurrency bound). */
  readonly segments?: number;
  /** With `segments`: read only this segment (0-based), e.g. one worker's share. */
  readonly segment?: number;
}

/**
 * What a query runs on: the partition key value (or an object holding the partition key
 * properties: needed for a multi-attribute index key), or `{ index, key }` for an index.
 */
export type QueryKey<T> = [EntityKeyParts<KeyDeclaration<T>>] extends [never]
  ? | KeyValue
    | Partial<Attributes<T>>
    | { readonly index: IndexName<T>; readonly key: KeyValue | Partial<Attributes<T>> }
  : EntityQueryKey<T, EntityKeyParts<KeyDeclaration<T>>>;

/**
 * An entity's query key (with `EntityKeys` declared): its partition template's properties, and
 * optionally its sort template's (the leading ones narrow the sort key); or `{ index, key }` with
 * the index templates' properties.
 */
type EntityQueryKey<T, Parts extends { pk: unknown; sk: unknown }> =
  | (Pick<T, Parts['pk'] & keyof T> & Partial<Pick<T, Parts['sk'] & keyof T>>)
  | { readonly index: IndexName<T>; readonly key: Partial<Attributes<T>> };

/** Options of `batchPut` and `batchDelete`. */
export interface BatchWriteOptions<T = unknown, In = unknown> {
  /** `BatchWriteItem` calls in flight at once (each under the connection's own bound). Default 8. */
  readonly concurrency?: number;
  /** Called after every `BatchWriteItem` call settles. */
  readonly onProgress?: (progress: BatchProgress) => void;
  /**
   * Called once for every failed input, as it fails (the result keeps only the first
   * `keepFailures`): the way an import reports every failure as it goes. If it throws, the batch
   * stops with `BatchStoppedError`.
   */
  readonly onFailure?: (failure: BatchFailure<T, In>) => void;
  readonly signal?: AbortSignal;
  /** Attempts per item before it is reported failed. Default 10. */
  readonly maxAttempts?: number;
  /** Stop re-sending an item this many ms after its first attempt (it is then reported failed). Default: no limit. */
  readonly itemTimeoutMs?: number;
  /** How many failures the result keeps (the first ones). Default 100; `Infinity` keeps all. */
  readonly keepFailures?: number;
}

/** Options of `createMany` and `putMany`. */
export interface BulkWriteOptions<T = unknown, In = unknown> {
  /** Writes in flight at once (each under the connection's own bound and rate limit). Default 16. */
  readonly concurrency?: number;
  /** Every item must also meet it (`create`: on top of the key being free). */
  readonly condition?: ConditionInput<T>;
  readonly signal?: AbortSignal;
  /** Abort an item's write this many ms after it was sent (it is then reported, outcome unknown). */
  readonly itemTimeoutMs?: number;
  /** How many failures the result keeps (the first ones). Default 100; `onFailure` sees every one. */
  readonly keepFailures?: number;
  /** Called once for every failed input, as it fails. If it throws, the run stops (`BatchStoppedError`). */
  readonly onFailure?: (failure: BatchFailure<T, In>) => void;
  /** Called after every write settles: counts and items per second. */
  readonly onProgress?: (progress: BulkProgress) => void;
}

export interface BulkProgress {
  readonly written: number;
  readonly failed: number;
  readonly inFlight: number;
  /** Items settled (written or failed) per second since the run began. */
  readonly itemsPerSecond: number;
  readonly elapsedMs: number;
}

/** What `createMany`/`putMany` did: `written + failed + notAttempted` is the number of inputs taken (an array's length). */
export interface BulkWriteResult<T, In> {
  readonly written: number;
  readonly failed: number;
  /** Of the failed, those that may be stored (an answer was lost, or the write was aborted in flight). */
  readonly outcomeUnknown: number;
  /** Inputs never sent after an abort or a stop. */
  readonly notAttempted: number;
  /** The first `keepFailures` failures, in the order they failed. */
  readonly failures: readonly BatchFailure<T, In>[];
  readonly elapsedMs: number;
}

export interface BatchProgress {
  readonly written: number;
  readonly failed: number;
  readonly inFlight: number;
  readonly queued: number;
  /** Items settled (written or failed) per second since the batch began. */
  readonly itemsPerSecond: number;
  readonly elapsedMs: number;
}

/** One input a batch write could not store (or, for `OutcomeUnknownError`, may have stored). */
export interface BatchFailure<T, In> {
  /** Position in the input. */
  readonly index: number;
  /** The input at that position, as given: an instance or attributes (`batchPut`), a key (`batchDelete`). */
  readonly input: In;
  /** The item's key as properties, when it could be encoded. */
  readonly key: Partial<Attributes<T>> | undefined;
  /**
   * Why: a `ValidationError` naming model, attribute and rule for an input refused before sending
   * (never sent); `OutcomeUnknownError` when the item may be stored; otherwise certainly not written.
   */
  readonly reason: DynamodelError;
  /** `BatchWriteItem` attempts that carried it (0: refused before sending). */
  readonly attempts: number;
}

/** What a batch write did: `written + failed + notAttempted` is the number of inputs taken. */
export interface BatchWriteResult<T, In> {
  readonly written: number;
  readonly failed: number;
  /** Of the failed, those that may be stored (an answer was lost). */
  readonly outcomeUnknown: number;
  /** The first `keepFailures` failures, in the order they failed. */
  readonly failures: readonly BatchFailure<T, In>[];
  /** Inputs never sent (after an abort or a stop). */
  readonly notAttempted: number;
  /** Requests re-sent because DynamoDB returned them unprocessed or throttled the call. */
  readonly resent: number;
  /** `BatchWriteItem` calls made. */
  readonly calls: number;
}

export interface BatchGetOptions<T, P extends AttributeName<T> = never> {
  /** Strongly consistent reads; they bypass the cache, as a projection does. */
  readonly consistent?: boolean;
  /** `false` reads DynamoDB even when the model is cached (and fills nothing). */
  readonly cache?: boolean;
  /** Read only these attributes (the key is always read): the results are partial instances. */
  readonly projection?: readonly P[];
  /** `BatchGetItem` calls in flight at once. Default 4. */
  readonly concurrency?: number;
  readonly signal?: AbortSignal;
}

/** What `batchGet` read, position by position as the keys were given. */
export interface BatchGetResult<R, T> {
  /** The item of each input key, in input order; `undefined` when absent or not read. */
  readonly items: readonly (R | undefined)[];
  readonly found: number;
  /** Positions whose key holds no item (DynamoDB answered for them). */
  readonly absent: readonly number[];
  /** Keys that could not be read, by position (never counted as absent). */
  readonly failures: readonly { readonly index: number; readonly key: KeyInput<T>; readonly reason: DynamodelError }[];
  /** `BatchGetItem` calls made. */
  readonly calls: number;
}

/** Options of a transaction's put (`Tweet.putOp`) and create (`Tweet.createOp`). */
export interface PutOpOptions<T> {
  /** The stored item must meet it (for `createOp`, as well as being absent). */
  readonly condition?: ConditionInput<T>;
}

/** Options of a transaction's update (`Tweet.updateOp`), as `update` takes them. */
export interface UpdateOpOptions<T> {
  readonly condition?: ConditionInput<T>;
  readonly upsert?: boolean;
  readonly expectedVersion?: number;
}

/** Options of a transaction's delete (`Tweet.deleteOp`), as `delete` takes them. */
export interface DeleteOpOptions<T> {
  readonly condition?: ConditionInput<T>;
  readonly mustExist?: boolean;
  readonly expectedVersion?: number;
}

/** Options of a transaction's read (`Tweet.getOp`). */
export interface GetOpOptions<T, P extends AttributeName<T> = never> {
  readonly projection?: readonly P[];
}
