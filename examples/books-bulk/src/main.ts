// `pnpm --filter @dynamodel/example-books-bulk start [-- --count 10000] [--latency 2]`: DynamoDB Local
// started for the run, the books written three ways, a chart of the times.
import 'reflect-metadata';
import { startLocalDynamo } from '@dynamodel/local';
import { runBulk } from './run-bulk';

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  if (at < 0) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} takes a number, got ${process.argv[at + 1]}`);
  return value;
}

async function main(): Promise<void> {
  const log = (line: string): void => console.log(`[books] ${line}`);
  const local = await startLocalDynamo();
  try {
    const { chart } = await runBulk({
      local: local.clientConfig,
      count: option('count', 10_000),
      latencyMs: option('latency', 0),
      prefix: '',
      log,
      bars: process.stdout.isTTY === true,
    });
    for (const line of chart) log(line);
  } finally {
    await local.stop();
  }
}

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
