import { closeSync, existsSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { CliError } from './errors';

// The checkpoints `import` and `export` keep beside their file, and the --resume/--restart choice
// both offer: one mechanism, each command saying only what its checkpoint holds.

/** A checkpoint of `kind` at `path`, or `undefined` when there is none. */
export function readCheckpointFile<T extends { readonly kind: string }>(path: string, kind: T['kind']): T | undefined {
  if (!existsSync(path)) return undefined;
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<T>;
  if (parsed.kind !== kind) throw new CliError(`${path} is not an ${kind.replace('dynamodel-', '')} checkpoint`);
  return parsed as T;
}

/** Written to a new file and renamed over the old one: a crash leaves one or the other, whole. */
export function writeCheckpointFile(path: string, checkpoint: object): void {
  const fd = openSync(`${path}.tmp`, 'w');
  try {
    writeSync(fd, JSON.stringify(checkpoint, null, 2));
  } finally {
    closeSync(fd);
  }
  renameSync(`${path}.tmp`, path);
}

export function removeCheckpointFile(path: string): void {
  rmSync(path, { force: true });
}

/**
 * The checkpoint a run goes on from: `undefined` for a fresh start (none kept, or `--restart`,
 * which drops it). A checkpoint found without `--resume` or `--restart` is an error saying where
 * the earlier run stopped (`stoppedAt`): starting over silently could duplicate or lose work.
 */
export function chooseCheckpoint<T extends { readonly kind: string }>(
  path: string,
  kind: T['kind'],
  flags: { readonly resume: boolean; readonly restart: boolean },
  stoppedAt: (checkpoint: T) => string,
): T | undefined {
  if (flags.resume && flags.restart) throw new CliError('--resume and --restart exclude each other');
  if (flags.restart) {
    removeCheckpointFile(path);
    return undefined;
  }
  const checkpoint = readCheckpointFile<T>(path, kind);
  if (!checkpoint) {
    if (flags.resume) throw new CliError(`nothing to resume: no checkpoint ${path}`);
    return undefined;
  }
  if (!flags.resume) {
    throw new CliError(`${stoppedAt(checkpoint)} (${path}): pass --resume to go on, or --restart to start over`);
  }
  return checkpoint;
}
