import {
  BatchAbortedError,
  BatchStoppedError,
  DynamodelError,
  OutcomeUnknownError,
  RequestAbortedError,
  ValidationError,
} from '@dynamodel/executor';

/**
 * One input made ready to write: its key (to report a duplicate) and the write itself. Made when the
 * pool takes the input, so a bad one fails alone before anything is sent.
 */
export interface PreparedWrite<K> {
  /** The item's key as text (`keyString`), unique per item. */
  readonly id: string;
  /** The item's key as the caller reports it. */
  readonly key: K;
  /** Sends the write; resolves once stored. `signal` aborts it (the run's, or the item's timeout). */
  readonly send: (signal: AbortSignal | undefined) => Promise<unknown>;
}

export interface WritePoolOptions<In, K> {
  /** The model written, for messages. */
  readonly model?: string | undefined;
  /** Writes in flight at once (each under the connection's own bound and rate limit). Default 16. */
  readonly concurrency?: number;
  readonly signal?: AbortSignal | undefined;
  /** Abort an item's write this many ms after it was sent; it is then reported (outcome unknown). */
  readonly itemTimeoutMs?: number | undefined;
  /** How many failures the report keeps (the first ones). Default 100; `onFailure` sees every one. */
  readonly keepFailures?: number | undefined;
  readonly onFailure?: ((failure: PoolFailure<In, K>) => void) | undefined;
  /** Called after every write settles. */
  readonly onProgress?: ((progress: PoolProgress) => void) | undefined;
}

export interface PoolFailure<In, K> {
  readonly index: number;
  readonly input: In;
  /** The key, when the input could be prepared. */
  readonly key: K | undefined;
  /**
   * A `DynamodelError`: `ValidationError` for an input refused before sending (rule `duplicate-key`
   * for a key given twice), `OutcomeUnknownError` when the item may be stored, otherwise certainly
   * not written.
   */
  readonly reason: DynamodelError;
  /** Requests sent for it (0: refused before sending). */
  readonly attempts: number;
}

export interface PoolProgress {
  readonly written: number;
  readonly failed: number;
  readonly inFlight: number;
  /** Items settled (written or failed) per second since the run began. */
  readonly itemsPerSecond: number;
  readonly elapsedMs: number;
}

export interface PoolReport<In, K> {
  readonly written: number;
  /** Failed items (`written + failed + notAttempted` = inputs; for an iterable, inputs taken). */
  readonly failed: number;
  /** Of the failed, those that may be stored. */
  readonly outcomeUnknown: number;
  /** Inputs never sent after an abort or a stop (for an array, also those not taken). */
  readonly notAttempted: number;
  readonly failures: readonly PoolFailure<In, K>[];
  readonly elapsedMs: number;
}

/**
 * Writes every input with its own request (a conditional `PutItem` each), `concurrency` at a time,
 * pulling from the source only as fast as writes finish, and accounts for every input: written,
 * failed (with why), or not attempted after an abort or a stop. The single-item write path handles
 * throttling and retries (the SDK) and resolves lost answers where it can (a create reads the key
 * back); an item aborted while in flight may have landed, so it is reported `OutcomeUnknownError`.
 * A source or `onFailure` that throws stops the run (`BatchStoppedError`), an abort of `signal`
 * rejects with `BatchAbortedError`; both carry the report, with what was in flight settled.
 */
export async function runWritePool<In, K>(
  source: Iterable<In> | AsyncIterable<In>,
  prepare: (input: In, index: number) => PreparedWrite<K>,
  options: WritePoolOptions<In, K> = {},
): Promise<PoolReport<In, K>> {
  const concurrency = options.concurrency ?? 16;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new DynamodelError(`concurrency must be a whole number of at least 1, got ${String(concurrency)}`);
  }
  const started = Date.now();
  const keep = options.keepFailures ?? 100;
  const failures: PoolFailure<In, K>[] = [];
  const keysSeen = new Map<string, number>();
  const isArray = Array.isArray(source);
  let taken = 0;
  let written = 0;
  let failed = 0;
  let outcomeUnknown = 0;
  let inFlight = 0;
  let notSent = 0;
  let stop:
    | { readonly kind: 'abort' }
    | { readonly kind: 'source' | 'callback' | 'write'; readonly error: unknown }
    | undefined;

  const iterator = Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : source[Symbol.iterator]();
  // One pull at a time: an async iterator is not asked for two elements at once.
  let pulling: Promise<unknown> = Promise.resolve();
  const pull = (): Promise<{ input: In; index: number } | undefined> => {
    const next = pulling.then(async () => {
      if (stop) return undefined;
      let result: IteratorResult<In>;
      try {
        result = await iterator.next();
      } catch (error) {
        stop ??= { kind: 'source', error };
        return undefined;
      }
      if (result.done || stop) return undefined;
      return { input: result.value, index: taken++ };
    });
    pulling = next;
    return next;
  };

  const progress = (): void => {
    if (!options.onProgress) return;
    const elapsedMs = Date.now() - started;
    const settled = written + failed;
    try {
      options.onProgress({
        written,
        failed,
        inFlight,
        itemsPerSecond: elapsedMs > 0 ? (settled * 1_000) / elapsedMs : 0,
        elapsedMs,
      });
    } catch (error) {
      stop ??= { kind: 'callback', error };
    }
  };

  const fail = (failure: PoolFailure<In, K>): void => {
    failed++;
    if (failure.reason instanceof OutcomeUnknownError) outcomeUnknown++;
    if (failures.length < keep) failures.push(failure);
    if (!options.onFailure) return;
    try {
      options.onFailure(failure);
    } catch (error) {
      stop ??= { kind: 'callback', error };
    }
  };

  const writeOne = async (input: In, index: number): Promise<void> => {
    let prepared: PreparedWrite<K>;
    try {
      prepared = prepare(input, index);
    } catch (error) {
      // A refusal (a DynamodelError) fails this input alone; anything else is a bug: the run stops.
      if (!(error instanceof DynamodelError)) {
        stop ??= { kind: 'write', error };
        notSent++; // taken, never sent: accounted for as not attempted
        return;
      }
      fail({ index, input, key: undefined, reason: error, attempts: 0 });
      return;
    }
    const first = keysSeen.get(prepared.id);
    if (first !== undefined) {
      fail({ index, input, key: prepared.key, reason: duplicateKey(options.model, first, index), attempts: 0 });
      return;
    }
    keysSeen.set(prepared.id, index);
    const signal = itemSignal(options.signal, options.itemTimeoutMs);
    inFlight++;
    try {
      await prepared.send(signal);
      written++;
    } catch (error) {
      if (!(error instanceof DynamodelError)) {
        // Not an error of ours (your own executor threw something else): the write may have been
        // sent, so it counts as outcome unknown, and the run stops rather than guess about the rest.
        fail({
          index,
          input,
          key: prepared.key,
          reason: new OutcomeUnknownError(`The write failed with an unexpected error: ${describe(error)}`, {
            code: 'Unexpected',
            cause: error,
          }),
          attempts: 1,
        });
        stop ??= { kind: 'write', error };
        return;
      }
      fail({
        index,
        input,
        key: prepared.key,
        reason: maybeStored(error, options.itemTimeoutMs),
        attempts: attemptsOf(error),
      });
    } finally {
      inFlight--;
      // Arrays are checked for repeats over the whole input; a stream only over what is in flight
      // (a later repeat of a create fails on its condition anyway: ItemExistsError).
      if (!isArray) keysSeen.delete(prepared.id);
      progress();
    }
  };

  const onAbort = (): void => {
    stop ??= { kind: 'abort' };
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) onAbort();
  try {
    const workers = Array.from({ length: concurrency }, async () => {
      for (;;) {
        const next = await pull();
        if (!next) return;
        await writeOne(next.input, next.index);
      }
    });
    await Promise.all(workers);
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
  const report: PoolReport<In, K> = {
    written,
    failed,
    outcomeUnknown,
    notAttempted: notSent + (isArray ? (source as readonly In[]).length - taken : 0),
    failures,
    elapsedMs: Date.now() - started,
  };
  if (!stop) return report;
  if (stop.kind === 'abort')
    throw new BatchAbortedError('The bulk write was aborted; report holds what was done', report);
  const why =
    stop.kind === 'source'
      ? 'the input source threw'
      : stop.kind === 'write'
        ? 'an input could not be prepared or sent (an unexpected error)'
        : 'a callback (onFailure, onProgress) threw';
  throw new BatchStoppedError(`The bulk write stopped: ${why}: ${describe(stop.error)}`, report, { cause: stop.error });
}

/** The run's signal, and a timeout for this item alone. */
function itemSignal(signal: AbortSignal | undefined, timeoutMs: number | undefined): AbortSignal | undefined {
  if (timeoutMs === undefined) return signal;
  const timeout = AbortSignal.timeout(timeoutMs);
  return signal ? AbortSignal.any([signal, timeout]) : timeout;
}

/** A write aborted in flight (the run's abort, or its item timeout) may have landed: outcome unknown. */
function maybeStored(error: DynamodelError, timeoutMs: number | undefined): DynamodelError {
  if (!(error instanceof RequestAbortedError)) return error;
  const why = timeoutMs !== undefined ? ` (aborted: the run's signal, or itemTimeoutMs ${timeoutMs} ms)` : ' (aborted)';
  return new OutcomeUnknownError(`The write was in flight when it was aborted${why}, so it may be stored`, {
    code: 'Aborted',
    cause: error,
  });
}

function attemptsOf(error: DynamodelError): number {
  return error.attempts ?? 1;
}

function duplicateKey(model: string | undefined, first: number, index: number): DynamodelError {
  return new ValidationError(
    `${model ?? 'bulk write'}: input ${index} has the key of input ${first}, so it was not written ` +
      '(a key given twice is never written twice) [duplicate-key]',
    { ...(model !== undefined ? { model } : {}), rule: 'duplicate-key' },
  );
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
