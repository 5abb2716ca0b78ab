/** Pulls from an array, iterable or async iterable one element at a time, so a caller sets the pace. */
export function pullFrom<T>(source: Iterable<T> | AsyncIterable<T>): () => Promise<IteratorResult<T>> {
  if (Symbol.asyncIterator in source) {
    const iterator = source[Symbol.asyncIterator]();
    return () => iterator.next();
  }
  const iterator = source[Symbol.iterator]();
  return () => Promise.resolve(iterator.next());
}

export interface SourceReaderHandlers<T> {
  /** An element was taken from the source. */
  readonly onItem: (item: T) => void;
  /**
   * An async pull settled, or the source ended, failed or became idle: the consumer may take more,
   * flush a partial group, or finish.
   */
  readonly onChange: () => void;
}

/**
 * Reads a source with at most one pull pending, without ever blocking its consumer: a sync
 * iterable is read synchronously; an async one has one `next()` in flight while the consumer keeps
 * sending and retrying. `idle` turns true when a pull has stayed pending past one turn of the event
 * loop (the source waits on I/O, not on the CPU), which tells the consumer to stop waiting for a
 * full group and send what it has.
 */
export class SourceReader<T> {
  done = false;
  pending = false;
  idle = false;
  /** What the source threw, if it did; the source is then done. */
  error: unknown;
  /** Whether the source is an async iterable (its elements arrive later, not when requested). */
  readonly isAsync: boolean;
  private readonly iterator: Iterator<T> | AsyncIterator<T>;
  private pull = 0;

  constructor(
    source: Iterable<T> | AsyncIterable<T>,
    private readonly handlers: SourceReaderHandlers<T>,
  ) {
    this.isAsync = Symbol.asyncIterator in source;
    this.iterator = this.isAsync
      ? (source as AsyncIterable<T>)[Symbol.asyncIterator]()
      : (source as Iterable<T>)[Symbol.iterator]();
  }

  /** Takes the next element: now (sync source) or when its pull settles (async source). */
  request(): void {
    if (this.done || this.pending) return;
    if (!this.isAsync) {
      try {
        this.settle((this.iterator as Iterator<T>).next());
      } catch (error) {
        this.fail(error);
      }
      return;
    }
    this.pending = true;
    this.idle = false;
    const pull = ++this.pull;
    (this.iterator as AsyncIterator<T>).next().then(
      (result) => {
        this.pending = false;
        this.idle = false;
        this.settle(result);
      },
      (error: unknown) => {
        this.pending = false;
        this.fail(error);
      },
    );
    // Elements an async source has at hand arrive in microtasks, before this runs.
    setImmediate(() => {
      if (this.pending && this.pull === pull) {
        this.idle = true;
        this.handlers.onChange();
      }
    });
  }

  /** Stops reading and lets the source clean up (a generator's `finally` runs). */
  stop(): void {
    if (this.done) return;
    this.done = true;
    try {
      void Promise.resolve(this.iterator.return?.()).catch(() => undefined);
    } catch {
      // A source that throws while closing has nothing more to give; the run's report stands.
    }
  }

  private settle(result: IteratorResult<T>): void {
    if (this.done) return; // stopped while the pull was pending: the element is not taken
    if (result.done) {
      this.done = true;
      this.handlers.onChange();
    } else {
      this.handlers.onItem(result.value);
      // A sync source is read in its consumer's own loop; an async one tells the consumer it can take more.
      if (this.isAsync) this.handlers.onChange();
    }
  }

  private fail(error: unknown): void {
    if (this.done) return;
    this.done = true;
    this.error = error;
    this.handlers.onChange();
  }
}
