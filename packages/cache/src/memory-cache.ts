import { randomBytes } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Cache, CacheHit, CacheInvalidation, CacheLookup, CacheRef, FillOptions } from './cache';

export interface MemoryCacheOptions {
  /** The most entries kept (least recently used dropped first). Default 10,000 unless `maxBytes` is set. */
  readonly maxEntries?: number;
  /** The most bytes of values kept (UTF-16 length × 2). */
  readonly maxBytes?: number;
  /** Caps every entry's time to live, in milliseconds (the model's TTL applies below it). */
  readonly maxTtlMs?: number;
  /** The most scopes whose generation is tracked; an evicted scope's fills in flight are refused. Default 100,000. */
  readonly maxScopes?: number;
  /** How long a scope's generation is kept after it was created or renewed. Default 10 minutes. */
  readonly generationTtlMs?: number;
}

/** A scope's current generation: fills must carry its token, member entries are keyed by it. */
interface Generation {
  readonly token: string;
  /** Fills are refused until this time (ms since the epoch); 0 when not held. */
  readonly holdUntil: number;
  /** The member entries stored under this generation (dropped with it). */
  readonly members: Set<string>;
}

const DEFAULT_MAX_ENTRIES = 10_000;
const DEFAULT_MAX_SCOPES = 100_000;
const DEFAULT_GENERATION_TTL_MS = 10 * 60_000;

/**
 * A `Cache` in this process's memory, on `lru-cache`. Each call runs to completion before another
 * starts (one thread), which makes lookup, fill and invalidate atomic. Values are the mapper's
 * compact strings, so a caller can never change a cached item by changing an instance.
 */
export class MemoryCache implements Cache {
  readonly inProcess = true;
  private readonly entries: LRUCache<string, string>;
  private readonly generations: LRUCache<string, Generation>;

  constructor(options: MemoryCacheOptions = {}) {
    const { maxBytes } = options;
    const maxEntries = options.maxEntries ?? (maxBytes === undefined ? DEFAULT_MAX_ENTRIES : undefined);
    const sizeCalculation = (value: string, key: string): number => 2 * (value.length + key.length);
    // lru-cache types its options as a union of "has max", "has maxSize" and "has ttl"; one is always set here.
    this.entries = new LRUCache<string, string>({
      ...(maxEntries !== undefined ? { max: maxEntries } : {}),
      ...(maxBytes !== undefined ? { maxSize: maxBytes, sizeCalculation } : {}),
      ...(options.maxTtlMs !== undefined ? { ttl: options.maxTtlMs } : {}),
    } as LRUCache.Options<string, string, unknown>);
    this.generations = new LRUCache<string, Generation>({
      max: options.maxScopes ?? DEFAULT_MAX_SCOPES,
      ttl: options.generationTtlMs ?? DEFAULT_GENERATION_TTL_MS,
      // A generation dropped for room or age takes its members with it (they are unreachable anyway).
      dispose: (generation) => this.dropMembers(generation),
    });
  }

  peek(ref: CacheRef): CacheHit | undefined {
    if (ref.member) return undefined;
    const value = this.entries.get(entryIdIn(scopeId(ref), ref.entry, undefined));
    return value === undefined ? undefined : { hit: true, value };
  }

  lookup(refs: readonly CacheRef[]): Promise<CacheLookup[]> {
    return Promise.resolve(refs.map((ref) => this.lookupOne(ref)));
  }

  fill(ref: CacheRef, token: string, value: string, options: FillOptions): Promise<boolean> {
    const generation = this.generations.get(scopeId(ref));
    if (!generation || generation.token !== token || generation.holdUntil > Date.now()) return Promise.resolve(false);
    const id = entryId(ref, ref.member ? token : undefined);
    this.entries.set(id, value, { ttl: options.ttlMs });
    if (ref.member) generation.members.add(id);
    return Promise.resolve(true);
  }

  invalidate(invalidations: readonly CacheInvalidation[]): Promise<void> {
    const now = Date.now();
    for (const invalidation of invalidations) {
      for (const entry of invalidation.entries) this.entries.delete(entryId({ ...invalidation, entry }, undefined));
      const id = scopeId(invalidation);
      // Replacing the generation disposes the old one (and its members).
      this.generations.set(id, {
        token: newToken(),
        holdUntil: invalidation.holdMs ? now + invalidation.holdMs : 0,
        members: new Set(),
      });
    }
    return Promise.resolve();
  }

  /** Entries currently held (for tests and metrics). */
  get size(): number {
    return this.entries.size;
  }

  /** Drops everything. */
  clear(): void {
    this.generations.clear();
    this.entries.clear();
  }

  private lookupOne(ref: CacheRef): CacheLookup {
    const scope = scopeId(ref);
    if (!ref.member) {
      // An item's entry exists only while its scope's generation is the one it was filled under
      // (fills check the token, invalidations delete the entry): a hit needs no generation.
      const value = this.entries.get(entryIdIn(scope, ref.entry, undefined));
      return value === undefined ? { hit: false, token: this.generation(scope).token } : { hit: true, value };
    }
    const generation = this.generation(scope);
    const value = this.entries.get(entryIdIn(scope, ref.entry, ref.member ? generation.token : undefined));
    return value === undefined ? { hit: false, token: generation.token } : { hit: true, value };
  }

  /** The scope's generation, started on first use. */
  private generation(id: string): Generation {
    let generation = this.generations.get(id);
    if (!generation) {
      generation = { token: newToken(), holdUntil: 0, members: new Set() };
      this.generations.set(id, generation);
    }
    return generation;
  }

  private dropMembers(generation: Generation): void {
    for (const id of generation.members) this.entries.delete(id);
  }
}

/** Length-prefixed, so no two (table, scope) pairs share an id. */
function scopeId(ref: { readonly table: string; readonly scope: string }): string {
  return `${ref.table.length}:${ref.table}${ref.scope.length}:${ref.scope}`;
}

/** A member entry's id carries its generation's token: a new generation cannot reach it. */
function entryId(ref: CacheRef, token: string | undefined): string {
  return entryIdIn(scopeId(ref), ref.entry, token);
}

function entryIdIn(scope: string, entry: string, token: string | undefined): string {
  const base = `${scope}${entry.length}:${entry}`;
  return token === undefined ? base : `${base}@${token}`;
}

/**
 * A token this store never gave before: a random prefix and a counter (a new scope needs one, and a
 * random draw for each was a tenth of a cold read's own CPU).
 */
const tokenPrefix = randomBytes(9).toString('base64url');
let tokenCount = 0;
function newToken(): string {
  return `${tokenPrefix}${(tokenCount++).toString(36)}`;
}
