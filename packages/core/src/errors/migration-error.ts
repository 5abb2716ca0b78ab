import { DynamodelError } from '@dynamodel/executor';

/** What kind of problem a `MigrationError` reports. */
export type MigrationErrorCode =
  /** A migration is declared wrongly (`defineMigration`, or the list given to `migrator`). */
  | 'definition'
  /** A run option is out of range (segments, rate, lease…). */
  | 'options'
  /** The migrations and the history stored in DynamoDB disagree (an older one outstanding behind a newer one applied, a `down` missing). */
  | 'history'
  /** A dead-letter sink threw: the run stopped rather than lose the report of a failed item. */
  | 'dead-letter';

/**
 * A versioned data migration cannot be declared or run as asked. Raised before any item is
 * written where the problem is known in advance (definitions, history).
 */
export class MigrationError extends DynamodelError {
  override name = 'MigrationError';
  /** The model (or entity) the migrations are of. */
  readonly model: string;
  /** The migration's version, when the error is about one. */
  declare readonly version: number | undefined;
  readonly code: MigrationErrorCode;

  constructor(
    message: string,
    options: { model: string; version?: number; code: MigrationErrorCode; cause?: unknown },
  ) {
    const where = options.version === undefined ? options.model : `${options.model} migration ${options.version}`;
    super(`${where}: ${message} [${options.code}]`, options.cause === undefined ? undefined : { cause: options.cause });
    this.model = options.model;
    if (options.version !== undefined) (this as { version?: number }).version = options.version;
    this.code = options.code;
  }
}
