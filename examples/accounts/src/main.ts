// `pnpm --filter @dynamodel/example-accounts start`: DynamoDB Local started for the run, the cache in
// Redis when REDIS_URL is set (`npx dynamodel local --redis` prints it), in memory otherwise.
import 'reflect-metadata';
import { MemoryCache, RedisCache } from '@dynamodel/cache';
import { connect, disconnect } from '@dynamodel/core';
import Redis from 'ioredis';
import { runDemo } from './demo';

async function main(): Promise<void> {
  const log = (line: string): void => console.log(`[accounts] ${line}`);
  const redis = process.env.REDIS_URL ? new Redis(process.env.REDIS_URL) : undefined;
  const connection = connect({
    endpoint: 'local',
    autoCreateTables: true,
    cache: redis ? new RedisCache(redis) : new MemoryCache(),
  });
  log(
    `DynamoDB Local at ${await connection.endpoint()}; cache ${redis ? `in Redis at ${process.env.REDIS_URL}` : 'in memory'}`,
  );
  try {
    await runDemo(connection, log);
  } finally {
    await disconnect();
    redis?.disconnect();
  }
}

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
