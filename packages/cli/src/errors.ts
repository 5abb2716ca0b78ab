/**
 * A mistake the command can name precisely (a config file that is missing or wrong, an unknown
 * model, a refused drop): printed as one line, with the exit code it carries.
 */
export class CliError extends Error {
  override readonly name = 'CliError';
  readonly exitCode: number;

  constructor(message: string, options: { readonly exitCode?: number; readonly cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.exitCode = options.exitCode ?? 1;
  }
}

/** The exit codes, as `docs/cli.md` documents them. */
export const EXIT = Object.freeze({
  /** The command did what it was asked. */
  ok: 0,
  /** An error: one line on stderr says what (`--verbose` for the stack). */
  error: 1,
  /** `tables plan`, `tables apply`, `migrate status`: changes or migrations are pending. */
  changesPending: 2,
  /** `import`: stopped with records left (a checkpoint was kept; the command printed how to resume). */
  interrupted: 3,
  /** `import`, `migrate up`/`down`: finished, but some records or items could not be written (dead letters). */
  deadLetters: 4,
});
