import type { CommandIo } from './project';

/** What a long command is stopped through: Ctrl-C or SIGTERM abort `signal`; `release` stops listening. */
export interface Interruption {
  readonly signal: AbortSignal;
  release(): void;
}

/**
 * Turns the first Ctrl-C (or SIGTERM) into an abort the command finishes cleanly from, saying
 * `stopping` on stderr if given; a second Ctrl-C finds no listener and ends the process at once.
 */
export function interruption(io: CommandIo, stopping?: string): Interruption {
  const controller = new AbortController();
  const stop = (): void => {
    if (stopping) io.output.err(`${stopping} (Ctrl-C again quits at once)`);
    controller.abort();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return {
    signal: controller.signal,
    release: () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    },
  };
}

/** The command as it was given, with `--resume` (and without `--restart`): what goes on from a checkpoint. */
export function resumeCommand(): string {
  const given = process.argv.slice(2).filter((arg) => arg !== '--restart' && arg !== '--resume');
  return ['dynamodel', ...given.map(quoted), '--resume'].join(' ');
}

const quoted = (arg: string): string => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`);
