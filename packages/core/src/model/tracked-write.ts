import { OutcomeUnknownError } from '@dynamodel/executor';
import { setOwn } from '../codecs/own-property';
import { beginWrite, endWrite, type WrittenSnapshot } from './stored-state';

/** What the library writes besides the instance's own values (a new version, `updatedAt`). */
export type Assigned = readonly (readonly [property: string, value: unknown])[];

/**
 * One write of an instance, as planned: what it will be known to hold once stored (captured from
 * what the request carries, before anything is awaited) and what it takes from the library then.
 * Every write path (put, create, save, transactions, batches) sends through `sendTracked` or
 * `begin`/`settle`, so `save()` always compares with what is really stored (model/stored-state.ts).
 */
export interface TrackedWrite {
  readonly instance: object;
  readonly snapshot: WrittenSnapshot;
  readonly assigned: Assigned;
}

/** How a write ended: stored, certainly not applied, or maybe applied (its answer was lost). */
export type WriteOutcome = 'stored' | 'failed' | 'unknown';

export function outcomeOf(error: unknown): WriteOutcome {
  return error instanceof OutcomeUnknownError ? 'unknown' : 'failed';
}

/** The write is being sent: its ticket, for `settle`. */
export function begin(write: TrackedWrite): number {
  return beginWrite(write.instance);
}

/** The write ended: once stored, the instance takes what the library assigned and records the snapshot. */
export function settle(write: TrackedWrite, ticket: number, outcome: WriteOutcome): void {
  if (outcome === 'stored') for (const [property, value] of write.assigned) setOwn(write.instance, property, value);
  endWrite(write.instance, ticket, write.snapshot, outcome);
}

/** Sends one write of an instance (`send` starts it) and settles it however it ends. */
export function sendTracked<R>(write: TrackedWrite, send: () => Promise<R>): Promise<R> {
  const ticket = begin(write);
  let sent: Promise<R>;
  try {
    sent = send();
  } catch (error) {
    settle(write, ticket, outcomeOf(error));
    throw error;
  }
  return sent.then(
    (result) => {
      settle(write, ticket, 'stored');
      return result;
    },
    (error: unknown) => {
      settle(write, ticket, outcomeOf(error));
      throw error;
    },
  );
}
