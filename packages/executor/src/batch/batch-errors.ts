import { DynamodelError, type DynamodelErrorOptions } from '../errors';

/** A batch item that was still unprocessed when its attempts or its time ran out. */
export class UnprocessedError extends DynamodelError {
  override name = 'UnprocessedError';
  readonly code = 'Unprocessed';
  readonly retryable = true;

  constructor(message: string, options: DynamodelErrorOptions = {}) {
    super(message, options);
  }
}

/** A batch stopped by its AbortSignal; `report` says what was written, failed and not attempted. */
export class BatchAbortedError<Report> extends DynamodelError {
  override name = 'AbortError';

  constructor(
    message: string,
    readonly report: Report,
  ) {
    super(message);
  }
}

/**
 * A batch stopped early because going on could not help: the table is missing, the credentials are
 * refused, or the input source threw. `cause` is that error; `report` counts every item taken, and
 * what was in flight when it stopped is settled in it.
 */
export class BatchStoppedError<Report> extends DynamodelError {
  override name = 'BatchStoppedError';

  constructor(
    message: string,
    readonly report: Report,
    options: DynamodelErrorOptions,
  ) {
    super(message, options);
  }
}
