/**
 * What a read-through cache store does. The mapper (`@dynamodel/core`) decides what to cache and
 * when; a store keeps entries and makes three steps atomic, so a read that missed before a write
 * can never store what the write replaced (docs/cache.md, "Why a fill can never be stale"):
 *
 * 1. `lookup` answers an entry, or on a miss the current **generation token** of the entry's scope;
 * 2. `fill` stores a value only while that token is still the scope's current one;
 * 3. `invalidate` deletes entries and gives their scopes a new token, after every write.
 *
 * A scope is the unit of invalidation: one partition of a table (its items and the cached query
 * pages of that partition), or one global secondary index of a table. Every method may reject (the
 * store is down, slow or answers garbage); the mapper then reads DynamoDB directly.
 */
export interface Cache {
  /**
   * `true` for a store whose calls complete without I/O (in this process's memory): the mapper
   * then calls it without a timeout, which would only cost a timer per call.
   */
  readonly inProcess?: boolean;
  /**
   * The value of an item's entry (never a `member` entry) when this process holds it and can answer
   * without I/O; `undefined` sends the caller to `lookup`. Optional: the mapper calls it before
   * `lookup` on every read of one item, so a hit in memory costs no promise, timer or event-loop turn.
   */
  peek?(ref: CacheRef): CacheHit | undefined;
  /** The entries at `refs`, in order: a cached value, or a miss carrying the token to fill it with. */
  lookup(refs: readonly CacheRef[]): Promise<CacheLookup[]>;
  /**
   * Stores `value` at `ref` for `options.ttlMs`, only if `token` is still the scope's token and the
   * scope is not held (see `CacheInvalidation.holdMs`). Resolves to whether it was stored.
   */
  fill(ref: CacheRef, token: string, value: string, options: FillOptions): Promise<boolean>;
  /** Deletes the named entries and every member entry of each scope, and renews each scope's token. */
  invalidate(invalidations: readonly CacheInvalidation[]): Promise<void>;
}

/** Where an entry lives: a table, a scope of it, and the entry's own name within the scope. */
export interface CacheRef {
  readonly table: string;
  readonly scope: string;
  readonly entry: string;
  /**
   * The entry belongs to its scope's current generation: any invalidation of the scope drops it
   * without naming it (cached query pages: a write cannot know which pages held its item). Stores
   * key it by the generation token, so it is unreachable after an invalidation even if the store
   * evicted its bookkeeping.
   */
  readonly member?: boolean;
}

/** Which tier of a store served a hit: this process's near copy of a shared store, or the store itself. */
export type CacheTier = 'near' | 'store';

export interface CacheHit {
  readonly hit: true;
  readonly value: string;
  /** `'near'` when a shared store's in-process tier served it; absent (the store) otherwise. */
  readonly tier?: CacheTier;
}

export type CacheLookup = CacheHit | { readonly hit: false; readonly token: string };

export interface FillOptions {
  /** How long the entry lives, in milliseconds. */
  readonly ttlMs: number;
}

export interface CacheInvalidation {
  readonly table: string;
  readonly scope: string;
  /** The entries to delete besides the scope's members (the written items). */
  readonly entries: readonly string[];
  /**
   * Refuse fills in this scope for this long as well (a global secondary index is updated after the
   * write returns, so a read made just after it may still return the old result).
   */
  readonly holdMs?: number;
}
