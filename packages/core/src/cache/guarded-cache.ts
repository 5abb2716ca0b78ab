import type { Cache, CacheHit, CacheInvalidation, CacheLookup, CacheRef } from '@dynamodel/cache';
import { Deadlines } from './deadlines';
import { ParsedTexts } from './parsed-texts';

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
  /** The items of the store's texts this connection read most recently, parsed once (`parsed-texts.ts`). */
  readonly parsed = new ParsedTexts();
  private restingUntil = 0;
  private readonly deadlines: Deadlines;

  constructor(
    readonly store: Cache,
    private readonly options: CacheGuardOptions,
  ) {
    this.deadlines = new Deadlines(options.timeoutMs);
  }

  /**
   * An item's entry if the store holds it in this process (`Cache.peek`): no promise, no timer.
   * `undefined` means ask `lookup` (which reports a resting store).
   */
  peek(ref: CacheRef, onFailure: (reason: string) => void): CacheHit | undefined {
    if (!this.store.peek || this.resting()) return undefined;
    try {
      return this.store.peek(ref);
    } catch (error) {
      return this.failed('peek', error, onFailure);
    }
  }

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

  // Written with `then` rather than `async`/`await`: it runs on every cached read, and each await
  // would cost the read another turn of the microtask queue.
  private call<R>(
    step: string,
    work: () => Promise<R>,
    onFailure: (reason: string) => void,
    evenResting: boolean,
  ): Promise<R | undefined> {
    if (!evenResting && this.resting()) {
      onFailure(`the cache store failed recently; skipping it until ${new Date(this.restingUntil).toISOString()}`);
      return Promise.resolve(undefined);
    }
    const failed = (error: unknown): undefined => this.failed(step, error, onFailure);
    try {
      // A store in this process's memory cannot hang on I/O: no timer for it.
      if (this.store.inProcess) return work().then(undefined, failed);
      return withDeadline(work(), this.deadlines, this.options.timeoutMs, failed);
    } catch (error) {
      return Promise.resolve(failed(error));
    }
  }

  /** Whether the store rests after a failure (the clock is read only after one). */
  private resting(): boolean {
    if (this.restingUntil === 0) return false;
    if (Date.now() < this.restingUntil) return true;
    this.restingUntil = 0;
    return false;
  }

  /** A store call that failed: reported, and the store rested. */
  private failed(step: string, error: unknown, onFailure: (reason: string) => void): undefined {
    this.restingUntil = Date.now() + this.options.restMs;
    onFailure(`cache ${step} failed: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}

/**
 * What `work` resolves to, or `failed`'s answer once it rejects or has taken longer than its deadline
 * (its late outcome is then ignored). Never rejects; one turn of the microtask queue after `work`.
 */
function withDeadline<R>(
  work: Promise<R>,
  deadlines: Deadlines,
  timeoutMs: number,
  failed: (error: unknown) => undefined,
): Promise<R | undefined> {
  return new Promise<R | undefined>((resolve) => {
    let late = false;
    const deadline = deadlines.start(() => {
      late = true;
      resolve(failed(new Error(`the store took over ${timeoutMs} ms`)));
    });
    work.then(
      (value) => {
        deadline.settle();
        resolve(value);
      },
      (error: unknown) => {
        deadline.settle();
        // A failure after the deadline was reported as the timeout already.
        if (!late) resolve(failed(error));
      },
    );
  });
}
