// `pnpm --filter @dynamodel/example-marketplace start`: the marketplace on an auto-started DynamoDB
// Local (in memory, 127.0.0.1 only), stopped again at the end. The cache is in Redis when REDIS_URL
// is set (`npx dynamodel local --redis` prints it), in memory otherwise.
import 'reflect-metadata';
import { MemoryCache, RedisCache } from '@dynamodel/cache';
import { connect, createConnection, disconnect } from '@dynamodel/core';
import Redis from 'ioredis';
import { runMarketplaceDemo } from './demo';

async function main(): Promise<void> {
  const log = (line: string): void => console.log(`[marketplace] ${line}`);
  const redis = process.env.REDIS_URL ? new Redis(process.env.REDIS_URL) : undefined;
  const connection = connect({ endpoint: 'local', cache: redis ? new RedisCache(redis) : new MemoryCache() });
  const otherService = createConnection({ endpoint: 'local' }); // no cache: another process's writes
  try {
    await runMarketplaceDemo(connection, otherService, log);
  } finally {
    await otherService.close();
    await disconnect();
    redis?.disconnect();
  }
}

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
