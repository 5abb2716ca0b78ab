import { isThrottlingError } from '../classify';
import { ExecutorEvents } from '../events/executor-events';
import type { AttemptEvent, Executor } from '../executor';
import { wrapExecutor } from '../wrap-executor';
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
 * after a full window of successes. It reacts only to throttles of *its own* requests: each one is
 * sent with `SendOptions.observe`, which the SDK-backed executor calls for every throttled attempt,
 * including those the SDK retried away (its retry quota drains, docs/reliability.md §0.2); a thrown
 * throttling error counts when no attempt was observed. Other callers of a shared inner executor
 * never move this limit.
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

  // The cap itself is withConcurrencyLimit's; this layer only watches its own requests and moves it.
  const observed = wrapExecutor(
    executor,
    async (operation, input, sendOptions, next) => {
      let throttled = false;
      const observe = (event: AttemptEvent): void => {
        if (event.type === 'throttle') {
          throttled = true;
          onThrottle();
        }
        sendOptions.observe?.(event);
      };
      try {
        const output = await next(operation, input, { ...sendOptions, observe });
        onSuccess();
        return output;
      } catch (error) {
        // An executor that does not report attempts: the thrown throttle is all we can see.
        if (!throttled && isThrottlingError(error)) onThrottle();
        throw error;
      }
    },
    { events }, // an inner executor without events still gets the limit's own
  );
  return withConcurrencyLimit(observed, limiter);
}
