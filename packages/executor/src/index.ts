export type { AttemptEvent, Executor, SendOptions } from './executor';
export { wrapExecutor, type SendThrough } from './wrap-executor';
export { DynamoExecutor, createDynamoExecutor, type DynamoExecutorOptions } from './sdk/dynamo-executor';
export {
  CAPACITY_OPERATIONS,
  isDataWrite,
  OPERATIONS,
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
  isWorthResending,
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
  type CacheEvent,
  type LocalDynamoEvent,
  type TableSettingEvent,
  type CacheEventKind,
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
export {
  batchWrite,
  type BatchWriteFailure,
  type BatchWriteOptions,
  type BatchWriteProgress,
  type BatchWriteReport,
  type SizedWriteRequest,
} from './batch/batch-write';
export { batchGet, type BatchGetFailure, type BatchGetOptions, type BatchGetReport } from './batch/batch-get';
export { BatchAbortedError, BatchStoppedError, UnprocessedError } from './batch/batch-errors';
export { describeKeyAttributes } from './batch/table-key';
export { fullJitterDelay, type BackoffOptions } from './batch/backoff';
export { keyString, type Key } from './batch/item-key';
export {
  MAX_BYTES_PER_CHAR,
  MAX_ITEM_BYTES,
  MAX_NUMBER_BYTES,
  attributeValueBound,
  attributeValueSize,
  itemSize,
  itemSizeBound,
  numberSize,
} from './item-size';
