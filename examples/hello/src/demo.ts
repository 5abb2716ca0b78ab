import {
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import type { LocalClientConfig } from '@dynamodel/local';

export interface DemoResult {
  readonly table: string;
  readonly stored: Record<string, unknown> | undefined;
}

/** Creates a table, puts one item and reads it back, reporting each step through `log`. */
export async function runDemo(
  config: LocalClientConfig,
  log: (line: string) => void,
  table = 'hello_tweets',
): Promise<DemoResult> {
  const client = new DynamoDBClient(config);
  try {
    await client.send(
      new CreateTableCommand({
        TableName: table,
        KeySchema: [{ AttributeName: 'tweetId', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'tweetId', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    await waitUntilTableExists({ client, maxWaitTime: 30 }, { TableName: table });
    log(`created table ${table}`);

    const item = { tweetId: { S: 't-1' }, author: { S: 'ana' }, text: { S: 'hello, DynamoDB' } };
    await client.send(new PutItemCommand({ TableName: table, Item: item }));
    log(`put item ${JSON.stringify(item)}`);

    const got = await client.send(new GetItemCommand({ TableName: table, Key: { tweetId: { S: 't-1' } } }));
    log(`got item ${JSON.stringify(got.Item)}`);
    return { table, stored: got.Item };
  } finally {
    client.destroy();
  }
}
