import 'reflect-metadata';
import type { Executor, InputOf, OperationName } from '@dynamodel/executor';
import { Attribute, HashKey, Model, Table, createConnection } from '../src';

// Issue 12 §1: a streamed input of any length stays in bounded memory: a model's batchPut pulls
// (and builds and encodes) items only as fast as the writes are acknowledged.

@Table({ name: 'streamed' })
class Reading extends Model {
  @HashKey() sensor!: string;
  @Attribute() value!: number;
  @Attribute() at!: Date;
}

it('pulls a 200,000-item stream only as fast as writes are acknowledged', async () => {
  let pulled = 0;
  let acknowledged = 0;
  let maxAhead = 0;
  const acknowledging: Executor = {
    async send<Op extends OperationName>(_op: Op, input: InputOf<Op>) {
      await new Promise((resolve) => setImmediate(resolve));
      acknowledged += Object.values((input as InputOf<'BatchWriteItem'>).RequestItems ?? {}).flat().length;
      return { $metadata: {}, UnprocessedItems: {} } as never;
    },
  };
  const connection = createConnection({ executor: acknowledging, autoCreateTables: false });
  async function* stream(): AsyncGenerator<{ sensor: string; value: number; at: Date }> {
    for (let i = 0; i < 200_000; i++) {
      pulled++;
      maxAhead = Math.max(maxAhead, pulled - acknowledged);
      yield { sensor: `s${i}`, value: i / 10, at: new Date(i) };
    }
  }
  const report = await Reading.using(connection).batchPut(stream(), { concurrency: 8 });
  expect(report).toMatchObject({ written: 200_000, failed: 0, calls: 8_000 });
  // Queue (2 × 8 × 25) plus the groups in flight (8 × 25), plus one item being admitted.
  expect(maxAhead).toBeLessThanOrEqual(8 * 25 * 3 + 1);
});
