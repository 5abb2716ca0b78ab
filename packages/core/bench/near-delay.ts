// BENCH_PART=near-delay (issue 28): how long after a write returns in one process another process
// still serves the value it replaced from RedisCache's near tier — 1,000 updates of 10 hot notes
// by a writer process, read as fast as possible through the near tier here, on one DynamoDB Local
// and one redis-server; then the same with this process's invalidation connection killed 5 times
// mid-run. The harness is the one test/near-cache.integ.test.ts bounds (test/support/near-two-processes.ts).
import { startLocalDynamo } from '@dynamodel/local';
import { startLocalRedis } from '@dynamodel/local/redis';
import { percentile, runTwoProcesses, type TwoProcessResult } from '../test/support/near-two-processes';

const WRITES = Number(process.env.BENCH_NEAR_WRITES ?? 1_000);

function report(name: string, result: TwoProcessResult): void {
  const figure = (p: number): string => `${percentile(result.delays, p).toFixed(2)} ms`;
  console.log(
    `  ${name}: ${result.delays.length.toLocaleString('en')} writes; old value served after the write returned: ` +
      `p50 ${figure(50)}, p99 ${figure(99)}, max ${Math.max(...result.delays).toFixed(2)} ms; ` +
      `${result.reads.toLocaleString('en')} reads, ${((100 * result.nearHits) / result.reads).toFixed(1)} % from the near tier`,
  );
}

export async function nearDelayBenchmarks(): Promise<void> {
  const db = await startLocalDynamo();
  const redis = await startLocalRedis();
  console.log('\nNear tier: invalidation delay across two processes (issue 28)');
  try {
    const base = { config: db.clientConfig, redisUrl: redis.url };
    report('steady', await runTwoProcesses({ ...base, prefix: 'near_delay_', writes: WRITES }));
    report('feed killed 5 times', await runTwoProcesses({ ...base, prefix: 'near_kill_', writes: WRITES, kills: 5 }));
  } finally {
    await redis.stop();
    await db.stop();
  }
}
