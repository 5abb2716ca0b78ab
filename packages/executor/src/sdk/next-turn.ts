// The real `setImmediate`, not the global one: a test that fakes timers (`jest.useFakeTimers()`)
// replaces the global, and requests must not wait for it to advance the clock.
import { setImmediate } from 'node:timers';

/**
 * Starts every request made during one turn of the event loop together, at the loop's next check
 * phase (after it has read its sockets), instead of each inside the code that made it.
 *
 * Why: with many requests in flight, most are made by the continuation of another's response,
 * while the loop is still handling the responses that came with it. Started there, each request's
 * building, signing and writing interleaves with the reading of the others' responses; started
 * here, the responses of a pass are read together and the requests then built and sent together.
 * That run of one kind of work keeps its code and data warm in the CPU's caches (our reading of
 * it, not measured inside the CPU). `pnpm bench` (part `request-turns`,
 * `packages/core/bench/request-turns.ts`) measures it on one SDK client against DynamoDB Local, 32
 * callers each sending its next `GetItem` as its last returns: about half this process's CPU per
 * request, and 1.7–1.9× the requests a second, on Node 20 and 24 alike. The cost: a request made
 * outside any I/O callback waits for the rest of the loop's current pass. A request with none other
 * of its executor in flight is started at once by the executor (`dynamo-executor.ts`): there is
 * nothing to start it with, and waiting cost one caller at a time 0.96× the requests a second
 * (the control 0.98×).
 */
export function startNextTurn<R>(start: () => Promise<R>): Promise<R> {
  return new Promise<R>((resolve, reject) => {
    if (waiting.length === 0) setImmediate(startWaiting);
    waiting.push(() => {
      try {
        start().then(resolve, reject);
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  });
}

let waiting: (() => void)[] = [];

function startWaiting(): void {
  const starting = waiting;
  waiting = [];
  for (const begin of starting) begin();
}
