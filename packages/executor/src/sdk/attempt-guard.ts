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

/** One request's guard: its settings and what its attempts so far saw. */
interface GuardedRequest {
  readonly options: AttemptGuardOptions;
  attempt: number;
  previousError: unknown;
}

/** The requests in flight through `DynamoExecutor.send`, by input object. */
const guarded = new WeakMap<object, GuardedRequest>();

/** Registers a request about to be sent; `release` once it settled. `input` must not be in flight already. */
export function guardRequest(input: object, options: AttemptGuardOptions): void {
  guarded.set(input, { options, attempt: 0, previousError: undefined });
}

export function releaseRequest(input: object): void {
  guarded.delete(input);
}

/** Whether `input` is in flight through a guarded send (a second send of it needs its own copy). */
export function isGuarded(input: object): boolean {
  return guarded.has(input);
}

function report(options: AttemptGuardOptions, event: AttemptEvent): void {
  options.events.emit(event);
  if (!options.observe) return;
  try {
    options.observe(event);
  } catch {
    // An observer is a metrics hook (like an events listener): its failure must not fail the request.
  }
}

/**
 * A middleware that sits inside the SDK's retry loop and sees every attempt of a request sent by
 * `DynamoExecutor.send` (which registers it with `guardRequest`):
 * - it reports retries and throttles as events;
 * - it refuses to re-send a non-idempotent write whose previous attempt may have been applied
 *   (response lost: reset, timeout, 5xx). The SDK would otherwise send `ADD :1` twice
 *   (docs/reliability.md §0.3). A throttled or never-sent attempt is safe to retry and is.
 *
 * It is added to the client's stack once, not to each command: a per-command middleware made the
 * SDK rebuild the request's stack on every call, and rules out `cacheMiddleware`, which resolves
 * the stack once per command class (the largest part of the SDK's own CPU per call; see the
 * executor README). Each request is found by its input object, which the SDK passes
 * unchanged to every attempt; a request this executor did not register passes through untouched.
 */
export const attemptGuard: DeserializeMiddleware<object, MetadataBearer> =
  (next: DeserializeHandler<object, MetadataBearer>) => async (args: DeserializeHandlerArguments<object>) => {
    const request = guarded.get(args.input);
    if (!request) return next(args);
    const { options } = request;
    const attempt = ++request.attempt;
    if (attempt > 1) {
      if (!options.idempotent && isResponseLost(request.previousError)) throw new ResendRefused(request.previousError);
      report(options, {
        type: 'retry',
        operation: options.operation,
        table: options.table,
        attempt,
        reason: errorCode(request.previousError),
      });
    }
    try {
      return await next(args);
    } catch (error) {
      request.previousError = error;
      if (isResponseLost(error)) options.onLostAnswer?.(error);
      if (isThrottlingError(error)) {
        report(options, {
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

export const ATTEMPT_GUARD_OPTIONS = {
  step: 'deserialize',
  priority: 'high',
  name: 'dynamodelAttemptGuard',
  override: true,
} as const;
