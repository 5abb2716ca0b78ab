import type { Executor } from '../executor';

/** The key attribute names of a table (hash first), read once with DescribeTable. */
export async function describeKeyAttributes(
  executor: Executor,
  table: string,
  signal?: AbortSignal,
): Promise<string[]> {
  const described = await executor.send('DescribeTable', { TableName: table }, { signal });
  const schema = described.Table?.KeySchema ?? [];
  return [...schema].sort((a) => (a.KeyType === 'HASH' ? -1 : 1)).map((element) => element.AttributeName ?? '');
}
