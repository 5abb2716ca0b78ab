// One cold start of the bulk-write benchmark (bench/batch.ts spawns it): in a fresh process, after
// as many raw BatchWriteItem writes as it is told (0: none, the client's code all cold), one A B B A
// round of the hand-written loop and Book.batchPut, the model's code running for the first time.
// Prints the round's timings as JSON.
import 'reflect-metadata';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createConnection } from '@dynamodel/core';
import type { LocalClientConfig } from '@dynamodel/local';
import { Book } from './book';
import { batchPut, handLoop, round, timed, type Side } from './batch';

async function main(): Promise<void> {
  const [configText, prefix, countText, order, warmupText] = process.argv.slice(2);
  const sdkWarmup = Number(warmupText ?? 0);
  const config = JSON.parse(configText ?? '{}') as LocalClientConfig;
  const count = Number(countText);
  const client = new DynamoDBClient(config);
  const connection = createConnection({ ...config, prefix: prefix ?? 'cold_' });
  const side: Side = { client, connection, table: connection.tableName(Book.schema()) };
  try {
    for (let done = 0; done < sdkWarmup; done += count / 2) await timed(side, handLoop, count / 2);
    const result =
      order === 'theirs-first'
        ? await round(side, handLoop, batchPut, count).then((r) => ({ theirs: r.first, ours: r.second }))
        : await round(side, batchPut, handLoop, count).then((r) => ({ theirs: r.second, ours: r.first }));
    console.log(JSON.stringify(result));
  } finally {
    client.destroy();
    await connection.close();
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
