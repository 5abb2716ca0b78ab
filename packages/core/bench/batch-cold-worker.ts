// One cold start of the bulk-write benchmark (bench/batch.ts spawns it): in a fresh process, after
// as many raw BatchWriteItem writes as it is told (0: none, the client's code all cold), one A B B A
// round of the hand-written loop and Book.batchPut, the model's code running for the first time.
// Prints the round's timings as JSON.
import 'reflect-metadata';
import type { LocalClientConfig } from '@dynamodel/local';
import { batchPut, handLoop, round, sideOf, timed } from './batch';

async function main(): Promise<void> {
  const [configText, prefix, countText, order, warmupText] = process.argv.slice(2);
  const count = Number(countText);
  const sdkWarmup = Number(warmupText ?? 0);
  const side = sideOf(JSON.parse(configText ?? '{}') as LocalClientConfig, prefix ?? 'cold_');
  try {
    for (let done = 0; done < sdkWarmup; done += count / 2) await timed(side, handLoop, count / 2);
    console.log(JSON.stringify(await round(side, handLoop, batchPut, count, order === 'theirs-first')));
  } finally {
    side.client.destroy();
    await side.connection.close();
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
