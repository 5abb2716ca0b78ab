/** A call waiting for its deadline: `settle()` once it has an outcome. */
export interface Deadline {
  settle(): void;
}

interface Waiting extends Deadline {
  readonly at: number;
  /** Dropped when settled: the call's promise need not live until its deadline. */
  expire: (() => void) | undefined;
}

/**
 * Timeouts for calls that all share one duration (a connection's store calls): they expire in the
 * order they began, so one timer, armed for the oldest call still waiting, serves them all — a
 * cached read then costs a queue entry instead of a timer of its own. `expire` runs after the event
 * loop's next I/O phase (`setImmediate`): timers run before sockets are read, so after a long stretch
 * of synchronous work (hits served from memory, one after another) a reply that arrived in time
 * would otherwise count as late.
 */
export class Deadlines {
  /** Calls in the order they began; the slots before `head` are emptied (`undefined`). */
  private readonly queue: (Waiting | undefined)[] = [];
  private head = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly timeoutMs: number) {}

  /** Calls `expire` once `timeoutMs` have passed, unless settled first. */
  start(expire: () => void): Deadline {
    const waiting: Waiting = {
      at: Date.now() + this.timeoutMs,
      expire,
      settle() {
        this.expire = undefined;
      },
    };
    // Calls mostly settle in the order they began: drop the settled ones at the front as we go,
    // so the queue holds about the calls in flight, not every call of the last timeout. Their slots
    // are emptied at once: a settled call kept reachable until the next compaction (up to ~1,000
    // calls later) can outlive a young-generation collection and be copied, then promoted, for
    // nothing (the hot-reads bench's GC share moved within its noise, 4.3 % against 4.8 %).
    const { queue } = this;
    while (this.head < queue.length && (queue[this.head] as Waiting).expire === undefined)
      queue[this.head++] = undefined;
    this.compact();
    queue.push(waiting);
    if (!this.timer) this.arm(waiting.at);
    return waiting;
  }

  private arm(at: number): void {
    this.timer = setTimeout(this.fire, Math.max(0, at - Date.now()));
    // The calls themselves keep the process alive while they are pending; this timer need not.
    this.timer.unref();
  }

  private readonly fire = (): void => {
    this.timer = undefined;
    const now = Date.now();
    const { queue } = this;
    while (this.head < queue.length) {
      const waiting = queue[this.head] as Waiting;
      const { expire } = waiting;
      if (expire && waiting.at > now) break;
      queue[this.head++] = undefined;
      if (expire) {
        waiting.expire = undefined;
        setImmediate(expire);
      }
    }
    this.compact();
    if (this.head < queue.length) this.arm((queue[this.head] as Waiting).at);
  };

  /** Drops the entries before `head` (all settled or expired). */
  private compact(): void {
    const { queue } = this;
    if (this.head === queue.length) queue.length = 0;
    else if (this.head > 1_024) queue.splice(0, this.head);
    else return;
    this.head = 0;
  }
}
