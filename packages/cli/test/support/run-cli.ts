import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { localTestConfig } from '@dynamodel/local/jest';

/** The command as a user runs it: src/bin.ts under tsx, in its own process. */
export const BIN = join(__dirname, '..', '..', 'src', 'bin.ts');
/** tsx's loader by path, so that the command also starts in a folder outside the repository. */
export const TSX = pathToFileURL(require.resolve('tsx')).href;
/** The project the tests run it in (a config, models and migrations). */
export const FIXTURE = join(__dirname, '..', 'fixtures', 'app');

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `dynamodel …` to the end; `input` is written to its stdin (not a terminal). */
export function runCli(
  args: readonly string[],
  options: { readonly cwd?: string; readonly env?: NodeJS.ProcessEnv; readonly input?: string } = {},
): Promise<CliRun> {
  const child = spawn(process.execPath, ['--import', TSX, BIN, ...args], {
    cwd: options.cwd ?? FIXTURE,
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(options.input ?? '');
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** `dynamodel …` in the background, in the fixture project: the child, its stdout so far, and how it ended. */
export function startCli(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): {
  child: ChildProcess;
  stdout: () => string;
  ended: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
} {
  const child = spawn(process.execPath, ['--import', TSX, BIN, ...args], {
    cwd: FIXTURE,
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  let stdout = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  return { child, stdout: () => stdout, ended };
}

/** Resolves once the checkpoint at `path` exists with `field` at `least` or more (an import's `through`, an export's `items`). */
export async function untilCheckpoint(path: string, field: string, least: number): Promise<void> {
  for (;;) {
    const value = existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Record<string, number>)[field] : 0;
    if ((value ?? 0) >= least) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * `dynamodel --endpoint <the test run's DynamoDB Local> …` in the fixture project, its tables named
 * with `prefix` (the fixture configs read DYNAMODEL_TEST_PREFIX); `config` picks another config file.
 */
export function dynamodel(
  prefix: string,
  args: readonly string[],
  options: { readonly input?: string; readonly cwd?: string; readonly config?: string } = {},
): Promise<CliRun> {
  return runCli(
    ['--endpoint', localTestConfig().endpoint, ...(options.config ? ['--config', options.config] : []), ...args],
    {
      env: { DYNAMODEL_TEST_PREFIX: prefix },
      ...(options.input !== undefined ? { input: options.input } : {}),
      ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
    },
  );
}
