// DynamoDB Local's CPU time, read from Linux's per-thread scheduler statistics (nanoseconds, unlike
// /proc/<pid>/stat's 10 ms ticks). A bulk write on one machine is bound by the server's core: the
// server's CPU per item and the share of the wall time it was busy tell the server's own drift
// (the JVM's speed changes from run to run) apart from what the client made it wait.
import { readdirSync, readFileSync } from 'node:fs';

/** CPU time so far of each of a process's threads, in ns, by thread id. */
export type ThreadTimes = ReadonlyMap<string, number>;

/** The threads' CPU times of process `pid`; `undefined` where /proc is missing. */
export function threadTimes(pid: number | undefined): ThreadTimes | undefined {
  if (pid === undefined || process.platform !== 'linux') return undefined;
  let threads: string[];
  try {
    threads = readdirSync(`/proc/${pid}/task`);
  } catch {
    return undefined;
  }
  const times = new Map<string, number>();
  for (const thread of threads) {
    try {
      // The first field is the time the thread has run on a CPU, in ns.
      times.set(thread, Number(readFileSync(`/proc/${pid}/task/${thread}/schedstat`, 'utf8').split(' ')[0]));
    } catch {
      // The thread ended after the listing.
    }
  }
  return times;
}

/**
 * The CPU time, in µs, the process's threads used between two readings: each thread's growth, a
 * thread born in between counted whole. A thread that ended in between is left out: the JVM's
 * threads that end are the HTTP server's idle ones (a sum over the process would go backwards).
 */
export function cpuBetween(before: ThreadTimes | undefined, after: ThreadTimes | undefined): number {
  if (!before || !after) return NaN;
  let total = 0;
  for (const [thread, ns] of after) total += ns - (before.get(thread) ?? 0);
  return total / 1000;
}
