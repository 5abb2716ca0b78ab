import type { Executor, SendOptions } from '../executor';
import type { InputOf, OperationName, OutputOf } from '../operations';
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
  return {
    limiter,
    events: executor.events,
    async send<Op extends OperationName>(
      operation: Op,
      input: InputOf<Op>,
      options: SendOptions = {},
    ): Promise<OutputOf<Op>> {
      await limiter.acquire(options.signal);
      try {
        return await executor.send(operation, input, options);
      } finally {
        limiter.release();
      }
    },
  };
}
