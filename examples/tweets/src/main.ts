// The README's first command ends here: connect to an auto-started DynamoDB Local, create the
// table from the model on first use, run the demo, stop DynamoDB Local, exit 0.
import 'reflect-metadata';
import { connect, disconnect } from '@dynamodel/core';
import { runDemo } from './demo';

async function main(): Promise<void> {
  const log = (line: string): void => console.log(`[demo] ${line}`);
  const connection = connect({ endpoint: 'local', autoCreateTables: true });
  log(`DynamoDB Local is up at ${await connection.endpoint()} (in memory, 127.0.0.1 only)`);
  try {
    await runDemo(connection, log);
  } finally {
    await disconnect();
    log('DynamoDB Local stopped');
  }
}

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
