// The README's first command ends here: connect to an auto-started DynamoDB Local, create the
// table from the model on first use, run the demo, stop DynamoDB Local, exit 0.
// The read-through cache is in Redis when REDIS_URL is set (`npx dynamodel local --redis` prints it),
// in memory otherwise.
import 'reflect-metadata';
import { MemoryCache, RedisCache } from '@dynamodel/cache';
import { connect, disconnect } from '@dynamodel/core';
import Redis from 'ioredis';
import { runDemo } from './demo';

async function main(): Promise<void> {
  const log = (line: string): void => console.log(`[demo] ${line}`);
  const redis = process.env.REDIS_URL ? new Redis(process.env.REDIS_URL) : undefined;
  const cache = redis ? new RedisCache(redis) : new MemoryCache();
  const connection = connect({ endpoint: 'local', autoCreateTables: true, cache });
  log(`DynamoDB Local is up at ${await connection.endpoint()} (in memory, 127.0.0.1 only)`);
  log(`the read-through cache is ${redis ? `in Redis at ${process.env.REDIS_URL}` : 'in memory'}`);
  try {
    await runDemo(connection, log);
  } finally {
    await disconnect();
    redis?.disconnect();
    log('DynamoDB Local stopped');
  }
}

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
