// The second process of the two-process cache tests: updates one note through its own connection
// and its own RedisCache client, then exits. Run by tsx: `tsx cache-writer.ts <json>`.
import { RedisCache } from '@dynamodel/cache';
import { createConnection } from '../../src';
import { Note } from './cache-models';

interface Job {
  readonly config: { endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string } };
  readonly redis: string;
  readonly prefix: string;
  readonly id: string;
  readonly text: string;
}

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2] ?? '{}') as Job;
  const cache = new RedisCache(job.redis);
  const connection = createConnection({
    ...job.config,
    prefix: job.prefix,
    cache,
    cacheNamespace: 'local-tests',
  });
  const failures: string[] = [];
  (await connection.executor()).events?.on('cache', (event) => {
    if (event.kind === 'error' || event.kind === 'invalidation-failed') failures.push(event.reason ?? event.kind);
  });
  await Note.using(connection).update(job.id, { text: job.text });
  await connection.close();
  await cache.close();
  if (failures.length > 0) throw new Error(`cache failures in the writer: ${failures.join('; ')}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
