import type { ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import type { Executor } from '../executor';
import { wrapExecutor } from '../wrap-executor';
import { CAPACITY_OPERATIONS, type OperationName } from '../operations';
import { TokenBucket } from './token-bucket';

export interface RateLimitOptions {
  /** Read capacity units per second to stay under. */
  readonly readUnits?: number;
  /** Write capacity units per second to stay under. */
  readonly writeUnits?: number;
  /** Seconds of unused capacity that may be spent in one burst. Default 1. */
  readonly burstSeconds?: number;
  readonly now?: () => number;
}

const READS = new Set<OperationName>(['GetItem', 'Query', 'Scan', 'BatchGetItem', 'TransactGetItems']);

/** An executor that keeps consumed capacity under a budget, and exposes its buckets. */
export interface RateLimitedExecutor extends Executor {
  readonly read: TokenBucket | undefined;
  readonly write: TokenBucket | undefined;
}

/**
 * Keeps consumed read and write capacity under a per-second budget: a token bucket per kind, fed
 * by the `ConsumedCapacity` DynamoDB returns (the wrapper asks for it). A request waits while its
 * bucket is in debt.
 */
export function withRateLimit(executor: Executor, options: RateLimitOptions): RateLimitedExecutor {
  const burst = options.burstSeconds ?? 1;
  const bucket = (rate: number | undefined): TokenBucket | undefined =>
    rate === undefined ? undefined : new TokenBucket(rate, rate * burst, options.now);
  const read = bucket(options.readUnits);
  const write = bucket(options.writeUnits);

  return wrapExecutor(
    executor,
    async (operation, input, sendOptions, next) => {
      const target = !CAPACITY_OPERATIONS.has(operation) ? undefined : READS.has(operation) ? read : write;
      if (!target) return next(operation, input, sendOptions);
      // The request's cost is reserved before it is sent and corrected once DynamoDB tells it:
      // otherwise every request in flight would pass on the same positive balance, and a worker
      // with many of them would overshoot its budget by as many units.
      const reserved = estimatedUnits(input);
      await target.take(reserved, sendOptions.signal);
      const withCapacity = { ReturnConsumedCapacity: 'TOTAL', ...input } as typeof input;
      // A request that fails keeps its reservation: a failed condition check consumes capacity too.
      const output = await next(operation, withCapacity, sendOptions);
      target.spend(consumedUnits(output, withCapacity) - reserved);
      return output;
    },
    { read, write },
  );
}

/** Units a response says it consumed; an estimate (1 per item) when the server did not say. */
export function consumedUnits(output: object, input: object): number {
  const reported = (output as { ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[] }).ConsumedCapacity;
  const list = reported === undefined ? [] : Array.isArray(reported) ? reported : [reported];
  if (list.length > 0) return list.reduce((sum, entry) => sum + (entry.CapacityUnits ?? 0), 0);
  return estimatedUnits(input);
}

/** What a request is expected to cost before it is sent: 1 unit per item it names. */
function estimatedUnits(input: object): number {
  const batch = (input as { RequestItems?: Record<string, unknown[] | { Keys?: unknown[] }> }).RequestItems;
  if (batch) {
    return Object.values(batch).reduce(
      (sum, value) => sum + (Array.isArray(value) ? value.length : (value.Keys?.length ?? 0)),
      0,
    );
  }
  return 1;
}
