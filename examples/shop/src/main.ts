// `pnpm --filter @dynamodel/example-shop start`: the single-table demo on an auto-started DynamoDB
// Local (in memory, 127.0.0.1 only), which is stopped again at the end.
import 'reflect-metadata';
import { connect, disconnect } from '@dynamodel/core';
import { runShopDemo } from './demo';

async function main(): Promise<void> {
  const log = (line: string): void => console.log(`[shop] ${line}`);
  const connection = connect({ endpoint: 'local' });
  try {
    await runShopDemo(connection, log);
  } finally {
    await disconnect();
  }
}

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
