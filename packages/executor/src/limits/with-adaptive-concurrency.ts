import { isThrottlingError } from '../classify';
import { ExecutorEvents } from '../events/executor-events';
import type { Executor, SendOptions } from '../executor';
import type { InputOf, OperationName } from '../operations';
import { Semaphore } from './semaphore';
import { withConcurrencyLimit, type LimitedExecutor } from './with-concurrency-limit';

export interface AdaptiveConcurrencyOptions {
  /** Starting limit. Default 16. */
  readonly initial?: number;
  readonly min?: number;
  readonly max?: number;
  /** Factor applied on a throttle (multiplicative decrease). Default 0.5. */
  readonly decreaseFactor?: number;
  /** At most one decrease per this many ms, so one burst of throttles counts once. Default 250. */
  readonly cooldownMs?: number;
  /** Injectable clock for tests. */
  readonly now?: () => number;
}

/**
 * A concurrency limit that follows DynamoDB's answers (AIMD): halved on throttling, raised by one
 * after a full window of successes. Throttles are read from the inner executor's `throttle`
 * events, which include those the SDK retried away, and from thrown throttling errors; it does not
 * count on the SDK to absorb them (its retry quota drains, RELIABILITY.md §0.2).
 */
export function withAdaptiveConcurrency(executor: Executor, options: AdaptiveConcurrencyOptions = {}): LimitedExecutor {
  const min = options.min ?? 1;
  const max = options.max ?? 64;
  const factor = options.decreaseFactor ?? 0.5;
  const cooldownMs = options.cooldownMs ?? 250;
  const now = options.now ?? (() => performance.now());
  const limiter = new Semaphore(Math.min(max, Math.max(min, options.initial ?? 16)));
  const events = executor.events ?? new ExecutorEvents();
  let lastDecrease = -Infinity;
  let successes = 0;

  const setLimit = (limit: number, reason: 'throttle' | 'success'): void => {
    const previous = limiter.limit;
    if (limit === previous) return;
    limiter.limit = limit;
    events.emit({ type: 'concurrency-limit', limit, previous, reason });
  };
  const onThrottle = (): void => {
    const time = now();
    successes = 0;
    if (time - lastDecrease < cooldownMs) return;
    lastDecrease = time;
    setLimit(Math.max(min, Math.floor(limiter.limit * factor)), 'throttle');
  };
  const onSuccess = (): void => {
    if (++successes < limiter.limit) return;
    successes = 0;
    setLimit(Math.min(max, limiter.limit + 1), 'success');
  };
  if (executor.events) executor.events.on('throttle', onThrottle);

  // The cap itself is withConcurrencyLimit's; this layer only watches outcomes and moves it.
  const observed: Executor = {
    events,
    async send<Op extends OperationName>(operation: Op, input: InputOf<Op>, sendOptions?: SendOptions) {
      try {
        const output = await executor.send(operation, input, sendOptions);
        onSuccess();
        return output;
      } catch (error) {
        // Without events from the inner executor, a thrown throttle is all we can see.
        if (!executor.events && isThrottlingError(error)) onThrottle();
        throw error;
      }
    },
  };
  return withConcurrencyLimit(observed, limiter);
}
