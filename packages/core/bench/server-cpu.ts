// DynamoDB Local's CPU time, read from Linux's per-thread scheduler statistics (nanoseconds, unlike
// /proc/<pid>/stat's 10 ms ticks). A bulk write on one machine is bound by the server's core: the
// server's CPU per item and the share of the wall time it was busy tell the server's own drift
// (the JVM's speed changes from run to run) apart from what the client made it wait. The JVM's JIT
// compiler threads are counted apart too: they share the server's core with the request threads,
// and in bursts until ~400,000 writes after start they take up to half of it (measured on a Local
// pinned to one core), in whichever writer's run they fall.
import { readdirSync, readFileSync } from 'node:fs';

export interface ThreadTime {
  /** Time the thread has run on a CPU, in ns. */
  readonly ns: number;
  /** One of the JVM's JIT compiler threads (`C1 CompilerThre`, `C2 CompilerThre`). */
  readonly compiler: boolean;
}

/** CPU time so far of each of a process's threads, by thread id. */
export type ThreadTimes = ReadonlyMap<string, ThreadTime>;

/** Whether each thread seen so far (`pid/tid`) is a JIT compiler thread: a thread's name is read once. */
const compilerThreads = new Map<string, boolean>();

function isCompilerThread(pid: number, thread: string): boolean {
  const id = `${pid}/${thread}`;
  let compiler = compilerThreads.get(id);
  if (compiler === undefined) {
    compiler = readFileSync(`/proc/${pid}/task/${thread}/comm`, 'utf8').includes('CompilerThre');
    compilerThreads.set(id, compiler);
  }
  return compiler;
}

/** The threads' CPU times of process `pid`; `undefined` where /proc is missing. */
export function threadTimes(pid: number | undefined): ThreadTimes | undefined {
  if (pid === undefined || process.platform !== 'linux') return undefined;
  let threads: string[];
  try {
    threads = readdirSync(`/proc/${pid}/task`);
  } catch {
    return undefined;
  }
  const times = new Map<string, ThreadTime>();
  for (const thread of threads) {
    try {
      // The first field is the time the thread has run on a CPU, in ns.
      const ns = Number(readFileSync(`/proc/${pid}/task/${thread}/schedstat`, 'utf8').split(' ')[0]);
      times.set(thread, { ns, compiler: isCompilerThread(pid, thread) });
    } catch {
      // The thread ended after the listing.
    }
  }
  return times;
}

/**
 * The CPU time, in µs, the process's threads (or only its JIT compiler threads) used between two
 * readings: each thread's growth, a thread born in between counted whole. A thread that ended in
 * between is left out: the JVM's threads that end are the HTTP server's idle ones (a sum over the
 * process would go backwards).
 */
export function cpuBetween(
  before: ThreadTimes | undefined,
  after: ThreadTimes | undefined,
  threads: 'all' | 'compiler' = 'all',
): number {
  if (!before || !after) return NaN;
  let total = 0;
  for (const [thread, time] of after) {
    if (threads === 'compiler' && !time.compiler) continue;
    total += time.ns - (before.get(thread)?.ns ?? 0);
  }
  return total / 1000;
}
