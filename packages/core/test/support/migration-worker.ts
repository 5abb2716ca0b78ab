// A worker process of the migration crash and three-worker tests: applies the people migrations
// through its own connection, printing a line of JSON per progress event, then its report.
// Run by tsx: `tsx migration-worker.ts <json>`.
import { createConnection, migrator } from '../../src';
import { Person, splitName } from './migration-models';

interface Job {
  readonly config: { endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string } };
  readonly prefix: string;
  readonly workerId: string;
  readonly segments: number;
  readonly parallel: number;
  readonly leaseMs: number;
  readonly pageSize: number;
}

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2] ?? '{}') as Job;
  const connection = createConnection({ ...job.config, prefix: job.prefix });
  const reports = await migrator(Person, [splitName], { connection }).apply({
    segments: job.segments,
    parallel: job.parallel,
    leaseMs: job.leaseMs,
    pageSize: job.pageSize,
    workerId: job.workerId,
    onProgress: (progress) => process.stdout.write(`${JSON.stringify({ progress })}\n`),
  });
  process.stdout.write(`${JSON.stringify({ reports })}\n`);
  await connection.close();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
