/** Why DynamoDB Local could not be started or reached. */
export type LocalDynamoErrorCode = 'JAVA_MISSING' | 'BAD_DB_PATH' | 'JAR_MISSING' | 'START_FAILED' | 'START_TIMEOUT';

/** Raised by {@link startLocalDynamo} with a message that says what to do about it. */
export class LocalDynamoError extends Error {
  override readonly name = 'LocalDynamoError';

  constructor(
    readonly code: LocalDynamoErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
