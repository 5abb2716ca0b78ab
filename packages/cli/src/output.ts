/** Where a command's output goes (the process's streams, or a test's). */
export interface Output {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  /** Whether stderr is a terminal (progress bars are drawn only there). */
  readonly interactive?: boolean;
}

export const processOutput: Output = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  interactive: process.stderr.isTTY === true,
};
