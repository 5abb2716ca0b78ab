import { DynamoExecutor, type Executor, type OperationName } from '@dynamodel/executor';
import type { LocalClientConfig } from '@dynamodel/local';

/** A request held after DynamoDB answered it: `answered` resolves then, and the caller gets the answer on `release()`. */
export interface Gate {
  readonly answered: Promise<void>;
  release(): void;
}

/** A real executor that records what it sends and can hold a chosen request's answer (deterministic races, no sleeps). */
export interface GatedExecutor extends Executor {
  readonly calls: { readonly operation: OperationName; readonly input: unknown }[];
  count(operation?: OperationName): number;
  /** Holds the answer of the next `operation` sent. */
  holdNext(operation: OperationName): Gate;
  /** The next `operation` is sent to DynamoDB, then rejected with `error` instead of answered. */
  failNext(operation: OperationName, error: Error): void;
  destroy(): void;
}

export function gatedExecutor(config: LocalClientConfig, inner: Executor = new DynamoExecutor(config)): GatedExecutor {
  const calls: GatedExecutor['calls'] = [];
  const held = new Map<OperationName, { answered: () => void; released: Promise<void> }>();
  const failing = new Map<OperationName, Error>();
  return {
    calls,
    events: inner.events,
    async send(operation, input, options) {
      calls.push({ operation, input });
      const gate = held.get(operation);
      if (gate) held.delete(operation);
      const failure = failing.get(operation);
      if (failure) failing.delete(operation);
      const output = await inner.send(operation, input, options);
      if (failure) throw failure;
      if (gate) {
        gate.answered();
        await gate.released;
      }
      return output;
    },
    count: (operation) => calls.filter((call) => !operation || call.operation === operation).length,
    holdNext(operation) {
      let answered!: () => void;
      let release!: () => void;
      const gate: Gate = {
        answered: new Promise<void>((resolve) => (answered = resolve)),
        release: () => release(),
      };
      held.set(operation, { answered, released: new Promise<void>((resolve) => (release = resolve)) });
      return gate;
    },
    failNext: (operation, error) => void failing.set(operation, error),
    destroy: () => void inner.destroy?.(),
  };
}
