import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { DynamodelError, setDefined, type DynamodelErrorOptions } from './dynamodel-error';

export interface ServiceErrorOptions extends DynamodelErrorOptions {
  /** DynamoDB's error code, e.g. `ProvisionedThroughputExceededException`. */
  readonly code: string;
}

/** An error DynamoDB (or the network between) returned. `code` is DynamoDB's error code. */
export class ServiceError extends DynamodelError {
  override name = 'ServiceError';
  readonly code: string;
  /** True when sending the same request again later may succeed. */
  readonly retryable: boolean = false;

  constructor(message: string, options: ServiceErrorOptions) {
    super(message, options);
    this.code = options.code;
  }
}

/** A transient failure (5xx, a reset connection, a timeout) that remained after the SDK's retries. */
export class TransientServiceError extends ServiceError {
  override name = 'TransientServiceError';
  override readonly retryable = true;
}

export interface ThrottlingReason {
  readonly reason?: string;
  readonly resource?: string;
}

/** DynamoDB throttled the request (ProvisionedThroughputExceeded, Throttling, RequestLimitExceeded…). */
export class ThrottledError extends ServiceError {
  override name = 'ThrottledError';
  override readonly retryable = true;
  readonly reasons: readonly ThrottlingReason[];

  constructor(message: string, options: ServiceErrorOptions & { reasons?: readonly ThrottlingReason[] }) {
    super(message, options);
    this.reasons = options.reasons ?? [];
  }
}

/** A ConditionExpression was false. `item` is the current item when ALL_OLD was requested. */
export class ConditionFailedError extends ServiceError {
  override name = 'ConditionFailedError';
  declare readonly item: Record<string, AttributeValue> | undefined;

  constructor(message: string, options: ServiceErrorOptions & { item?: Record<string, AttributeValue> }) {
    super(message, options);
    setDefined<ConditionFailedError>(this, { item: options.item });
  }
}

export interface CancellationReason {
  /** Position of the action in the request. */
  readonly index: number;
  /** `ConditionalCheckFailed`, `TransactionConflict`, `ThrottlingError`, `ValidationError`… */
  readonly code: string;
  readonly message?: string;
  readonly item?: Record<string, AttributeValue>;
  /** Filled in by the model layer: the model, kind (`put`, `update`…) and key of the action. */
  readonly model?: string;
  readonly action?: string;
  readonly key?: Readonly<Record<string, unknown>>;
}

/** A transaction was cancelled; `reasons` lists every action that was not `None`, by index. */
export class TransactionCanceledError extends ServiceError {
  override name = 'TransactionCanceledError';
  readonly reasons: readonly CancellationReason[];
  override readonly retryable: boolean;

  constructor(message: string, options: ServiceErrorOptions & { reasons: readonly CancellationReason[] }) {
    super(message, options);
    this.reasons = options.reasons;
    const retryableCodes = new Set(['TransactionConflict', 'ThrottlingError', 'ProvisionedThroughputExceeded']);
    this.retryable = this.reasons.length > 0 && this.reasons.every((r) => retryableCodes.has(r.code));
  }
}

/** The table (or index) does not exist, or is not ACTIVE yet. */
export class ResourceNotFoundError extends ServiceError {
  override name = 'ResourceNotFoundError';
}

/** The table is being created, updated or deleted, or already exists. */
export class ResourceInUseError extends ServiceError {
  override name = 'ResourceInUseError';
}

/** Credentials were missing, wrong or expired, or the caller is not allowed. No secret is in the message. */
export class AuthError extends ServiceError {
  override name = 'AuthError';
}

/**
 * A write whose response was lost or unreadable (reset after sending, timeout, truncated body, 5xx):
 * DynamoDB may or may not have applied it. Never read this as "the write failed": read the item, or
 * make the write conditional or transactional, before deciding to send it again.
 */
export class OutcomeUnknownError extends ServiceError {
  override name = 'OutcomeUnknownError';
  readonly outcomeUnknown = true;
}

/**
 * A `ClientRequestToken` was used again, within its 10 minutes, with other actions
 * (`IdempotentParameterMismatchException`; DynamoDB Local says only "UnknownError"). Nothing of this
 * request was written. Re-send exactly the actions first sent with the token (the same
 * `TransactionWrite` objects: rebuilding them takes a new `@UpdatedAt` time), or use a new token.
 */
export class IdempotentParameterMismatchError extends ServiceError {
  override name = 'IdempotentParameterMismatchError';
}

/** The caller's AbortSignal fired. Named `AbortError` like the platform's own. */
export class RequestAbortedError extends DynamodelError {
  override name = 'AbortError';
}

/**
 * The client is not configured to send anything: no region (set `region`, `AWS_REGION` or a profile's
 * region), or another setting the SDK needs before a request exists. Nothing was sent.
 */
export class ConfigurationError extends DynamodelError {
  override name = 'ConfigurationError';
  readonly code = 'ConfigurationError';
}
