import { RequestAbortedError } from '../errors';

interface Waiter {
  resolve: () => void;
  reject: (error: Error) => void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

/**
 * Counts permits in use against a limit that can change at run time. Waiters are served in
 * arrival order; a waiter whose signal aborts leaves the queue at once.
 */
export class Semaphore {
  private active = 0;
  private readonly waiters: Waiter[] = [];
  private limitValue: number;

  constructor(limit: number) {
    this.limitValue = Semaphore.check(limit);
  }

  get limit(): number {
    return this.limitValue;
  }

  set limit(value: number) {
    this.limitValue = Semaphore.check(value);
    this.drain();
  }

  /** Permits in use. */
  get inUse(): number {
    return this.active;
  }

  /** Callers waiting for a permit. */
  get queued(): number {
    return this.waiters.length;
  }

  acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(new RequestAbortedError('Aborted while waiting for a request slot'));
    if (this.active < this.limitValue && this.waiters.length === 0) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, signal, onAbort: undefined };
      if (signal) {
        waiter.onAbort = () => {
          const index = this.waiters.indexOf(waiter);
          if (index >= 0) this.waiters.splice(index, 1);
          reject(new RequestAbortedError('Aborted while waiting for a request slot'));
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.waiters.push(waiter);
    });
  }

  release(): void {
    this.active--;
    this.drain();
  }

  private drain(): void {
    while (this.active < this.limitValue && this.waiters.length > 0) {
      const waiter = this.waiters.shift() as Waiter;
      if (waiter.onAbort) waiter.signal?.removeEventListener('abort', waiter.onAbort);
      this.active++;
      waiter.resolve();
    }
  }

  private static check(limit: number): number {
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError(`A concurrency limit must be an integer ≥ 1, got ${limit}`);
    return limit;
  }
}
