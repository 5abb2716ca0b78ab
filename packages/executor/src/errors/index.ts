export { DynamodelError, describeContext, type DynamodelErrorOptions, type RequestContext } from './dynamodel-error';
export {
  AuthError,
  ConditionFailedError,
  ConfigurationError,
  IdempotentParameterMismatchError,
  OutcomeUnknownError,
  RequestAbortedError,
  ResourceInUseError,
  ResourceNotFoundError,
  ServiceError,
  ThrottledError,
  TransactionCanceledError,
  TransientServiceError,
  type CancellationReason,
  type ServiceErrorOptions,
  type ThrottlingReason,
} from './service-errors';
export { ValidationError, type ValidationErrorOptions } from './validation-error';
