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
  | CacheEvent
  | LocalDynamoEvent
  | TableSettingEvent
  | {
      readonly type: 'concurrency-limit';
      readonly limit: number;
      readonly previous: number;
      readonly reason: 'throttle' | 'success';
    };

/**
 * What a model's read-through cache did (`@dynamodel/core` emits these on its connection's executor,
 * so cache metrics arrive on the same channel as request metrics). `count` is the number of entries
 * (a `batchGet` reports its hits as one event); `reason` says why for `error` and
 * `invalidation-failed`.
 */
export interface CacheEvent {
  readonly type: 'cache';
  readonly kind: CacheEventKind;
  readonly table: string;
  readonly count: number;
  readonly reason?: string;
  /**
   * For a `hit`: which tier served it — `'near'`, the in-process copy in front of a shared store
   * (`RedisCache({ near })`), or `'store'`, the store itself.
   */
  readonly tier?: 'near' | 'store';
}

/**
 * A connection with `endpoint: 'local'` started DynamoDB Local for this process (`@dynamodel/core`
 * emits it on the connection's events). `dbPath` is `undefined` for an in-memory instance, whose
 * data is gone when the last connection using it closes.
 */
export interface LocalDynamoEvent {
  readonly type: 'local-dynamo';
  readonly endpoint: string;
  readonly dbPath: string | undefined;
}

/**
 * A table setting the models declare that the endpoint cannot apply (DynamoDB Local has no
 * point-in-time recovery): `syncTables` goes on without it and says so here; on the service it is
 * applied.
 */
export interface TableSettingEvent {
  readonly type: 'table-setting';
  readonly table: string;
  readonly setting: 'pointInTimeRecovery';
  readonly status: 'unsupported';
  readonly reason: string;
}

export type CacheEventKind =
  /** Served from the cache, no request. */
  | 'hit'
  /** Not in the cache: read from DynamoDB. */
  | 'miss'
  /** A value read on a miss was stored. */
  | 'fill'
  /** A value read on a miss was not stored: a write invalidated its scope meanwhile. */
  | 'fill-refused'
  /** Entries invalidated after a write (or a write whose outcome is unknown). */
  | 'invalidate'
  /** A miss that joined another call's read of the same entry instead of sending its own. */
  | 'coalesced'
  /** The store failed, timed out or answered garbage: the call went to DynamoDB directly. */
  | 'error'
  /** A write succeeded but its invalidation failed: the old value may be served until its TTL. */
  | 'invalidation-failed';

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

  /** Whether an event of `type` would reach anyone (so a hot path need not build one for nobody). */
  listens(type: ExecutorEventType): boolean {
    return (this.listeners.get(type)?.size ?? 0) > 0 || this.diagnostics.hasSubscribers;
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
