// The writing process of the near-tier tests (test/near-cache.integ.test.ts): updates notes one
// after another through its own connection and RedisCache, and after each update returns prints
// `{"id","version","at"}` (`at`: process.hrtime in ms, the monotonic clock every process on the
// machine shares). Run by tsx: `tsx near-writer.ts <json>`.
import { Note } from './cache-models';
import { runWriter, type WriterJob } from './writer-process';

interface Job extends WriterJob {
  readonly ids: readonly string[];
  readonly writes: number;
  /** The longest pause between two writes, in ms (pauses cycle through 0 … pauseMs). */
  readonly pauseMs: number;
}

const now = (): number => Number(process.hrtime.bigint()) / 1e6;

runWriter<Job>(async (connection, job) => {
  const notes = Note.using(connection);
  for (let version = 0; version < job.writes; version++) {
    const id = job.ids[version % job.ids.length] as string;
    await notes.update(id, { text: `v${version}` });
    process.stdout.write(`${JSON.stringify({ id, version, at: now() })}\n`);
    await new Promise((resolve) => setTimeout(resolve, (version * 7) % (job.pauseMs + 1)));
  }
});
