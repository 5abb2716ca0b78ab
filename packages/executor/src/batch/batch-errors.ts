import { DynamodelError, type DynamodelErrorOptions } from '../errors';

/** A batch item that was still unprocessed when its attempts or the batch's deadline ran out. */
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
