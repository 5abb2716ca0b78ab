import { SingleBar } from 'cli-progress';
import type { Output } from './output';

/** What a long command reports as it goes. */
export interface ProgressUpdate {
  readonly done: number;
  /** `undefined` when unknown (no bar then, only counts). */
  readonly total: number | undefined;
  readonly perSecond: number;
  /** Extra words after the counts (`12 dead letters`). */
  readonly note?: string;
}

/** A progress display on stderr: a bar (cli-progress) on a terminal, a line every few seconds elsewhere (CI logs). */
export interface Progress {
  update(update: ProgressUpdate): void;
  stop(): void;
}

/** A progress display for `label`; `unit` names what is counted (`items`, `lines`). */
export function progress(output: Output, label: string, unit: string): Progress {
  if (output.interactive) {
    const bar = new SingleBar({
      format: `${label} |{bar}| {percentage}% {value}/{total} ${unit} | {speed} ${unit}/s | ETA {eta_formatted}{note}`,
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 50,
      stream: process.stderr,
    });
    let started = false;
    return {
      update: ({ done, total, perSecond, note }) => {
        const payload = { speed: Math.round(perSecond).toLocaleString('en-US'), note: note ? ` | ${note}` : '' };
        // An estimate can fall short of what is done (DynamoDB's item count is hours old).
        const shown = Math.max(total ?? done, done, 1);
        if (!started) {
          bar.start(shown, done, payload);
          started = true;
        } else {
          bar.setTotal(shown);
          bar.update(done, payload);
        }
      },
      stop: () => {
        if (started) bar.stop();
        started = false;
      },
    };
  }
  let last = 0;
  let latest: ProgressUpdate | undefined;
  const line = (update: ProgressUpdate): string =>
    `${label}: ${update.done.toLocaleString('en-US')}${update.total !== undefined ? ` of about ${update.total.toLocaleString('en-US')}` : ''} ${unit}, ` +
    `${Math.round(update.perSecond).toLocaleString('en-US')} ${unit}/s${update.note ? `, ${update.note}` : ''}`;
  return {
    update: (update) => {
      latest = update;
      if (Date.now() - last < 5_000) return;
      last = Date.now();
      output.err(line(update));
    },
    stop: () => {
      if (latest && last !== 0) output.err(line(latest));
      latest = undefined;
    },
  };
}
