import { createHash, randomBytes } from 'node:crypto';
import type * as IORedis from 'ioredis';
import type { Cluster, Redis } from 'ioredis';
import type { Cache, CacheInvalidation, CacheLookup, CacheRef, FillOptions } from './cache';
import { CacheStoreError } from './cache-store-error';
import { scopeKeys } from './redis-keys';
import { FILL, INVALIDATE, LOOKUP } from './redis-scripts';

export interface RedisCacheOptions {
  /** Put in front of every key. Default `'dynamodel:'`. */
  readonly prefix?: string;
  /** How long a scope's generation token lives after it was created or renewed. Default 10 minutes. */
  readonly generationTtlMs?: number;
}

type RedisClient = Redis | Cluster;

const DEFAULT_GENERATION_TTL_MS = 10 * 60_000;

/** A Lua script and its SHA-1, sent with EVALSHA (EVAL once per node that does not know it yet). */
interface Script {
  readonly lua: string;
  readonly sha: string;
}

const script = (lua: string): Script => ({ lua, sha: createHash('sha1').update(lua).digest('hex') });
const SCRIPTS = { lookup: script(LOOKUP), fill: script(FILL), invalidate: script(INVALIDATE) };

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

  constructor(client: RedisClient | string, options: RedisCacheOptions = {}) {
    if (typeof client === 'string') {
      this.client = createClient(client);
      this.owned = true;
    } else {
      this.client = client;
      this.owned = false;
    }
    this.prefix = options.prefix ?? 'dynamodel:';
    this.generationTtlMs = options.generationTtlMs ?? DEFAULT_GENERATION_TTL_MS;
  }

  async lookup(refs: readonly CacheRef[]): Promise<CacheLookup[]> {
    // One script per entry (entries of a batch may sit on different Cluster slots); ioredis
    // pipelines them on the connection.
    return Promise.all(refs.map((ref) => this.lookupOne(ref)));
  }

  async fill(ref: CacheRef, token: string, value: string, options: FillOptions): Promise<boolean> {
    const keys = scopeKeys(this.prefix, ref.table, ref.scope);
    const stored = await this.run(
      SCRIPTS.fill,
      [keys.generation, keys.hold, keys.entry(ref.entry), keys.members],
      [token, value, String(Math.max(1, Math.round(options.ttlMs))), ref.member ? '1' : '0'],
    );
    if (stored !== 0 && stored !== 1) throw garbage('fill', stored);
    return stored === 1;
  }

  async invalidate(invalidations: readonly CacheInvalidation[]): Promise<void> {
    await Promise.all(
      invalidations.map(async (invalidation) => {
        const keys = scopeKeys(this.prefix, invalidation.table, invalidation.scope);
        const reply = await this.run(
          SCRIPTS.invalidate,
          [keys.generation, keys.hold, keys.members, ...invalidation.entries.map((entry) => keys.entry(entry))],
          [newToken(), String(this.generationTtlMs), String(Math.max(0, Math.round(invalidation.holdMs ?? 0)))],
        );
        if (reply !== 1) throw garbage('invalidate', reply);
      }),
    );
  }

  /** Closes the client if this cache made it (from a URL); a client you gave stays yours. */
  async close(): Promise<void> {
    if (!this.owned) return;
    // QUIT needs a connection; without one (Redis is down) there is nothing to flush, only reconnects to stop.
    if (this.client.status === 'ready') await this.client.quit();
    else this.client.disconnect();
  }

  private async lookupOne(ref: CacheRef): Promise<CacheLookup> {
    const keys = scopeKeys(this.prefix, ref.table, ref.scope);
    const reply = await this.run(
      SCRIPTS.lookup,
      [keys.generation, keys.entry(ref.entry)],
      [newToken(), String(this.generationTtlMs), ref.member ? '1' : '0'],
    );
    if (Array.isArray(reply) && reply.length === 2 && typeof reply[1] === 'string') {
      if (reply[0] === 1) return { hit: true, value: reply[1] };
      if (reply[0] === 0) return { hit: false, token: reply[1] };
    }
    throw garbage('lookup', reply);
  }

  /** EVALSHA, and EVAL when this node has not seen the script yet (after a restart, or a new Cluster node). */
  private async run(script: Script, keys: readonly string[], args: readonly string[]): Promise<unknown> {
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
  const client = new RedisClass(url, { maxRetriesPerRequest: 1 });
  // Without a listener ioredis prints every failed reconnect; the failure reaches the mapper anyway,
  // as the rejection of each command sent meanwhile (and the mapper reports it as a cache event).
  client.on('error', () => undefined);
  return client;
}

function garbage(step: string, reply: unknown): CacheStoreError {
  const shown = JSON.stringify(reply)?.slice(0, 80) ?? String(reply);
  return new CacheStoreError(`Redis answered the cache ${step} script with ${shown}, not what the script returns`);
}

function newToken(): string {
  return randomBytes(12).toString('base64url');
}
