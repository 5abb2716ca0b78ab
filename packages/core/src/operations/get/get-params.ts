import type { GetItemCommandInput } from '@aws-sdk/client-dynamodb';
import type { Item } from '../../codecs/object-codec';

// Each verb's SDK input is built by a pure function, unit-tested without a client (STYLE.md §2).

export function getItemParams(
  tableName: string,
  key: Item,
  options: { consistent?: boolean } = {},
): GetItemCommandInput {
  return options.consistent
    ? { TableName: tableName, Key: key, ConsistentRead: true }
    : { TableName: tableName, Key: key };
}
