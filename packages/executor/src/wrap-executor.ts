import type { Executor, SendOptions } from './executor';
import type { InputOf, OperationName, OutputOf } from './operations';

/** The one thing a wrapper adds: how a request is sent, given the inner executor's `send` as `next`. */
export type SendThrough = <Op extends OperationName>(
  operation: Op,
  input: InputOf<Op>,
  options: SendOptions,
  next: <O extends OperationName>(operation: O, input: InputOf<O>, options?: SendOptions) => Promise<OutputOf<O>>,
) => Promise<OutputOf<Op>>;

/**
 * An executor that sends through `inner` with `send` in front, forwarding what every wrapper must:
 * the inner executor's `events` and `destroy`. Limits, tracing and test recorders are built on it,
 * so a stack of wrappers still closes its sockets and reports its events once.
 */
export function wrapExecutor<Extra extends object = object>(
  inner: Executor,
  send: SendThrough,
  extra?: Extra,
): Executor & Extra {
  const next = <O extends OperationName>(operation: O, input: InputOf<O>, options?: SendOptions) =>
    inner.send(operation, input, options);
  const wrapped: Executor = {
    events: inner.events,
    send: (operation, input, options = {}) => send(operation, input, options, next),
    destroy: () => inner.destroy?.(),
  };
  return Object.assign<Executor, Extra | undefined>(wrapped, extra);
}
