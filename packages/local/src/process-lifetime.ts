import type { ChildProcess } from 'node:child_process';

const running = new Set<ChildProcess>();
let hooked = false;

/**
 * Kills `child` if this Node process exits first. Returns a function that stops tracking it.
 * (A SIGKILL of this process skips 'exit' handlers; the launcher's stdin watch covers that case.)
 */
export function killOnExit(child: ChildProcess): () => void {
  if (!hooked) {
    hooked = true;
    process.once('exit', () => {
      for (const proc of running) proc.kill('SIGKILL');
    });
  }
  running.add(child);
  return () => running.delete(child);
}

/** SIGTERM, then SIGKILL if the process is still there after `graceMs`. Resolves when it has exited. */
export async function stopProcess(child: ChildProcess, exit: Promise<void>, graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(true), graceMs);
  });
  const killed = await Promise.race([exit.then(() => false), timedOut]);
  clearTimeout(timer);
  if (killed) {
    child.kill('SIGKILL');
    await exit;
  }
}
