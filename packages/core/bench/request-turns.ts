// BENCH_PART=request-turns: what starting requests together at the event loop's next turn
// (packages/executor/src/sdk/next-turn.ts) does to requests sent back to back. The same SDK client
// — the executor's own — sends GetItem two ways, each caller sending its next request as soon as
// its last returns:
//
//   started where made   `executor.client.send(new GetItemCommand(...))`: the SDK called from the
//                        continuation of the caller's last response, as a hand-written loop does
//   next turn            `executor.send('GetItem', ...)`: the executor (its attempt guard and
//                        events included) starting it with the other requests of that turn
//   control              "started where made" again: its ratio to the first is the noise
//
// with 32 callers and with one, on one DynamoDB Local pinned to its own core. Reported: requests a
// second and this process's CPU per request, medians over rotating rounds, and the medians of
// same-round ratios.
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoExecutor } from '@dynamodel/executor';
import { startLocalDynamo } from '@dynamodel/local';
import { concurrently } from './hot-keys';
import { pin } from './local';

const REQUESTS = Number(process.env.BENCH_TURN_REQUESTS ?? 3_000);
const ROUNDS = Number(process.env.BENCH_TURN_ROUNDS ?? 11);
const ITEMS = 1_000;
const TABLE = 'request_turns';

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

interface Run {
  readonly perSecond: number;
  /** This process's CPU (user + system) per request, µs. */
  readonly cpu: number;
}

export async function requestTurnBenchmarks(): Promise<void> {
  const db = await startLocalDynamo();
  const executor = new DynamoExecutor({ ...db.clientConfig });
  console.log(`\nRequests started where made vs at the next turn (one DynamoDB Local; ${pin(db.pid)})`);
  try {
    await executor.send('CreateTable', {
      TableName: TABLE,
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    });
    for (let i = 0; i < ITEMS; i += 25) {
      const puts = Array.from({ length: 25 }, (_, j) => ({
        PutRequest: { Item: { id: { S: `item-${i + j}` }, text: { S: 'a tweet of some length '.repeat(4) } } },
      }));
      await executor.send('BatchWriteItem', { RequestItems: { [TABLE]: puts } });
    }
    const key = (i: number) => ({ id: { S: `item-${i % ITEMS}` } });
    const variants: [string, (i: number) => Promise<{ Item?: unknown }>][] = [
      ['started where made', (i) => executor.client.send(new GetItemCommand({ TableName: TABLE, Key: key(i) }))],
      ['next turn', (i) => executor.send('GetItem', { TableName: TABLE, Key: key(i) })],
      [
        'control (started where made)',
        (i) => executor.client.send(new GetItemCommand({ TableName: TABLE, Key: key(i) })),
      ],
    ];
    for (const inFlight of [32, 1]) {
      const requests = inFlight === 1 ? REQUESTS / 3 : REQUESTS;
      const run = async (send: (i: number) => Promise<{ Item?: unknown }>): Promise<Run> => {
        const cpuBefore = process.cpuUsage();
        const started = performance.now();
        await concurrently(requests, inFlight, async (i) => {
          if (!(await send(i)).Item) throw new Error(`item-${i % ITEMS} was not read`);
        });
        const seconds = (performance.now() - started) / 1000;
        const cpu = process.cpuUsage(cpuBefore);
        return { perSecond: requests / seconds, cpu: (cpu.user + cpu.system) / requests };
      };
      for (const [, send] of variants) await run(send); // warm-up
      const runs = new Map<string, Run[]>(variants.map(([name]) => [name, []]));
      for (let round = 0; round < ROUNDS; round++) {
        for (let v = 0; v < variants.length; v++) {
          const [name, send] = variants[(v + round) % variants.length] as (typeof variants)[number];
          runs.get(name)?.push(await run(send));
        }
      }
      const of = (name: string): Run[] => runs.get(name) ?? [];
      const ratio = (name: string, pick: (run: Run) => number): string =>
        median(of(name).map((run, round) => pick(run) / pick(of('started where made')[round] as Run))).toFixed(2);
      console.log(
        `\n  ${requests.toLocaleString('en')} GetItem, ${inFlight} in flight, ${ROUNDS} rounds in rotating order`,
      );
      console.log(
        '    variant                          requests/s   CPU µs/request   ÷ started where made (requests/s, CPU)',
      );
      for (const [name] of variants) {
        console.log(
          `    ${name.padEnd(32)} ${Math.round(median(of(name).map((run) => run.perSecond)))
            .toLocaleString('en')
            .padStart(10)} ${median(of(name).map((run) => run.cpu))
            .toFixed(0)
            .padStart(16)}   ${ratio(name, (run) => run.perSecond)}× / ${ratio(name, (run) => run.cpu)}×`,
        );
      }
    }
  } finally {
    executor.destroy();
    await db.stop();
  }
}
