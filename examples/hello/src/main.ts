// The README's first command ends here: start DynamoDB Local, run the demo, stop it, exit 0.
import { startLocalDynamo } from '@dynamodel/local';
import { runDemo } from './demo';

async function main(): Promise<void> {
  const log = (line: string): void => console.log(`[demo] ${line}`);
  const db = await startLocalDynamo();
  log(`DynamoDB Local is up at ${db.endpoint} (pid ${db.pid}, in memory)`);
  try {
    await runDemo(db.clientConfig, log);
  } finally {
    await db.stop();
    log('DynamoDB Local stopped');
  }
}

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
