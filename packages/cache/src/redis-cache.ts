import { createHash, randomBytes } from 'node:crypto';
import type * as IORedis from 'ioredis';
import type { Cluster, Redis } from 'ioredis';
import type { Cache, CacheHit, CacheInvalidation, CacheLookup, CacheRef, FillOptions } from './cache';
import { CacheStoreError } from './cache-store-error';
import { NearTier, type NearCacheOptions, type NearTicket } from './near/near-tier';
import { NearTracking } from './near/near-tracking';
import { EntryReads, type EntryRead } from './entry-reads';
import { isTagSafePrefix, itemKeys, scopeKeys, type ScopeKeys } from './redis-keys';
import { FILL, INVALIDATE, LOOKUP, NEAR_READ } from './redis-scripts';

export interface RedisCacheOptions {
  /** Put in front of every key. Default `'dynamodel:'`. */
  readonly prefix?: string;
  /** How long a scope's generation token lives after it was created or renewed. Default 10 minutes. */
  readonly generationTtlMs?: number;
  /**
   * Keep the hottest entries in this process too, kept coherent by Redis's invalidation pushes
   * (`CLIENT TRACKING`): a hit there costs no round trip. `true` for the defaults. See docs/cache.md,
   * "The near tier", for what it guarantees.
   */
  readonly near?: true | NearCacheOptions;
}

/** What the near tier is doing now. */
export interface NearCacheStatus {
  /** Whether it serves entries (every invalidation connection is up). */
  readonly serving: boolean;
  /** Entries held. */
  readonly entries: number;
}

type RedisClient = Redis | Cluster;

/** An item entry's MGET pair, or its lookup answered already (by the lookup script, or the near tier). */
type EntryOutcome = EntryRead | CacheLookup;

const isEntryRead = (read: EntryOutcome): read is EntryRead => Array.isArray(read);

const DEFAULT_GENERATION_TTL_MS = 10 * 60_000;
const DEFAULT_HEARTBEAT_MS = 1_000;
/** Commands held back at most before the socket writes them (see `batchWrites`). */
const WRITE_BATCH = 8;

/** A Lua script and its SHA-1, sent with EVALSHA (EVAL once per node that does not know it yet). */
interface Script {
  readonly lua: string;
  readonly sha: string;
}

const script = (lua: string): Script => ({ lua, sha: createHash('sha1').update(lua).digest('hex') });
const SCRIPTS = {
  lookup: script(LOOKUP),
  nearRead: script(NEAR_READ),
  fill: script(FILL),
  invalidate: script(INVALIDATE),
};

/**
 * A `Cache` in Redis or Redis Cluster, on `ioredis`. Every step is one Lua script on one slot,
 * so lookups, fills and invalidations from any number of processes never interleave within a scope.
 *
 * Given a URL, it makes its own client, which gives up on a command after one failed reconnect
 * (`maxRetriesPerRequest: 1`) rather than holding it while Redis is away, and closes it on
 * `close()`. Given a client, it uses it as it is (with ioredis's defaults, commands wait for a
 * reconnect). Either way the mapper's cache timeout decides how long a read waits for the cache
 * before going to DynamoDB.
 */
export class RedisCache implements Cache {
  readonly client: RedisClient;
  private readonly owned: boolean;
  private readonly prefix: string;
  private readonly generationTtlMs: number;
  private readonly near: NearTier | undefined;
  private readonly tracking: NearTracking | undefined;
  /** Item-entry reads merged per turn (`entry-reads.ts`); a Cluster reads each entry alone. */
  private readonly entryReads: EntryReads<CacheRef> | undefined;
  /** The socket whose writes are held until this turn ends (see `batchWrites`). */
  private corked: { cork(): void; uncork(): void } | undefined;
  private batched = 0;

  constructor(client: RedisClient | string, options: RedisCacheOptions = {}) {
    if (typeof client === 'string') {
      this.client = createClient(client);
      this.owned = true;
    } else {
      this.client = client;
      this.owned = false;
    }
    this.prefix = options.prefix ?? 'dynamodel:';
    if (!isTagSafePrefix(this.prefix)) {
      throw new TypeError(
        `RedisCache: the prefix ${JSON.stringify(this.prefix)} holds a brace, which Redis Cluster reads as a hash tag`,
      );
    }
    this.generationTtlMs = options.generationTtlMs ?? DEFAULT_GENERATION_TTL_MS;
    if (!this.client.isCluster) {
      this.entryReads = new EntryReads(
        (keys) => this.mgetNow(keys),
        (reply) => garbage('MGET of an entry', reply),
      );
    }
    if (options.near) {
      const near = options.near === true ? {} : options.near;
      this.near = new NearTier(near);
      this.tracking = new NearTracking(this.client, this.prefix, near.heartbeatMs ?? DEFAULT_HEARTBEAT_MS, this.near);
    }
  }

  /** The near tier's state; `undefined` without one. */
  get nearStatus(): NearCacheStatus | undefined {
    return this.near && { serving: this.near.isServing, entries: this.near.size };
  }

  peek(ref: CacheRef): CacheHit | undefined {
    const near = this.near;
    if (!near || ref.member) return undefined;
    const value = near.get(itemKeys(this.prefix, ref.table, ref.scope, ref.entry).entry);
    return value === undefined ? undefined : { hit: true, value, tier: 'near' };
  }

  lookup(refs: readonly CacheRef[]): Promise<CacheLookup[]> {
    // One lookup per entry (entries of a batch may sit on different Cluster slots); ioredis
    // pipelines them on the connection. A single `get` is most calls: its lookup answers the list
    // itself, with no Promise.all and no extra `then` to wrap it.
    if (refs.length === 1) return this.lookupOne(refs[0] as CacheRef, this.answerInList);
    return Promise.all(refs.map((ref) => this.lookupOne(ref, this.answerAlone)));
  }

  async fill(ref: CacheRef, token: string, value: string, options: FillOptions): Promise<boolean> {
    const keys = this.keys(ref.table, ref.scope);
    const stored = await this.run(
      SCRIPTS.fill,
      [keys.generation, keys.hold, keys.entry(ref.entry), keys.members],
      [token, value, String(Math.max(1, Math.round(options.ttlMs))), ref.member ? '1' : '0'],
    );
    if (stored !== 0 && stored !== 1) throw garbage('fill script', stored);
    return stored === 1;
  }

  async invalidate(invalidations: readonly CacheInvalidation[]): Promise<void> {
    await Promise.all(
      invalidations.map(async (invalidation) => {
        const keys = this.keys(invalidation.table, invalidation.scope);
        const entries = invalidation.entries.map((entry) => keys.entry(entry));
        this.near?.invalidate(entries);
        const reply = await this.run(
          SCRIPTS.invalidate,
          [keys.generation, keys.hold, keys.members, ...entries],
          [newToken(), String(this.generationTtlMs), String(Math.max(0, Math.round(invalidation.holdMs ?? 0)))],
        );
        if (reply !== 1) throw garbage('invalidate script', reply);
        // Read your own writes in this process without waiting for Redis's push: a GET sent before
        // the script (on the same connection, so answered before it) may have stored the old value.
        this.near?.invalidate(entries);
      }),
    );
  }

  /** Closes the near tier's connections, and the client if this cache made it (from a URL); a client you gave stays yours. */
  async close(): Promise<void> {
    this.tracking?.close();
    if (!this.owned) return;
    // QUIT needs a connection; without one (Redis is down) there is nothing to flush, only reconnects to stop.
    if (this.client.status === 'ready') await this.client.quit();
    else this.client.disconnect();
  }

  // Written with `then` rather than `async`/`await` on the path of a hit: it runs on every cached
  // read, and an async function's frame and promise cost a hit more than the rest of this method.
  // `answer` shapes the entry's lookup (alone, or as a list of one) where it is taken apart.
  private lookupOne<R>(ref: CacheRef, answer: (read: EntryOutcome, ref: CacheRef) => R | Promise<R>): Promise<R> {
    if (ref.member) return this.lookupByScript(ref).then((found) => answer(found, ref));
    const keys = itemKeys(this.prefix, ref.table, ref.scope, ref.entry);
    const key = keys.entry;
    const near = this.near;
    if (near) {
      const value = near.get(key);
      if (value !== undefined) return Promise.resolve(answer({ hit: true, value, tier: 'near' }, ref));
      const ticket = near.begin(key); // before the read is sent: a push for it may overtake its reply
      if (ticket) return this.readForNear(near, ticket, keys.generation, key).then((found) => answer(found, ref));
    }
    // An item's entry exists only while its scope's generation is the one it was filled under
    // (fills check the token, invalidations delete the entry), so reading the entry and the
    // scope's token in one MGET (one slot: they share a hash tag) is the lookup script's answer
    // read atomically, at the cost of a GET. Only a scope without a token yet (its first miss, or
    // after the token expired) runs the script, which creates one.
    if (this.entryReads) return this.entryReads.read(key, keys.generation, ref, answer);
    return this.mget([key, keys.generation]).then((reply) => {
      if (!Array.isArray(reply) || reply.length !== 2) throw garbage('MGET of an entry', reply);
      return answer(reply as unknown as EntryRead, ref);
    });
  }

  /** An item's lookup from its entry and its scope's token, read together (see `lookupOne`). */
  private readonly answerAlone = (read: EntryOutcome, ref: CacheRef): CacheLookup | Promise<CacheLookup> => {
    if (!isEntryRead(read)) return read;
    const [value, token] = read;
    if (typeof value === 'string') return { hit: true, value };
    if (value !== null || (token !== null && typeof token !== 'string')) {
      throw garbage('MGET of an entry', [value, token]);
    }
    return typeof token === 'string' ? { hit: false, token } : this.lookupByScript(ref);
  };

  /** `answerAlone`'s lookup as the list of one that `lookup` answers. */
  private readonly answerInList = (read: EntryOutcome, ref: CacheRef): CacheLookup[] | Promise<CacheLookup[]> => {
    const found = this.answerAlone(read, ref);
    return found instanceof Promise ? found.then((one) => [one]) : [found];
  };

  /** An MGET, sent with the turn's other commands (see `batchWrites`). */
  private mget(keys: string[]): Promise<unknown> {
    this.batchWrites();
    return this.client.mget(keys);
  }

  /**
   * A merged MGET (`entry-reads.ts`), written at once with whatever the socket held back: it
   * carries up to MAX_MERGED_READS reads already, and Redis starts on it while this process goes on
   * with the turn (held until the turn's end, Redis sat idle meanwhile: hits only, 10,000 keys,
   * 2026-12-06, ~0.78× the seed's pattern held, ~1.05× written at once).
   */
  private mgetNow(keys: string[]): Promise<unknown> {
    const sent = this.client.mget(keys);
    const corked = this.corked;
    if (corked) {
      corked.uncork();
      corked.cork();
      this.batched = 0;
    }
    return sent;
  }

  /** The lookup script: an entry, or its scope's token, created when the scope has none. */
  private async lookupByScript(ref: CacheRef): Promise<CacheLookup> {
    const keys = this.keys(ref.table, ref.scope);
    const reply = await this.run(
      SCRIPTS.lookup,
      [keys.generation, keys.entry(ref.entry)],
      [newToken(), String(this.generationTtlMs), ref.member ? '1' : '0'],
    );
    if (Array.isArray(reply) && reply.length === 2 && typeof reply[1] === 'string') {
      if (reply[0] === 1) return { hit: true, value: reply[1] };
      if (reply[0] === 0) return { hit: false, token: reply[1] };
    }
    throw garbage('lookup script', reply);
  }

  /**
   * An item's entry read for the near tier: the value with its remaining TTL (for how long the
   * tier may keep it), or the scope's token, in one script. The tier keeps the value unless a push
   * for the key arrived while the script was in flight.
   */
  private async readForNear(near: NearTier, ticket: NearTicket, generation: string, key: string): Promise<CacheLookup> {
    let kept: string | null = null;
    let ttlMs = 0;
    try {
      const reply = await this.run(SCRIPTS.nearRead, [generation, key], [newToken(), String(this.generationTtlMs)]);
      if (Array.isArray(reply) && typeof reply[1] === 'string') {
        if (reply.length === 3 && reply[0] === 1 && typeof reply[2] === 'number') {
          [kept, ttlMs] = [reply[1], reply[2]];
          return { hit: true, value: reply[1] };
        }
        if (reply.length === 2 && reply[0] === 0) return { hit: false, token: reply[1] };
      }
      throw garbage('near read script', reply);
    } finally {
      near.settle(ticket, kept, ttlMs); // every ticket is settled, whatever the reply
    }
  }

  /**
   * Holds the socket's writes until this turn of the event loop ends, or until a few commands are
   * waiting, so the commands of the reads that resume in one turn leave in a few writes rather than
   * one system call each, and Redis starts on the first ones while later ones are still being made
   * (writing them all at the turn's end left Redis idle meanwhile: packages/core/bench/hot-reads.ts,
   * hits only, 2026-12-05: ~0.62× the seed's pattern with one write per turn, ~0.72× with one per
   * WRITE_BATCH commands, ~0.55× with one per command).
   */
  private batchWrites(): void {
    const corked = this.corked;
    if (corked) {
      if (++this.batched < WRITE_BATCH) return;
      this.batched = 0;
      corked.uncork();
      corked.cork();
      return;
    }
    const stream = (this.client as Partial<Redis>).stream;
    // A Cluster writes to each node's own connection; a client not connected queues commands itself.
    if (!stream || this.client.status !== 'ready') return;
    stream.cork();
    this.corked = stream;
    this.batched = 0;
    process.nextTick(() => {
      this.corked = undefined;
      stream.uncork();
    });
  }

  private keys(table: string, scope: string): ScopeKeys {
    return scopeKeys(this.prefix, table, scope);
  }

  /** EVALSHA, and EVAL when this node has not seen the script yet (after a restart, or a new Cluster node). */
  private async run(script: Script, keys: readonly string[], args: readonly string[]): Promise<unknown> {
    this.batchWrites();
    try {
      return await this.client.evalsha(script.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return this.client.eval(script.lua, keys.length, ...keys, ...args);
    }
  }
}

function createClient(url: string): Redis {
  // Loaded only here: a program using MemoryCache alone does not need ioredis installed.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Redis: RedisClass } = require('ioredis') as typeof IORedis;
  // The offline queue stays on: commands sent before the first connection completes must wait for it.
  // No auto-pipelining: with 32 reads in flight on loopback it made cached reads ~15% slower
  // (packages/core/bench/hot-reads.ts, 2026-12-05), as did a pipeline per event-loop turn.
  const client = new RedisClass(url, { maxRetriesPerRequest: 1 });
  // Without a listener ioredis prints every failed reconnect; the failure reaches the mapper anyway,
  // as the rejection of each command sent meanwhile (and the mapper reports it as a cache event).
  client.on('error', () => undefined);
  return client;
}

function garbage(command: string, reply: unknown): CacheStoreError {
  const shown = JSON.stringify(reply)?.slice(0, 80) ?? String(reply);
  return new CacheStoreError(`Redis answered the cache's ${command} with ${shown}, not what it returns`);
}

/**
 * A generation token no other process or earlier token has used: this process's random prefix and a
 * counter (a miss needs one, and a random draw per miss was most of a lookup's own CPU).
 */
const tokenPrefix = randomBytes(12).toString('base64url');
let tokenCount = 0;
function newToken(): string {
  return `${tokenPrefix}${(tokenCount++).toString(36)}`;
}
