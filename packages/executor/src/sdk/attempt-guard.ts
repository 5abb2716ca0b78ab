import type {
  DeserializeHandler,
  DeserializeHandlerArguments,
  DeserializeMiddleware,
  MetadataBearer,
} from '@smithy/types';
import { errorCode, isResponseLost, isThrottlingError } from '../classify';
import type { ExecutorEvents } from '../events/executor-events';
import type { AttemptEvent } from '../executor';
import { ResendRefused } from '../map-error';
import type { OperationName } from '../operations';

export interface AttemptGuardOptions {
  readonly operation: OperationName;
  readonly table: string | undefined;
  readonly idempotent: boolean;
  readonly events: ExecutorEvents;
  /**
   * Told the error of an attempt whose answer was lost (it may have been applied), so the caller
   * can report the request as outcome-unknown even when a later attempt fails for a reason that
   * alone would mean "not applied" (connection refused, throttled).
   */
  readonly onLostAnswer?: (error: unknown) => void;
  /** The request's own observer (`SendOptions.observe`), told of its retries and throttles. */
  readonly observe?: (event: AttemptEvent) => void;
}

/**
 * A middleware that sits inside the SDK's retry loop and sees every attempt of one request:
 * - it reports retries and throttles as events;
 * - it refuses to re-send a non-idempotent write whose previous attempt may have been applied
 *   (response lost: reset, timeout, 5xx). The SDK would otherwise send `ADD :1` twice
 *   (docs/reliability.md §0.3). A throttled or never-sent attempt is safe to retry and is.
 */
export function attemptGuard(options: AttemptGuardOptions): DeserializeMiddleware<object, MetadataBearer> {
  let attempt = 0;
  let previousError: unknown;
  const report = (event: AttemptEvent): void => {
    options.events.emit(event);
    if (!options.observe) return;
    try {
      options.observe(event);
    } catch {
      // An observer is a metrics hook (like an events listener): its failure must not fail the request.
    }
  };
  return (next: DeserializeHandler<object, MetadataBearer>) => async (args: DeserializeHandlerArguments<object>) => {
    attempt++;
    if (attempt > 1) {
      if (!options.idempotent && isResponseLost(previousError)) throw new ResendRefused(previousError);
      report({
        type: 'retry',
        operation: options.operation,
        table: options.table,
        attempt,
        reason: errorCode(previousError),
      });
    }
    try {
      return await next(args);
    } catch (error) {
      previousError = error;
      if (isResponseLost(error)) options.onLostAnswer?.(error);
      if (isThrottlingError(error)) {
        report({
          type: 'throttle',
          operation: options.operation,
          table: options.table,
          attempt,
          code: errorCode(error),
        });
      }
      throw error;
    }
  };
}

export const ATTEMPT_GUARD_OPTIONS = {
  step: 'deserialize',
  priority: 'high',
  name: 'dynamodelAttemptGuard',
  override: true,
} as const;
