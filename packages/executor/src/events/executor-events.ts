import { channel } from 'node:diagnostics_channel';
import type { OperationName } from '../operations';

/** The diagnostics channel every executor event is also published on. */
export const EXECUTOR_CHANNEL = 'dynamodel:executor';

interface EventBase {
  readonly operation: OperationName;
  readonly table: string | undefined;
}

/** What executors and the batch engine report. Payloads carry keys and counts, never item data or credentials. */
export type ExecutorEvent =
  | (EventBase & { readonly type: 'request' })
  | (EventBase & { readonly type: 'response'; readonly durationMs: number; readonly attempts: number })
  | (EventBase & {
      readonly type: 'error';
      readonly durationMs: number;
      readonly errorName: string;
      readonly code: string;
    })
  | (EventBase & { readonly type: 'retry'; readonly attempt: number; readonly reason: string })
  | (EventBase & { readonly type: 'throttle'; readonly attempt: number; readonly code: string })
  | (EventBase & { readonly type: 'unprocessed-resend'; readonly count: number; readonly delayMs: number })
  | {
      readonly type: 'concurrency-limit';
      readonly limit: number;
      readonly previous: number;
      readonly reason: 'throttle' | 'success';
    };

export type ExecutorEventType = ExecutorEvent['type'];
export type EventOf<T extends ExecutorEventType> = Extract<ExecutorEvent, { type: T }>;

/**
 * A small typed event bus: `on('throttle', fn)` for users, and `node:diagnostics_channel`
 * (`dynamodel:executor`) for tracing and metrics tools. A listener that throws is ignored.
 */
export class ExecutorEvents {
  private readonly listeners = new Map<ExecutorEventType, Set<(event: ExecutorEvent) => void>>();
  private readonly diagnostics = channel(EXECUTOR_CHANNEL);

  on<T extends ExecutorEventType>(type: T, listener: (event: EventOf<T>) => void): () => void {
    let set = this.listeners.get(type);
    if (!set) this.listeners.set(type, (set = new Set()));
    const wrapped = listener as (event: ExecutorEvent) => void;
    set.add(wrapped);
    return () => set.delete(wrapped);
  }

  emit(event: ExecutorEvent): void {
    const set = this.listeners.get(event.type);
    if (set) {
      for (const listener of set) {
        try {
          listener(event);
        } catch {
          // A broken metrics hook must not break a write.
        }
      }
    }
    if (this.diagnostics.hasSubscribers) this.diagnostics.publish(event);
  }
}
