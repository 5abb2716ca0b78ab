import { ResourceNotFoundError, ServiceError, type Executor } from '@dynamodel/executor';
import type { LiveTable } from '../schema/table-diff';

/** What the endpoint says of a table now. */
export async function readLiveTable(executor: Executor, tableName: string, signal?: AbortSignal): Promise<LiveTable> {
  let table;
  try {
    table = (await executor.send('DescribeTable', { TableName: tableName }, { signal })).Table;
  } catch (error) {
    if (error instanceof ResourceNotFoundError) return { table: undefined, ttl: undefined, pointInTimeRecovery: false };
    throw error;
  }
  const { TimeToLiveDescription: ttl } = await executor.send(
    'DescribeTimeToLive',
    { TableName: tableName },
    { signal },
  );
  const on = ttl?.TimeToLiveStatus === 'ENABLED' || ttl?.TimeToLiveStatus === 'ENABLING';
  let pointInTimeRecovery: LiveTable['pointInTimeRecovery'];
  try {
    const { ContinuousBackupsDescription: backups } = await executor.send(
      'DescribeContinuousBackups',
      { TableName: tableName },
      { signal },
    );
    pointInTimeRecovery = backups?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus === 'ENABLED';
  } catch (error) {
    if (!(error instanceof ServiceError) || error.code !== 'UnknownOperationException') throw error;
    pointInTimeRecovery = 'unsupported';
  }
  return { table, ttl: on ? ttl?.AttributeName : undefined, pointInTimeRecovery };
}
