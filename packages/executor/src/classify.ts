import { isThrottlingError as sdkIsThrottling, isTransientError as sdkIsTransient } from '@smithy/core/retry';
import { OutcomeUnknownError, ThrottledError, TransientServiceError } from './errors';

// Pure predicates that classify an error before any retry decision (STYLE.md §5). Throttling and
// transient classification is the SDK's own, so our view never disagrees with its retry strategy.

interface ErrorShape {
  name?: string;
  code?: string;
  message?: string;
  cause?: unknown;
  $metadata?: { httpStatusCode?: number; requestId?: string; attempts?: number };
}

function shape(error: unknown): ErrorShape {
  return typeof error === 'object' && error !== null ? error : {};
}

/** DynamoDB's error code (the SDK puts it in `name`), or a Node network code. */
export function errorCode(error: unknown): string {
  const { name, code } = shape(error);
  if (name && name !== 'Error' && name !== 'TypeError') return name;
  return code ?? name ?? 'UnknownError';
}

export function isAbortError(error: unknown): boolean {
  return shape(error).name === 'AbortError';
}

/** ProvisionedThroughputExceeded, Throttling, RequestLimitExceeded, HTTP 429… (the SDK's list). */
export function isThrottlingError(error: unknown): boolean {
  if (error instanceof ThrottledError) return true;
  return typeof error === 'object' && error !== null && sdkIsThrottling(error as Parameters<typeof sdkIsThrottling>[0]);
}

/** 500/502/503/504, resets, timeouts and network failures (the SDK's list, causes included). */
export function isTransientError(error: unknown): boolean {
  if (error instanceof TransientServiceError) return true;
  return typeof error === 'object' && error !== null && sdkIsTransient(error as Parameters<typeof sdkIsTransient>[0]);
}

/** Codes meaning the request never reached DynamoDB, so a write certainly did not happen. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

export function wasNeverSent(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current && depth < 10; depth++) {
    const { code } = shape(current);
    if (code && NOT_SENT_CODES.has(code)) return true;
    current = shape(current).cause;
  }
  return false;
}

/**
 * A response body that could not be parsed (truncated, or a non-JSON 5xx). The SDK does not retry
 * these, and a write may have been applied (docs/reliability.md §0.4).
 */
export function isDeserializationError(error: unknown): boolean {
  const { name, message, $metadata } = shape(error);
  // An error that carries a 2xx status: DynamoDB said OK, but its answer could not be read.
  const status = $metadata?.httpStatusCode ?? 0;
  if (status >= 200 && status < 300) return true;
  return (
    name === 'SyntaxError' || (message !== undefined && /Deserialization error|Unexpected end of JSON/i.test(message))
  );
}

/** Any 5xx, whether the SDK counts it as transient (500/502/503/504) or not (501, 505…). */
export function isServerError(error: unknown): boolean {
  const status = shape(error).$metadata?.httpStatusCode ?? 0;
  return status >= 500 && status <= 599;
}

/**
 * The request may have reached DynamoDB but its answer was lost or unreadable: a write's outcome
 * is then unknown. Throttling is excluded (a throttled request is rejected before it is applied).
 */
export function isResponseLost(error: unknown): boolean {
  if (isAbortError(error) || isThrottlingError(error) || wasNeverSent(error)) return false;
  return isDeserializationError(error) || isServerError(error) || isTransientError(error);
}

export function requestIdOf(error: unknown): string | undefined {
  return shape(error).$metadata?.requestId;
}

export function attemptsOf(error: unknown): number | undefined {
  return shape(error).$metadata?.attempts;
}

/**
 * For requests that are safe to repeat (batch puts, deletes and reads): whether sending the same
 * request again later may succeed — throttled, transient, or answered in a way we could not read.
 */
export function isWorthResending(error: unknown): boolean {
  return (
    error instanceof OutcomeUnknownError || isThrottlingError(error) || isTransientError(error) || isResponseLost(error)
  );
}
