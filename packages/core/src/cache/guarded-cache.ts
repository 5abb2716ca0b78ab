import type { Cache, CacheInvalidation, CacheLookup, CacheRef } from '@dynamodel/cache';

export interface CacheGuardOptions {
  /** The longest a store call may take before the caller goes to DynamoDB without it. */
  readonly timeoutMs: number;
  /** After a failure, lookups and fills skip the store this long (invalidations are always tried). */
  readonly restMs: number;
}

/**
 * A connection's cache store behind a timeout and a short rest after failures: a store that is
 * down, slow or answering garbage costs a read at most `timeoutMs` once, then nothing while it
 * rests, and caching resumes by itself. Each method resolves to `undefined` (or `false`) when the
 * store could not be used, having told `onFailure` why; it never rejects.
 */
export class GuardedCache {
  private restingUntil = 0;

  constructor(
    readonly store: Cache,
    private readonly options: CacheGuardOptions,
  ) {}

  lookup(refs: readonly CacheRef[], onFailure: (reason: string) => void): Promise<CacheLookup[] | undefined> {
    return this.call('lookup', () => this.store.lookup(refs), onFailure, false);
  }

  fill(
    ref: CacheRef,
    token: string,
    value: string,
    ttlMs: number,
    onFailure: (reason: string) => void,
  ): Promise<boolean | undefined> {
    return this.call('fill', () => this.store.fill(ref, token, value, { ttlMs }), onFailure, false);
  }

  /** Whether the store confirmed the invalidation. Tried even while resting: it is what keeps entries fresh. */
  async invalidate(invalidations: readonly CacheInvalidation[], onFailure: (reason: string) => void): Promise<boolean> {
    const done = await this.call(
      'invalidate',
      async () => {
        await this.store.invalidate(invalidations);
        return true;
      },
      onFailure,
      true,
    );
    return done === true;
  }

  private async call<R>(
    step: string,
    work: () => Promise<R>,
    onFailure: (reason: string) => void,
    evenResting: boolean,
  ): Promise<R | undefined> {
    if (!evenResting && Date.now() < this.restingUntil) {
      onFailure(`the cache store failed recently; skipping it until ${new Date(this.restingUntil).toISOString()}`);
      return undefined;
    }
    try {
      return await withTimeout(work(), this.options.timeoutMs);
    } catch (error) {
      this.restingUntil = Date.now() + this.options.restMs;
      onFailure(`cache ${step} failed: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
  }
}

function withTimeout<R>(work: Promise<R>, timeoutMs: number): Promise<R> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the store took over ${timeoutMs} ms`)), timeoutMs);
  });
  // Once timed out, the call's own late failure has been reported as the timeout already.
  work.catch(() => undefined);
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
