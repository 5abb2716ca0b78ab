import { createHash } from 'node:crypto';
import type { CacheInvalidation, CacheRef } from '@dynamodel/cache';
import { RequestAbortedError, keyString, type CacheEventKind, type ExecutorEvents } from '@dynamodel/executor';
import type { Item } from '../codecs/object-codec';
import { DEFAULT_INDEX_SETTLE_MS, type CacheSchema } from '../schema/compile-cache';
import type { ModelSchema } from '../schema/compile-model';
import { keyAttributeNames } from '../operations/key';
import type { GuardedCache } from './guarded-cache';
import { itemFromText } from './item-text';

/** The cached text of a key that holds no item (item texts are JSON objects, so never this). */
export const ABSENT = '-';

/** What a read-through produced: the text, and whether it came from the cache (only that can be garbage). */
export interface ReadText<V = never> {
  readonly text: string | undefined;
  readonly cached: boolean;
  /** The store holds the text in this process (the same string on every hit): see `parseItem`. */
  readonly held?: boolean;
  /** What the load read, when it was loaded (not cached): its callers decode it instead of parsing the text. */
  readonly loaded?: V | undefined;
}

/** What a load read: the text to cache, and optionally the value it was made from (never changed by its readers). */
export interface Loaded<V = never> {
  readonly text: string | undefined;
  readonly value?: V | undefined;
}

/**
 * One model's read-through cache on one connection: which scope and entry an item or a query page
 * lives at, the lookup → load → fill sequence with single-flight, and invalidation after writes.
 * Every fill carries the token its lookup handed out, so a read that began before a write can
 * never store what the write replaced (docs/cache.md). Misses are filled only from strongly
 * consistent reads (global indexes have none: their pages are held back by `indexSettle`), so a read
 * that began after the write cannot store a stale replica's answer either.
 */
export class ModelCache {
  private readonly keyNames: readonly string[];
  private readonly hashNames: readonly string[];
  /** Misses in flight, by entry and token: a later miss joins one only if no invalidation came between. */
  private readonly flights = new Map<string, Promise<Loaded<unknown>>>();
  private readonly reportError = (reason: string): void => this.emit('error', 1, reason);

  /**
   * `settings` is `undefined` for a model that does not cache: its writes still invalidate what
   * other models of the same table cached through this store. `cacheTable` is the table's name in
   * the store, scoped by the connection's database (`Connection.cacheTable`).
   */
  constructor(
    private readonly guard: GuardedCache,
    private readonly schema: ModelSchema,
    private readonly tableName: string,
    readonly settings: CacheSchema | undefined,
    private readonly events: () => ExecutorEvents | undefined,
    private readonly cacheTable: () => string,
  ) {
    this.keyNames = keyAttributeNames(schema);
    this.hashNames = [schema.hashKey.name];
  }

  /** The table's name in the store (resolved once the connection knows which database it talks to). */
  private get table(): string {
    return (this.scopedTable ??= this.cacheTable());
  }

  private scopedTable: string | undefined;

  /** Where the item under `key` is cached. */
  itemRef(key: Item): CacheRef {
    return { table: this.table, scope: this.partitionScope(key), entry: keyString(key, this.keyNames) };
  }

  /** Where a query page is cached: a member of its partition's scope, or of its global index's. */
  pageRef(params: object, partition: Item | undefined, globalIndex: string | undefined): CacheRef {
    const fingerprint = createHash('sha256').update(JSON.stringify(params)).digest('base64url');
    const scope = globalIndex !== undefined ? INDEX_SCOPE : this.partitionScope(partition ?? {});
    return { table: this.table, scope, entry: `q:${fingerprint}`, member: true };
  }

  /**
   * The text at `ref`: cached, or loaded by `load` (which must read strongly consistently, or be a
   * global index's page) and filled with the token the lookup handed out. `undefined` from `load`
   * is cached as absent only with `negativeTtlMs`. Concurrent misses with one token share one load;
   * a waiter's abort rejects that waiter only.
   */
  async read<V = never>(ref: CacheRef, load: () => Promise<Loaded<V>>, signal?: AbortSignal): Promise<ReadText<V>> {
    const found = (await this.guard.lookup([ref], this.reportError))?.[0];
    if (found?.hit) {
      this.emitHits(found.tier ?? 'store', 1);
      return { text: found.value, cached: true, held: this.held(found.tier) };
    }
    this.emit('miss', 1);
    // The store is unavailable: read DynamoDB directly, fill nothing.
    if (!found) {
      const loaded = await load();
      return { text: loaded.text, cached: false, loaded: loaded.value };
    }
    const flightKey = `${ref.scope.length}:${ref.scope}${ref.entry}\0${found.token}`;
    let flight = this.flights.get(flightKey) as Promise<Loaded<V>> | undefined;
    if (flight) {
      this.emit('coalesced', 1);
    } else {
      flight = this.loadAndFill(ref, found.token, load).finally(() => this.flights.delete(flightKey));
      this.flights.set(flightKey, flight);
    }
    const loaded = await abortable(flight, signal);
    return { text: loaded.text, cached: false, loaded: loaded.value };
  }

  /**
   * The text of an item's entry when the store holds it in this process (`Cache.peek`), with no
   * promise or timer; `undefined` means read it with `read`.
   */
  peek(ref: CacheRef): string | undefined {
    const found = this.guard.peek(ref, this.reportError);
    if (!found) return undefined;
    this.emitHits(found.tier ?? 'store', 1);
    return found.value;
  }

  /**
   * The item of an entry's text (`ItemTextError` when it is not one). A text the store holds in this
   * process (`held`: a `peek` hit, the near tier's, an in-process store's) is parsed once while it
   * stays hot (`parsed-texts.ts`): the store hands back the same string, whose hash V8 keeps. A text
   * that came over the network is a new string each time; looking it up would hash it anew, and
   * with a working set beyond the memo's size every miss of it would also freeze and evict — parsing
   * it is cheaper (packages/core/bench/hot-reads.ts, 2026-12-06: `RedisCache` 49.7 µs of CPU a read
   * without the memo against 51.4 with it, the near tier 32.4 against 34.5, 10,000 keys).
   */
  parseItem(text: string, held: boolean): Item {
    return held ? this.guard.parsed.item(text) : itemFromText(text);
  }

  /** Whether a hit's text is held in this process (see `parseItem`). */
  private held(tier: 'near' | 'store' | undefined): boolean {
    return tier === 'near' || this.guard.store.inProcess === true;
  }

  /** The cached entries of `keys` (for a batch read): hits, and tokens for the misses (`undefined`: store unavailable). */
  async lookupItems(
    keys: readonly Item[],
  ): Promise<{ readonly hit?: string; readonly held?: boolean; readonly token?: string }[]> {
    const refs = keys.map((key) => this.itemRef(key));
    const found = await this.guard.lookup(refs, this.reportError);
    if (!found) return keys.map(() => ({}));
    let nearHits = 0;
    let storeHits = 0;
    const results = found.map((entry) => {
      if (!entry.hit) return { token: entry.token };
      if (entry.tier === 'near') nearHits++;
      else storeHits++;
      return { hit: entry.value, held: this.held(entry.tier) };
    });
    if (nearHits > 0) this.emitHits('near', nearHits);
    if (storeHits > 0) this.emitHits('store', storeHits);
    if (nearHits + storeHits < keys.length) this.emit('miss', keys.length - nearHits - storeHits);
    return results;
  }

  /** Fills one item (or its absence) read on a miss, with the token of that miss. */
  async fillItem(key: Item, token: string, text: string | undefined): Promise<void> {
    await this.fill(this.itemRef(key), token, text);
  }

  /**
   * Forgets the items under `keys` and renews their partitions' tokens and the table's global
   * index pages' (whichever model of the table cached them), after a write that stored them or may
   * have. Resolves when the store confirmed it; a failure is reported as `invalidation-failed` (the
   * old values may then be served until their TTL).
   */
  async invalidate(keys: readonly Item[]): Promise<void> {
    if (keys.length === 0) return;
    const invalidations = keyInvalidations(
      this.table,
      this.keyNames,
      this.hashNames,
      keys,
      this.settings?.indexSettleMs ?? DEFAULT_INDEX_SETTLE_MS,
    );
    let failure = '';
    const done = await this.guard.invalidate(invalidations, (reason) => (failure = reason));
    if (done) this.emit('invalidate', keys.length);
    else this.emit('invalidation-failed', keys.length, failure);
  }

  /**
   * Invalidation for a batch write: `onWritten` is told each key as the batch engine settles it
   * (stored, or outcome unknown); the keys of one response are invalidated together, at once, and
   * `settled` resolves when every invalidation has.
   */
  batchInvalidation(): { onWritten: (key: Item) => void; settled: () => Promise<void> } {
    let pending: Item[] = [];
    const running = new Set<Promise<void>>();
    const flush = (): void => {
      const keys = pending;
      pending = [];
      const done = this.invalidate(keys).finally(() => running.delete(done));
      running.add(done);
    };
    return {
      onWritten: (key) => {
        // The engine settles a response's items in one synchronous loop: flush after it.
        if (pending.length === 0) queueMicrotask(flush);
        pending.push(key);
      },
      settled: async () => {
        while (running.size > 0 || pending.length > 0) {
          if (pending.length > 0) flush();
          await Promise.all(running);
        }
      },
    };
  }

  /** Reports a cached entry that could not be read back, and drops it so the next read fills it anew. */
  async dropGarbage(ref: CacheRef, reason: string): Promise<void> {
    this.emit('error', 1, `the cached entry could not be read (${reason}); read from DynamoDB instead`);
    await this.guard.invalidate([{ table: ref.table, scope: ref.scope, entries: [ref.entry] }], this.reportError);
  }

  private async loadAndFill<V>(ref: CacheRef, token: string, load: () => Promise<Loaded<V>>): Promise<Loaded<V>> {
    const loaded = await load();
    await this.fill(ref, token, loaded.text);
    return loaded;
  }

  private async fill(ref: CacheRef, token: string, text: string | undefined): Promise<void> {
    const settings = this.settings;
    if (!settings) return; // a model that does not cache reads nothing through the store
    const ttlMs = text === undefined ? settings.negativeTtlMs : settings.ttlMs;
    if (ttlMs === undefined) return;
    const stored = await this.guard.fill(ref, token, text ?? ABSENT, ttlMs, this.reportError);
    if (stored !== undefined) this.emit(stored ? 'fill' : 'fill-refused', 1);
  }

  private partitionScope(key: Item): string {
    return partitionScope(key, this.hashNames);
  }

  private emitHits(tier: 'near' | 'store', count: number): void {
    this.emit('hit', count, undefined, tier);
  }

  private emit(kind: CacheEventKind, count: number, reason?: string, tier?: 'near' | 'store'): void {
    const events = this.events();
    // Every cached read reports one: build it only for a listener.
    if (!events?.listens('cache')) return;
    events.emit({
      type: 'cache',
      kind,
      table: this.tableName,
      count,
      ...(reason !== undefined ? { reason } : {}),
      ...(tier !== undefined ? { tier } : {}),
    });
  }
}

/** The scope of a table's global index pages (all its indexes: a write renews them together). */
const INDEX_SCOPE = 'i';

/** The scope of a partition's entries: its items and query pages. */
const partitionScope = (key: Item, hashNames: readonly string[]): string => `p${keyString(key, hashNames)}`;

/**
 * What a write of `keys` to a table makes the store forget: each item's entry, its partition's
 * query pages, and the table's global index pages (of any model of the table: the writer need not
 * declare the index), their fills held back for `indexHoldMs` while the indexes catch up. The same
 * for a write through a model (`ModelCache`) and one through the document client.
 */
export function keyInvalidations(
  table: string,
  keyNames: readonly string[],
  hashNames: readonly string[],
  keys: readonly Item[],
  indexHoldMs: number,
): CacheInvalidation[] {
  const byScope = new Map<string, string[]>();
  for (const key of keys) {
    const scope = partitionScope(key, hashNames);
    let entries = byScope.get(scope);
    if (!entries) byScope.set(scope, (entries = []));
    entries.push(keyString(key, keyNames));
  }
  const invalidations: CacheInvalidation[] = [...byScope].map(([scope, entries]) => ({ table, scope, entries }));
  invalidations.push({ table, scope: INDEX_SCOPE, entries: [], holdMs: indexHoldMs });
  return invalidations;
}

/** `work`, or a rejection when `signal` aborts first (the work itself goes on for its other waiters). */
function abortable<R>(work: Promise<R>, signal: AbortSignal | undefined): Promise<R> {
  if (!signal) return work;
  if (signal.aborted) return Promise.reject(aborted());
  return new Promise<R>((resolve, reject) => {
    const onAbort = (): void => reject(aborted());
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function aborted(): RequestAbortedError {
  return new RequestAbortedError('The read was aborted while it waited for the cache fill it shares');
}
