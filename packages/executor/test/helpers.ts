import { CreateTableCommand, DynamoDBClient, type CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { localTestConfig } from '@dynamodel/local/jest';

/** Credentials whose every part is searched for in errors, events and logs (docs/reliability.md §9.2.12). */
export const CANARY = { accessKeyId: 'AKIDCANARY123', secretAccessKey: 'SECRET-CANARY', sessionToken: 'TOKEN-CANARY' };
export const SECRETS = ['SECRET-CANARY', 'TOKEN-CANARY', 'AKIDCANARY123', 'AWS4-HMAC-SHA256'];

/** A client straight to DynamoDB Local (not through the proxy), to check what really got stored. */
export function directClient(): DynamoDBClient {
  return new DynamoDBClient(localTestConfig());
}

export async function createTable(
  client: DynamoDBClient,
  name: string,
  key: { hash: string; range?: string } = { hash: 'pk' },
): Promise<void> {
  const input: CreateTableCommandInput = {
    TableName: name,
    BillingMode: 'PAY_PER_REQUEST',
    KeySchema: [
      { AttributeName: key.hash, KeyType: 'HASH' },
      ...(key.range ? [{ AttributeName: key.range, KeyType: 'RANGE' as const }] : []),
    ],
    AttributeDefinitions: [
      { AttributeName: key.hash, AttributeType: 'S' },
      ...(key.range ? [{ AttributeName: key.range, AttributeType: 'S' as const }] : []),
    ],
  };
  await client.send(new CreateTableCommand(input));
}
