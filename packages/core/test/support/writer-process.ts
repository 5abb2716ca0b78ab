import { RedisCache } from '@dynamodel/cache';
import { createConnection, type Connection } from '../../src';

// What the writing processes of the cache tests share (support/cache-writer.ts, near-writer.ts):
// their own connection and RedisCache client, a writer that fails if any of its invalidations
// failed, and the exit code.

export interface WriterJob {
  readonly config: { endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string } };
  readonly redis: string;
  readonly prefix: string;
}

/** Runs `write` on its own connection, then exits 0, or 1 when it threw or a cache step failed. */
export function runWriter<J extends WriterJob>(write: (connection: Connection, job: J) => Promise<void>): void {
  const job = JSON.parse(process.argv[2] ?? '{}') as J;
  const main = async (): Promise<void> => {
    const cache = new RedisCache(job.redis);
    const connection = createConnection({ ...job.config, prefix: job.prefix, cache, cacheNamespace: 'local-tests' });
    const failures: string[] = [];
    (await connection.executor()).events?.on('cache', (event) => {
      if (event.kind === 'error' || event.kind === 'invalidation-failed') failures.push(event.reason ?? event.kind);
    });
    await write(connection, job);
    await connection.close();
    await cache.close();
    if (failures.length > 0) throw new Error(`cache failures in the writer: ${failures.join('; ')}`);
  };
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
