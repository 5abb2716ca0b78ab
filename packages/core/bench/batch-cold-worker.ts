// One cold start of the bulk-write benchmark (bench/batch.ts spawns it): in a fresh process, after
// as many raw BatchWriteItem writes as it is told (0: none, the client's code all cold), one writer
// (the hand-written loop or Book.batchPut, its code running for the first time) on `count` items,
// in two runs of half as many into fresh tables. Prints the runs' mean timings as JSON.
import 'reflect-metadata';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import type { LocalClientConfig } from '@dynamodel/local';
import { batchPut, handLoop, meanTiming, sideOf, timed } from './batch';
import { Book } from './book';

async function main(): Promise<void> {
  const [configText, prefix, countText, writer, warmupText, serverPidText] = process.argv.slice(2);
  const count = Number(countText);
  const sdkWarmup = Number(warmupText ?? 0);
  const serverPid = serverPidText ? Number(serverPidText) : undefined;
  const side = sideOf(JSON.parse(configText ?? '{}') as LocalClientConfig, prefix ?? 'cold_', serverPid);
  try {
    // The connection's client has created the table; the raw client gets one untimed request too,
    // so that neither writer's first timed request is its client's first.
    await side.connection.syncTables([Book]);
    await side.client.send(new DescribeTableCommand({ TableName: side.table }));
    for (let done = 0; done < sdkWarmup; done += count / 2) await timed(side, handLoop, count / 2);
    const run = writer === 'ours' ? batchPut : handLoop;
    const first = await timed(side, run, count / 2);
    const second = await timed(side, run, count / 2);
    // JSON has no NaN; a server CPU that could not be read goes as null.
    console.log(JSON.stringify(meanTiming(first, second)));
  } finally {
    side.client.destroy();
    await side.connection.close();
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
