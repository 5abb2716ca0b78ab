// One stream decoder's speed, in a process of its own (no decoder runs in a heap or JIT state another
// left; run together, either one's speed moved by up to 2× with what ran before it). Argument:
// `dynamodel` (streamDecoder(shop).decode, each image an instance of its class) or `unmarshall` (the
// SDK's unmarshall of each record's images, nothing else). Prints one JSON line: { best, median } in
// records/s over ROUNDS rounds after a warm-up.
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { _Record as StreamRecord } from '@aws-sdk/client-dynamodb-streams';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { createConnection, streamDecoder } from '@dynamodel/core';
import { shop } from './shop';

const RECORDS = Number(process.env.BENCH_STREAM_RECORDS ?? 100_000);
const ROUNDS = Number(process.env.BENCH_STREAM_ROUNDS ?? 15);

/** Stream records as the Streams API returns them: a third inserts, a third modifies (both images), a third removals. */
export function streamRecords(count: number): StreamRecord[] {
  const records: StreamRecord[] = [];
  for (let i = 0; i < count; i++) {
    const purchase: Record<string, AttributeValue> = {
      pk: { S: `CUSTOMER#c${i % 100}` },
      sk: { S: `PURCHASE#p${i}` },
      _et: { S: 'Purchase' },
      customerId: { S: `c${i % 100}` },
      purchaseId: { S: `p${i}` },
      placed: { S: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString() },
      total: { N: String((i % 500) + 0.5) },
      status: { S: 'open' },
    };
    const changed = { ...purchase, status: { S: 'shipped' } };
    const kind = i % 3;
    records.push({
      eventID: String(i),
      eventName: kind === 0 ? 'INSERT' : kind === 1 ? 'MODIFY' : 'REMOVE',
      dynamodb: {
        Keys: { pk: purchase.pk as AttributeValue, sk: purchase.sk as AttributeValue },
        SequenceNumber: String(1_000_000 + i),
        StreamViewType: 'NEW_AND_OLD_IMAGES',
        ...(kind === 0
          ? { NewImage: purchase }
          : kind === 1
            ? { OldImage: purchase, NewImage: changed }
            : { OldImage: changed }),
      },
    });
  }
  return records;
}

async function main(): Promise<void> {
  const which = process.argv[2];
  const records = streamRecords(RECORDS);
  const connection = createConnection({ region: 'local', endpoint: 'http://127.0.0.1:9' });
  const decoder = streamDecoder(shop, { connection });
  let images = 0;
  const run =
    which === 'dynamodel'
      ? () => {
          // Every image is used, as a consumer would: nothing is left undecoded.
          for (const change of decoder.decode(records)) {
            if (change.model === undefined) throw new Error('a record of no model');
            if (change.newImage) images++;
            if (change.oldImage) images++;
          }
        }
      : () => {
          for (const record of records) {
            const data = record.dynamodb;
            if (data?.NewImage && unmarshall(data.NewImage)) images++;
            if (data?.OldImage && unmarshall(data.OldImage)) images++;
          }
        };
  for (let warm = 0; warm < 3; warm++) run();
  const rates: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const started = performance.now();
    run();
    rates.push(RECORDS / ((performance.now() - started) / 1000));
  }
  rates.sort((a, b) => a - b);
  await connection.close();
  if (images === 0) throw new Error('nothing decoded');
  console.log(JSON.stringify({ best: rates[rates.length - 1], median: rates[Math.floor(rates.length / 2)] }));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
