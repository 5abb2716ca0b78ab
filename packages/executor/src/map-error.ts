import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import {
  attemptsOf,
  errorCode,
  isAbortError,
  isResponseLost,
  isThrottlingError,
  isTransientError,
  requestIdOf,
} from './classify';
import {
  AuthError,
  ConditionFailedError,
  IdempotentParameterMismatchError,
  ConfigurationError,
  DynamodelError,
  OutcomeUnknownError,
  RequestAbortedError,
  ResourceInUseError,
  ResourceNotFoundError,
  ServiceError,
  ThrottledError,
  TransactionCanceledError,
  TransientServiceError,
  ValidationError,
  describeContext,
  type CancellationReason,
  type ThrottlingReason,
} from './errors';
import { isDataWrite, type OperationName } from './operations';
import { sanitizeMessage } from './sanitize';

/** Thrown inside the SDK's retry loop when re-sending a non-idempotent write would be unsafe. */
export class ResendRefused extends Error {
  override name = 'ResendRefused';
  constructor(readonly previous: unknown) {
    super('re-sending a non-idempotent write after a lost response was refused');
  }
}

export interface ErrorContext {
  readonly operation: OperationName;
  readonly table: string | undefined;
  /** The error of an earlier attempt of this request whose answer was lost (it may have been applied). */
  readonly lostAnswer?: unknown;
}

const AUTH_CODES = new Set([
  'AccessDeniedException',
  'UnrecognizedClientException',
  'MissingAuthenticationTokenException',
  'IncompleteSignatureException',
  'InvalidSignatureException',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  'SignatureDoesNotMatch',
  'CredentialsProviderError',
]);

/** Turns whatever the SDK threw into one of our typed errors, keeping the original as `cause`. */
export function mapSdkError(error: unknown, context: ErrorContext): DynamodelError {
  if (error instanceof DynamodelError) return error;
  if (error instanceof ResendRefused) return outcomeUnknown(error.previous, context, 'resend refused');

  // An earlier attempt of this write may have been applied: whatever the last attempt says (a
  // refused connection, a throttle, an abort), it speaks only for itself, so the outcome is unknown.
  if (context.lostAnswer !== undefined && context.lostAnswer !== error && isDataWrite(context.operation)) {
    return outcomeUnknown(
      error,
      context,
      `an earlier attempt's answer was lost (${errorCode(context.lostAnswer)}); the last attempt's error`,
    );
  }
  const base = errorOptions(error, context);
  const { code } = base;
  const message = `${code}: ${safeMessage(error)}${describeContext(base)}`;
  const raw = error as Record<string, unknown>;

  if (isAbortError(error)) return new RequestAbortedError(`Request aborted${describeContext(base)}`, base);
  // The SDK's config resolver, before any request exists: a setup mistake, not a service answer.
  if (/^Region is missing/.test(safeMessage(error))) {
    return new ConfigurationError(
      `No AWS region is configured${describeContext(base)}: pass connect({ region }) (or region to the executor), ` +
        'or set AWS_REGION; nothing was sent',
      base,
    );
  }
  if (isThrottlingError(error)) return new ThrottledError(message, { ...base, reasons: throttlingReasons(raw) });
  switch (code) {
    case 'ConditionalCheckFailedException':
      return new ConditionFailedError(message, {
        ...base,
        item: raw.Item as Record<string, AttributeValue> | undefined,
      });
    case 'TransactionCanceledException':
      return new TransactionCanceledError(message, { ...base, reasons: cancellationReasons(raw) });
    case 'ValidationException':
      return new ValidationError(message, base);
    case 'ResourceNotFoundException':
      return new ResourceNotFoundError(message, base);
    case 'ResourceInUseException':
      return new ResourceInUseError(message, base);
    case 'IdempotentParameterMismatchException':
      return new IdempotentParameterMismatchError(
        `${code}: the ClientRequestToken was sent before, within its 10 minutes, with other actions; nothing was ` +
          `written. Re-send the very actions first sent with it, or use a new token${describeContext(base)}`,
        base,
      );
  }
  if (AUTH_CODES.has(code)) return new AuthError(message, base);
  if (isDataWrite(context.operation) && isResponseLost(error)) return outcomeUnknown(error, context, 'response lost');
  if (isTransientError(error) || code === 'TransactionConflictException')
    return new TransientServiceError(message, base);
  return new ServiceError(message, base);
}

function outcomeUnknown(error: unknown, context: ErrorContext, why: string): OutcomeUnknownError {
  const base = errorOptions(error, context);
  return new OutcomeUnknownError(
    `The write may or may not have been applied (${why}: ${base.code}: ${safeMessage(error)})${describeContext(base)}. ` +
      'Read the item before sending it again.',
    base,
  );
}

/** Code, cause, operation, table, request id and attempts: what every mapped error carries. */
function errorOptions(error: unknown, context: ErrorContext) {
  return {
    code: errorCode(error),
    cause: error,
    operation: context.operation,
    table: context.table,
    requestId: requestIdOf(error),
    attempts: attemptsOf(error),
  };
}

function safeMessage(error: unknown): string {
  return sanitizeMessage(error instanceof Error ? error.message : String(error));
}

function throttlingReasons(raw: Record<string, unknown>): ThrottlingReason[] {
  // ProvisionedThroughputExceeded uses ThrottlingReasons; ThrottlingException uses throttlingReasons.
  const reasons = raw.ThrottlingReasons ?? raw.throttlingReasons;
  return Array.isArray(reasons) ? (reasons as ThrottlingReason[]) : [];
}

function cancellationReasons(raw: Record<string, unknown>): CancellationReason[] {
  const reasons = Array.isArray(raw.CancellationReasons) ? raw.CancellationReasons : [];
  return (reasons as { Code?: string; Message?: string; Item?: Record<string, AttributeValue> }[])
    .map((reason, index) => ({ index, code: reason.Code ?? 'None', message: reason.Message, item: reason.Item }))
    .filter((reason) => reason.code !== 'None');
}
