import type { Executor } from '../executor';
import { wrapExecutor } from '../wrap-executor';
import { Semaphore } from './semaphore';

/** An executor whose requests in flight never exceed `limiter.limit`. */
export interface LimitedExecutor extends Executor {
  readonly limiter: Semaphore;
}

/**
 * Caps the requests in flight through this executor at `limit`; further callers wait in arrival
 * order, and an aborted caller leaves the queue. Wrap once and share the result to cap a whole process.
 */
export function withConcurrencyLimit(executor: Executor, limit: number | Semaphore): LimitedExecutor {
  const limiter = typeof limit === 'number' ? new Semaphore(limit) : limit;
  return wrapExecutor(
    executor,
    async (operation, input, options, next) => {
      await limiter.acquire(options.signal);
      try {
        return await next(operation, input, options);
      } finally {
        limiter.release();
      }
    },
    { limiter },
  );
}
