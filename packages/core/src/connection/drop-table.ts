import { ResourceInUseError, ResourceNotFoundError, sleep, type Executor } from '@dynamodel/executor';

export type TableDropResult = 'deleted' | 'absent';

export interface DropTablesOptions {
  /** Also on an endpoint that is not on this machine (a real AWS account). Default `false`. */
  readonly force?: boolean;
  /** How long to wait for a table to be gone. Default 5 minutes. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

/** Whether an endpoint is on this machine (DynamoDB Local): the one place `dropTables` works without `force`. */
export function isLocalEndpoint(endpoint: string | undefined): boolean {
  if (!endpoint) return false;
  try {
    const host = new URL(endpoint).hostname;
    return host === '127.0.0.1' || host === 'localhost' || host === '[::1]' || host === '::1';
  } catch {
    return false; // not a URL we can read: treat it as remote
  }
}

/**
 * Deletes a table and waits until it is gone. A table that does not exist is `absent`; one still
 * being created or updated is waited for, then deleted.
 */
export async function dropTable(
  executor: Executor,
  tableName: string,
  options: DropTablesOptions = {},
): Promise<TableDropResult> {
  const deadline = Date.now() + (options.timeoutMs ?? 300_000);
  let delay = 50;
  for (;;) {
    try {
      await executor.send('DeleteTable', { TableName: tableName }, { signal: options.signal });
      break;
    } catch (error) {
      if (error instanceof ResourceNotFoundError) return 'absent';
      if (!(error instanceof ResourceInUseError) || Date.now() > deadline) throw error;
    }
    await sleep(delay, options.signal);
    delay = Math.min(delay * 2, 2_000);
  }
  for (;;) {
    try {
      await executor.send('DescribeTable', { TableName: tableName }, { signal: options.signal });
    } catch (error) {
      if (error instanceof ResourceNotFoundError) return 'deleted';
      throw error;
    }
    if (Date.now() > deadline) {
      throw new ResourceInUseError(`table ${tableName} was still being deleted when the wait ran out`, {
        code: 'TableNotDeleted',
        table: tableName,
        operation: 'DescribeTable',
      });
    }
    await sleep(delay, options.signal);
    delay = Math.min(delay * 2, 2_000);
  }
}
