import { RequestAbortedError } from '../errors';

/**
 * Capacity units refilled continuously at `ratePerSecond`, up to `burst`. Spending may go below
 * zero (DynamoDB reports what a request cost only afterwards); callers then wait for the debt to
 * be refilled before their next request.
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    readonly ratePerSecond: number,
    readonly burst: number = ratePerSecond,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!(ratePerSecond > 0)) throw new RangeError(`A rate must be > 0, got ${ratePerSecond}`);
    this.tokens = burst;
    this.updatedAt = now();
  }

  get available(): number {
    this.refill();
    return this.tokens;
  }

  spend(units: number): void {
    this.refill();
    this.tokens -= units;
  }

  /** How long until the balance is positive again (0 if it is). */
  waitMs(): number {
    this.refill();
    return this.tokens > 0 ? 0 : Math.max(1, Math.ceil((-this.tokens / this.ratePerSecond) * 1000));
  }

  /** Resolves when the balance is positive; rejects with AbortError if `signal` fires first. */
  async ready(signal?: AbortSignal): Promise<void> {
    for (let wait = this.waitMs(); wait > 0; wait = this.waitMs()) {
      await sleep(wait, signal);
    }
  }

  /**
   * Waits until the balance is positive, then spends `units` in the same step: concurrent callers
   * cannot all pass on one positive balance (what `ready` then `spend` would allow).
   */
  async take(units: number, signal?: AbortSignal): Promise<void> {
    for (let wait = this.waitMs(); wait > 0; wait = this.waitMs()) {
      await sleep(wait, signal);
    }
    this.spend(units);
  }

  private refill(): void {
    const time = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((time - this.updatedAt) / 1000) * this.ratePerSecond);
    this.updatedAt = time;
  }
}

/** setTimeout as a promise that an AbortSignal cancels. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new RequestAbortedError('Aborted while waiting'));
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new RequestAbortedError('Aborted while waiting'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
