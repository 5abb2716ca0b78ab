import { DynamoExecutor, type Executor, type OperationName } from '@dynamodel/executor';
import type { LocalClientConfig } from '@dynamodel/local';
import { gate, type Gate } from './gate';

/** A real executor that records what it sends and can hold a chosen request's answer (deterministic races, no sleeps). */
export interface GatedExecutor extends Executor {
  readonly calls: { readonly operation: OperationName; readonly input: unknown }[];
  count(operation?: OperationName): number;
  /** Holds the answer of the next `operation` sent: the gate is reached once DynamoDB answered it. */
  holdNext(operation: OperationName): Gate;
  /** The next `operation` is sent to DynamoDB, then rejected with `error` instead of answered (after its hold, if held). */
  failNext(operation: OperationName, error: Error): void;
  destroy(): void;
}

export function gatedExecutor(config: LocalClientConfig, inner: Executor = new DynamoExecutor(config)): GatedExecutor {
  const calls: GatedExecutor['calls'] = [];
  const held = new Map<OperationName, ReturnType<typeof gate>>();
  const failing = new Map<OperationName, Error>();
  return {
    calls,
    events: inner.events,
    async send(operation, input, options) {
      calls.push({ operation, input });
      const hold = held.get(operation);
      if (hold) held.delete(operation);
      const failure = failing.get(operation);
      if (failure) failing.delete(operation);
      const output = await inner.send(operation, input, options);
      // Held first, then failed: a test can hold a failing answer until everything it races has happened.
      if (hold) {
        hold.arrive();
        await hold.released;
      }
      if (failure) throw failure;
      return output;
    },
    count: (operation) => calls.filter((call) => !operation || call.operation === operation).length,
    holdNext(operation) {
      const hold = gate();
      held.set(operation, hold);
      return hold.gate;
    },
    failNext: (operation, error) => void failing.set(operation, error),
    destroy: () => void inner.destroy?.(),
  };
}
