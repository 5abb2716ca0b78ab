// The writing process of the near-tier tests (test/near-cache.integ.test.ts): updates notes one
// after another through its own connection and RedisCache, and after each update returns prints
// `{"id","version","at"}` (`at`: process.hrtime in ms, the monotonic clock every process on the
// machine shares). Run by tsx: `tsx near-writer.ts <json>`.
import { RedisCache } from '@dynamodel/cache';
import { createConnection } from '../../src';
import { Note } from './cache-models';

interface Job {
  readonly config: { endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string } };
  readonly redis: string;
  readonly prefix: string;
  readonly ids: readonly string[];
  readonly writes: number;
  /** The longest pause between two writes, in ms (pauses cycle through 0 … pauseMs). */
  readonly pauseMs: number;
}

const now = (): number => Number(process.hrtime.bigint()) / 1e6;

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2] ?? '{}') as Job;
  const cache = new RedisCache(job.redis);
  const connection = createConnection({ ...job.config, prefix: job.prefix, cache, cacheNamespace: 'local-tests' });
  const failures: string[] = [];
  (await connection.executor()).events?.on('cache', (event) => {
    if (event.kind === 'error' || event.kind === 'invalidation-failed') failures.push(event.reason ?? event.kind);
  });
  const notes = Note.using(connection);
  for (let version = 0; version < job.writes; version++) {
    const id = job.ids[version % job.ids.length] as string;
    await notes.update(id, { text: `v${version}` });
    process.stdout.write(`${JSON.stringify({ id, version, at: now() })}\n`);
    await new Promise((resolve) => setTimeout(resolve, (version * 7) % (job.pauseMs + 1)));
  }
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
