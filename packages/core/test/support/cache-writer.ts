// The second process of the two-process cache tests: updates one note through its own connection
// and its own RedisCache client, then exits. Run by tsx: `tsx cache-writer.ts <json>`.
import { Note } from './cache-models';
import { runWriter, type WriterJob } from './writer-process';

interface Job extends WriterJob {
  readonly id: string;
  readonly text: string;
}

runWriter<Job>(async (connection, job) => {
  await Note.using(connection).update(job.id, { text: job.text });
});
