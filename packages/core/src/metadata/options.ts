import type { Codec } from '../codecs/codec';
import type { DateFormat } from '../codecs/date-codec';
import type { EnumObject } from '../codecs/enum-codec';
import type { UserCodec } from '../codecs/custom-codec';

/** Any class: an embedded class stored as a map, or a built-in constructor naming a type. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- constructors of any arity are accepted
export type AnyClass = abstract new (...args: any[]) => unknown;

/**
 * A type in `type` or `of`: a built-in constructor (`String`, `Number`, `BigInt`, `Boolean`, `Date`,
 * `Uint8Array`, `Buffer`, `Set`, `Array`, `Map`, `Object` for a record), an embedded class, a codec
 * such as `Json` or `Uuid`, or, for nested containers, an `ElementOptions` object.
 */
export type TypeSpec = AnyClass | Codec | ElementOptions | StringConstructor | NumberConstructor | BigIntConstructor;

/** Describes an element of a Set, Array, Map or Record, or a nested container. */
export interface ElementOptions {
  readonly type?: TypeSpec;
  /** Element type, when `type` is itself a container. */
  readonly of?: TypeSpec;
  readonly enum?: EnumObject;
  readonly dateFormat?: DateFormat;
  readonly codec?: UserCodec<unknown>;
}

/** What `@Attribute` (and `@HashKey`/`@RangeKey`) accept. */
export interface AttributeOptions<T = unknown> extends ElementOptions {
  /** The stored attribute name, when it differs from the property name. */
  readonly name?: string;
  /** The attribute may be absent (`undefined`); absent attributes are not stored. */
  readonly optional?: boolean;
  /** The attribute may be `null`, stored as DynamoDB's NULL. */
  readonly nullable?: boolean;
  /** Used when the attribute is `undefined` at write time; a function is called each time. */
  readonly default?: T | (() => T);
  readonly codec?: UserCodec<T>;
  /**
   * Keep the attribute out of `toJSON()` (a password hash, a token). Works under both decorator
   * modes, unlike class-transformer's `@Exclude()`, which needs `experimentalDecorators`.
   */
  readonly hidden?: boolean;
  /** Extra rule: return `false` or a message to reject the value (before anything is sent). */
  readonly validate?: (value: T) => boolean | string | void;
}

/** Key attributes are always required and never null. */
export type KeyOptions<T = unknown> = Omit<AttributeOptions<T>, 'optional' | 'nullable'>;

/**
 * On-demand (`'PAY_PER_REQUEST'`, the default), on-demand with maximums of request units per second
 * (`{ maxRead, maxWrite }`, DynamoDB's `OnDemandThroughput`), or provisioned capacity units
 * (`{ read, write }`).
 */
export type BillingOption =
  | 'PAY_PER_REQUEST'
  | { readonly read: number; readonly write: number }
  | { readonly maxRead?: number; readonly maxWrite?: number };

/** What a table's settings besides keys and indexes can say (`@Table` and `defineTable` alike). */
export interface TableSettings {
  /** Read and write units per second the table is prepared for at once (`WarmThroughput`). */
  readonly warmThroughput?: { readonly read?: number; readonly write?: number };
  /** Continuous backups with point-in-time recovery (PITR). */
  readonly pointInTimeRecovery?: boolean;
  /** Refuse `DeleteTable` until it is turned off. */
  readonly deletionProtection?: boolean;
  readonly tableClass?: 'STANDARD' | 'STANDARD_INFREQUENT_ACCESS';
  /** Tags of the table (key → value). */
  readonly tags?: Readonly<Record<string, string>>;
}

export type StreamViewType = 'NEW_IMAGE' | 'OLD_IMAGE' | 'NEW_AND_OLD_IMAGES' | 'KEYS_ONLY';

export interface TableOptions extends TableSettings {
  /** The table name without the connection's prefix; defaults to the class name. */
  readonly name?: string;
  /** Put in front of `name` (after the connection's prefix). */
  readonly prefix?: string;
  /** On-demand (default) or provisioned read/write capacity units. */
  readonly billing?: BillingOption;
  /** The property holding the expiry time (a number of epoch seconds, or a Date). */
  readonly ttl?: string;
  /** A DynamoDB stream of the table's changes; `true` means `NEW_AND_OLD_IMAGES`. */
  readonly stream?: StreamViewType | true;
  /**
   * Attributes stored in the table but not declared by the model: `ignore` (default) leaves them
   * off instances; `keep` keeps them, unread, and writes them back unchanged when the item is saved,
   * so a model never erases what another program stored.
   */
  readonly unknownAttributes?: 'ignore' | 'keep';
  /**
   * Properties of the attributes given to `create`, `put`, `build`, `batchPut` and the transaction
   * ops that the model does not declare: `refuse` (default) is a `ValidationError` naming them
   * (rule `unknown-property`), so a misspelt or extra field is never silently left out of the item;
   * `strip` leaves them out; `keep` sets them on the instance without storing them.
   */
  readonly unknownProperties?: 'refuse' | 'strip' | 'keep';
  /**
   * Read through the connection's cache (`connect({ cache })`): `get`, `getOrFail` and `batchGet`
   * are served from it, and with `queries: true` query pages too. Every write through Dynamodel
   * invalidates what it changed. Off when absent, and for a connection without a cache.
   */
  readonly cache?: ModelCacheOptions;
  /**
   * Migrate on read: the item schema's version, and how an item of each older version becomes one of
   * the next. Every write stores `version` in `attribute` (default `_v`); an item read with an older
   * version (or none: version 1) is upgraded step by step before it is decoded, so a deploy need not
   * wait for a backfill. `save()` of an upgraded instance writes what the upgrade changed.
   */
  readonly upgrades?: ItemUpgrades;
}

/** `@Table({ upgrades })`: the item schema's version and the steps from each older one. */
export interface ItemUpgrades {
  /** The current version, a whole number of at least 1 (items without the attribute are version 1). */
  readonly version: number;
  /** The stored attribute holding an item's version; default `_v`. */
  readonly attribute?: string;
  /**
   * By version n (1 … version − 1): the step from an item of version n to version n + 1, on the item
   * as plain values (`unmarshall`ed: numbers as JavaScript numbers, sets as `Set`s, bytes as
   * `Uint8Array`s, dates as the text or number they are stored as).
   */
  readonly steps: Readonly<Record<number, (item: Record<string, unknown>) => Record<string, unknown>>>;
}

/** A length of time: seconds, or a number with a unit (`'500ms'`, `'30s'`, `'15m'`, `'1h'`, `'1d'`). */
export type Duration = number | `${number}${'ms' | 's' | 'm' | 'h' | 'd'}`;

export interface ModelCacheOptions {
  /** How long a cached item (or query page) is kept. */
  readonly ttl: Duration;
  /**
   * Also remember that a key holds no item, for this long (a `get` of it is then answered
   * `undefined` without a request). Off by default; keep it short. A write of the key through
   * Dynamodel drops it at once.
   */
  readonly negativeTtl?: Duration;
  /**
   * Cache query pages too, under the query's fingerprint. A write through Dynamodel drops the cached
   * pages of the item's partition (and, for queries of a global index, of that index). Default false.
   */
  readonly queries?: boolean;
  /**
   * How long after a write pages of a global secondary index are not cached: DynamoDB updates an
   * index after the write returns ("within a fraction of a second, under normal conditions"), so a
   * page read just after the write may not show it yet. Default `'1s'`.
   */
  readonly indexSettle?: Duration;
}

/** What a secondary index copies from the table besides the keys: everything, nothing, or the named properties. */
export type IndexProjection = 'ALL' | 'KEYS_ONLY' | readonly string[];

/**
 * The part a property plays in a secondary index (`@Index('byAuthor', { hash: true })`). An index
 * whose properties declare a `hash` is global; one with only a `range` is local (it shares the
 * table's partition key). Several `hash` (or `range`) properties make a multi-attribute GSI key
 * (up to 4 of each), ordered by their number (`hash: 1`, `hash: 2`) or else by declaration order.
 */
export interface IndexOptions {
  readonly hash?: boolean | number;
  readonly range?: boolean | number;
  /** Default `'ALL'`. Give it on one of the index's properties (or the same on each). */
  readonly projection?: IndexProjection;
}
