import type { WriteRequest } from '@aws-sdk/client-dynamodb';
import { OutcomeUnknownError, type SizedWriteRequest } from '@dynamodel/executor';
import { begin, settle, type TrackedWrite } from '../../model/tracked-write';

/**
 * The stored state of the instances a batch writes (model/stored-state.ts): an instance given to
 * `batchPut` records what its request carried once the engine reports it written (one given to
 * `batchDelete`, that it is not stored), becomes dirty when its outcome is unknown, and keeps its
 * state when it certainly was not written. Plain attributes or keys have no instance to track.
 */
export class BatchTracking {
  /** Writes in flight, by input position (an instance may be given twice: each is its own write). */
  private readonly pending = new Map<number, { write: TrackedWrite; ticket: number }>();

  /** `track` says what a written instance will be known to hold: what its request carried. */
  constructor(private readonly track: (instance: object, request: WriteRequest) => TrackedWrite | undefined) {}

  /** Wraps `toRequest`: an instance's put request begins a tracked write. */
  requests<In>(
    toRequest: (input: In) => WriteRequest | SizedWriteRequest,
    isInstance: (input: In) => boolean,
  ): (input: In, index: number) => WriteRequest | SizedWriteRequest {
    return (input, index) => {
      const request = toRequest(input);
      if (!isInstance(input)) return request;
      const write = this.track(input as object, 'request' in request ? request.request : request);
      if (write) this.pending.set(index, { write, ticket: begin(write) });
      return request;
    };
  }

  /** The engine stored the input at `index`, or may have. */
  written(index: number, outcome: 'written' | 'unknown'): void {
    this.end(index, outcome === 'written' ? 'stored' : 'unknown');
  }

  /** The input at `index` failed; an unknown outcome was already told through `written`. */
  failed(index: number, reason: unknown): void {
    if (!(reason instanceof OutcomeUnknownError)) this.end(index, 'failed');
  }

  /** The batch is over: what was never sent was not written. */
  finish(): void {
    for (const index of [...this.pending.keys()]) this.end(index, 'failed');
  }

  private end(index: number, outcome: 'stored' | 'failed' | 'unknown'): void {
    const entry = this.pending.get(index);
    if (!entry) return;
    this.pending.delete(index);
    settle(entry.write, entry.ticket, outcome);
  }
}
