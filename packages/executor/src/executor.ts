import type { EventOf, ExecutorEvents } from './events/executor-events';
import type { InputOf, OperationName, OutputOf } from './operations';

export interface SendOptions {
  /** Aborts the request, a wait in a queue, or a retry backoff. */
  readonly signal?: AbortSignal;
  /**
   * Whether sending this request twice has the effect of sending it once, so the SDK may re-send it
   * after a lost answer. Operations built by the model layer say so; when absent, the executor
   * decides from the request itself (`isIdempotent`).
   */
  readonly idempotent?: boolean;
  /**
   * Told of this request's own throttled attempts and retries (the executor's `events` carry every
   * request's). Wrappers that add one pass on the caller's too.
   */
  readonly observe?: (event: AttemptEvent) => void;
}

/** What `SendOptions.observe` is told about one request's attempts. */
export type AttemptEvent = EventOf<'throttle'> | EventOf<'retry'>;

/**
 * Everything the model layer sends to DynamoDB goes through `send`. Implement it to plug in your
 * own transport (tracing, DAX, a recording executor for tests); add behaviour by wrapping one
 * (`withConcurrencyLimit(executor, 32)`).
 */
export interface Executor {
  send<Op extends OperationName>(operation: Op, input: InputOf<Op>, options?: SendOptions): Promise<OutputOf<Op>>;
  /** Events of this executor; wrappers pass their inner executor's through. */
  readonly events?: ExecutorEvents;
  /** Releases what the executor owns (sockets); wrappers forward it to their inner executor. */
  destroy?(): void | Promise<void>;
}
