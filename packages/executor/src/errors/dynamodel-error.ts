/** Where a request error came from: the operation, table and request id, when known. */
export interface RequestContext {
  readonly operation?: string;
  readonly table?: string;
  /** DynamoDB's `x-amzn-RequestId`, to quote to AWS support. */
  readonly requestId?: string;
  /** How many attempts the SDK made (1 = no retry). */
  readonly attempts?: number;
}

export interface DynamodelErrorOptions extends RequestContext {
  readonly cause?: unknown;
}

/**
 * The one base class of every error Dynamodel raises. Service errors keep the AWS SDK's error as
 * `cause`. Messages carry operation, table, service code and request id — never credentials or
 * item contents.
 */
export class DynamodelError extends Error {
  override name = 'DynamodelError';
  // `declare`d and set only when known, so a printed error shows no `operation: undefined`.
  declare readonly operation: string | undefined;
  declare readonly table: string | undefined;
  declare readonly requestId: string | undefined;
  declare readonly attempts: number | undefined;

  constructor(message: string, options: DynamodelErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    setDefined<DynamodelError>(this, {
      operation: options.operation,
      table: options.table,
      requestId: options.requestId,
      attempts: options.attempts,
    });
  }
}

/** Sets the fields whose value is defined, and leaves the others absent (not own `undefined`s). */
export function setDefined<T extends object>(target: T, fields: { [K in keyof T]?: T[K] | undefined }): void {
  for (const key of Object.keys(fields) as (keyof T)[]) {
    const value = fields[key];
    if (value !== undefined) (target as Record<keyof T, unknown>)[key] = value;
  }
}

/** " (PutItem on table tweets, request ABC, 4 attempts)" — the tail every request error message gets. */
export function describeContext(context: RequestContext): string {
  const parts: string[] = [];
  if (context.operation)
    parts.push(context.table ? `${context.operation} on table ${context.table}` : context.operation);
  if (context.requestId) parts.push(`request ${context.requestId}`);
  if (context.attempts !== undefined) parts.push(`${context.attempts} attempt${context.attempts === 1 ? '' : 's'}`);
  return parts.length ? ` (${parts.join(', ')})` : '';
}
