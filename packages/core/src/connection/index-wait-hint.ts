import type { TableDescription } from '@aws-sdk/client-dynamodb';

/**
 * What a wait for an index that timed out adds to its error. On the service a long index build is
 * just a large backfill; on DynamoDB Local it is nearly always Local's thread pool, which 7 tables
 * with TTL enabled fill for good (docs/reliability.md §6.1) — a cause no status shows.
 */
export function indexWaitHint(table: TableDescription | undefined): string {
  const changing = (table?.GlobalSecondaryIndexes ?? []).filter(
    (index) => index.IndexStatus === 'CREATING' || index.IndexStatus === 'DELETING',
  );
  if (changing.length === 0) return '';
  const states = changing.map((index) => `${index.IndexName} ${index.IndexStatus}`).join(', ');
  return (
    ` (indexes: ${states}). On DynamoDB Local, index changes never finish while 7 or more tables ` +
    'have TTL enabled: disable TTL on the tables you do not need, or delete them, and run this again'
  );
}
