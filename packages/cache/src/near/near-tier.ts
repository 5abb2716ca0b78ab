import { LRUCache } from 'lru-cache';

export interface NearCacheOptions {
  /** The most entries this process holds (least recently used dropped first). Default 10,000 unless `maxBytes` is set. */
  readonly maxEntries?: number;
  /** The most bytes of keys and values held (UTF-16 length × 2). */
  readonly maxBytes?: number;
  /** The longest an entry is served from this process without asking Redis, in ms (Redis's own TTL applies below it). */
  readonly maxTtlMs?: number;
  /**
   * How often each invalidation connection is pinged, in ms. A ping unanswered by the next one
   * counts as the connection being lost: the near tier empties and reads go to Redis until the
   * connection is back. Default 1,000.
   */
  readonly heartbeatMs?: number;
}

/** A read of Redis in flight for the near tier: refused if an invalidation of its key (or a flush) came meanwhile. */
export interface NearTicket {
  readonly key: string;
  readonly epoch: number;
  invalidated: boolean;
}

const DEFAULT_MAX_ENTRIES = 10_000;

/**
 * The in-process copy of a `RedisCache`'s hottest entries, by Redis key. It serves only while every
 * invalidation feed of the Redis (or of each Cluster master) is up (`setServing`), and it stores only
 * values read from Redis while serving whose key saw no invalidation between the read being sent and
 * its reply (`begin` → `settle`): a push and a reply travel on different connections, so the push
 * of a write that Redis ran after the read may arrive first. Emptied whenever a feed goes down or
 * Redis reports a flush: an invalidation missed then could concern any key.
 */
export class NearTier {
  private readonly entries: LRUCache<string, string>;
  private readonly maxTtlMs: number | undefined;
  /** Reads in flight by key (a few dozen at most: the reads a process has waiting on Redis). */
  private readonly pending = new Map<string, NearTicket[]>();
  /** Renewed on every flush: a ticket from an earlier epoch is refused. */
  private epoch = 0;
  private serving = false;

  constructor(options: NearCacheOptions = {}) {
    const { maxBytes } = options;
    const maxEntries = options.maxEntries ?? (maxBytes === undefined ? DEFAULT_MAX_ENTRIES : undefined);
    this.maxTtlMs = options.maxTtlMs;
    // lru-cache types its options as a union of "has max", "has maxSize" and "has ttl"; one is always set here.
    this.entries = new LRUCache<string, string>({
      ...(maxEntries !== undefined ? { max: maxEntries } : {}),
      ...(maxBytes !== undefined
        ? { maxSize: maxBytes, sizeCalculation: (value: string, key: string) => 2 * (value.length + key.length) }
        : {}),
    } as LRUCache.Options<string, string, unknown>);
  }

  /** Whether entries are served (every invalidation feed is up). */
  get isServing(): boolean {
    return this.serving;
  }

  /** Entries held now. */
  get size(): number {
    return this.entries.size;
  }

  /** The value held for a Redis key, or `undefined`. */
  get(key: string): string | undefined {
    return this.entries.get(key);
  }

  /** Marks a read of `key` from Redis as begun; `undefined` when nothing may be stored now. */
  begin(key: string): NearTicket | undefined {
    if (!this.serving) return undefined;
    const ticket: NearTicket = { key, epoch: this.epoch, invalidated: false };
    const waiting = this.pending.get(key);
    if (waiting) waiting.push(ticket);
    else this.pending.set(key, [ticket]);
    return ticket;
  }

  /**
   * Ends a read begun with `begin`: stores `value` for `ttlMs` (Redis's remaining TTL of the key)
   * unless the key was invalidated meanwhile, the tier stopped serving since, or there is no value.
   */
  settle(ticket: NearTicket, value: string | null, ttlMs: number): void {
    const waiting = this.pending.get(ticket.key);
    if (waiting) {
      const at = waiting.indexOf(ticket);
      if (at >= 0) waiting.splice(at, 1);
      if (waiting.length === 0) this.pending.delete(ticket.key);
    }
    if (value === null || ticket.invalidated || ticket.epoch !== this.epoch || !this.serving || !(ttlMs > 0)) return;
    // The entry lives no longer than Redis keeps the key (lru-cache checks the TTL on every read).
    this.entries.set(ticket.key, value, { ttl: this.maxTtlMs === undefined ? ttlMs : Math.min(ttlMs, this.maxTtlMs) });
  }

  /** Redis reported these keys changed (written, deleted, expired or evicted). */
  invalidate(keys: readonly string[]): void {
    for (const key of keys) {
      this.entries.delete(key);
      const waiting = this.pending.get(key);
      if (waiting) for (const ticket of waiting) ticket.invalidated = true;
    }
  }

  /** Drops everything, and refuses every read in flight (an invalidation may have been missed). */
  flush(): void {
    this.epoch++;
    this.entries.clear();
  }

  /** Starts or stops serving; stopping flushes, and so does starting (a fresh epoch for fresh feeds). */
  setServing(serving: boolean): void {
    if (serving === this.serving) return;
    this.flush();
    this.serving = serving;
  }
}
