export type { Executor, SendOptions } from './executor';
export { DynamoExecutor, createDynamoExecutor, type DynamoExecutorOptions } from './sdk/dynamo-executor';
export {
  CAPACITY_OPERATIONS,
  isDataWrite,
  tableOf,
  type InputOf,
  type OperationMap,
  type OperationName,
  type OutputOf,
} from './operations';
export { isIdempotent } from './idempotency';
export {
  errorCode,
  isAbortError,
  isDeserializationError,
  isResponseLost,
  isThrottlingError,
  isTransientError,
  wasNeverSent,
} from './classify';
export { mapSdkError } from './map-error';
export { redactItemData, sanitizeMessage } from './sanitize';
export {
  EXECUTOR_CHANNEL,
  ExecutorEvents,
  type EventOf,
  type ExecutorEvent,
  type ExecutorEventType,
} from './events/executor-events';
export * from './errors';
export { Semaphore } from './limits/semaphore';
export { withConcurrencyLimit, type LimitedExecutor } from './limits/with-concurrency-limit';
export { withAdaptiveConcurrency, type AdaptiveConcurrencyOptions } from './limits/with-adaptive-concurrency';
export {
  withRateLimit,
  consumedUnits,
  type RateLimitOptions,
  type RateLimitedExecutor,
} from './limits/with-rate-limit';
export { TokenBucket, sleep } from './limits/token-bucket';
