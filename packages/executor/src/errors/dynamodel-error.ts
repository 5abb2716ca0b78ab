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
  readonly operation: string | undefined;
  readonly table: string | undefined;
  readonly requestId: string | undefined;
  readonly attempts: number | undefined;

  constructor(message: string, options: DynamodelErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.operation = options.operation;
    this.table = options.table;
    this.requestId = options.requestId;
    this.attempts = options.attempts;
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
