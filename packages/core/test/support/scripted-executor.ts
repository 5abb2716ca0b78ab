import type { Executor, InputOf, OperationName, OutputOf, SendOptions } from '@dynamodel/executor';

/** What a scripted step does with one call: answer it itself, or pass it on with `send`. */
export type Step<Op extends OperationName = OperationName> = (
  input: InputOf<Op>,
  send: () => Promise<OutputOf<Op>>,
) => Promise<OutputOf<Op>>;

/**
 * A real executor with a script in front: the next call of an operation that has a queued step runs
 * that step (which may fail it, delay it, or send it and then lose the answer); every other call goes
 * straight through. `sent` counts calls that reached the inner executor, by operation.
 */
export class ScriptedExecutor implements Executor {
  readonly sent = new Map<OperationName, number>();
  private readonly steps = new Map<OperationName, Step[]>();

  constructor(private readonly inner: Executor) {}

  get events(): Executor['events'] {
    return this.inner.events;
  }

  /** Queues `step` for the next call of `operation`. */
  on<Op extends OperationName>(operation: Op, step: Step<Op>): this {
    const queue = this.steps.get(operation) ?? [];
    queue.push(step as unknown as Step);
    this.steps.set(operation, queue);
    return this;
  }

  count(operation: OperationName): number {
    return this.sent.get(operation) ?? 0;
  }

  pending(): number {
    return [...this.steps.values()].reduce((sum, queue) => sum + queue.length, 0);
  }

  send<Op extends OperationName>(operation: Op, input: InputOf<Op>, options?: SendOptions): Promise<OutputOf<Op>> {
    const send = (): Promise<OutputOf<Op>> => {
      this.sent.set(operation, this.count(operation) + 1);
      return this.inner.send(operation, input, options);
    };
    const step = this.steps.get(operation)?.shift() as Step<Op> | undefined;
    return step ? step(input, send) : send();
  }
}
