import { Command, InvalidArgumentError } from 'commander';
import { describeServers, startLocalServers } from './commands/local';
import type { CommandIo } from './commands/project';
import { registerExport } from './commands/export';
import { registerImport } from './commands/import';
import { registerMigrate } from './commands/migrate';
import { registerStream } from './commands/stream';
import { registerTables } from './commands/tables';
import { CliError, EXIT } from './errors';
import { processOutput, type Output } from './output';

export type { Output } from './output';

/** The `dynamodel` command and its subcommands; `exit` receives a command's exit code other than 0. */
export function createProgram(output: Output = processOutput, exit: (code: number) => void = () => undefined): Command {
  const program = new Command('dynamodel')
    .description("Dynamodel: DynamoDB Local for development; the models' tables, migrations, import, export and stream")
    .option('--verbose', 'show the stack of an error')
    .option('--config <file>', 'the config file (default: the nearest dynamodel.config.ts from here up)')
    .option('--endpoint <url>', 'the DynamoDB endpoint, or "local" for DynamoDB Local (overrides the config)')
    .option('--region <region>', 'the AWS region (overrides the config)')
    .option('--profile <name>', 'an AWS profile: its credentials, and its region unless --region is given')
    .configureOutput({
      writeOut: (text) => output.out(text.trimEnd()),
      writeErr: (text) => output.err(text.trimEnd()),
    });

  program
    .command('local')
    .description('run DynamoDB Local (and Redis with --redis) in the foreground until Ctrl-C')
    .option('--port <port>', 'port on 127.0.0.1 (0: a free one)', port, 8000)
    .option('--db-path <folder>', 'where the data is kept (created when missing)', '.dynamodb')
    .option('--in-memory', 'keep nothing: the tables are gone when it stops', false)
    .option('--redis', 'start a Redis beside it, for the read-through cache', false)
    .action(async (options: { port: number; dbPath: string; inMemory: boolean; redis: boolean }) => {
      const servers = await startLocalServers(options);
      for (const line of describeServers(servers)) output.out(line);
      await untilStopped();
      output.err('stopping…');
      await servers.stop();
    });

  const io: CommandIo = { output, exit };
  registerTables(program, io);
  registerMigrate(program, io);
  registerImport(program, io);
  registerExport(program, io);
  registerStream(program, io);
  return program;
}

/**
 * Resolves on the first SIGINT or SIGTERM. A timer keeps the process alive meanwhile: DynamoDB
 * Local's process is unref'd (`@dynamodel/local`, so that a program that forgets to stop it can
 * still exit), so without Redis nothing else would, and Node would end the command at once.
 */
function untilStopped(): Promise<void> {
  return new Promise((resolve) => {
    const keepAlive = setInterval(() => undefined, 2 ** 30);
    const stop = (): void => {
      clearInterval(keepAlive);
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

function port(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65_535) {
    throw new InvalidArgumentError('a port is a whole number from 0 to 65535');
  }
  return parsed;
}

/**
 * Runs the command line: one clear line per error on stderr (the stack with `--verbose`) and exit
 * code 1; 0 when the command finished, or the code a command set (`EXIT`: 2 for pending changes…).
 */
export async function run(argv: readonly string[], output: Output = processOutput): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = createProgram(output, (code) => (exitCode = code)).exitOverride();
  try {
    await program.parseAsync([...argv]);
    return exitCode;
  } catch (error) {
    const code = (error as { code?: string }).code;
    // commander has printed its own usage errors, help and version already.
    if (typeof code === 'string' && code.startsWith('commander.')) {
      return code === 'commander.helpDisplayed' || code === 'commander.version' ? 0 : 1;
    }
    const verbose = argv.includes('--verbose');
    output.err(`dynamodel: ${verbose && error instanceof Error ? (error.stack ?? error.message) : message(error)}`);
    return error instanceof CliError ? error.exitCode : EXIT.error;
  }
}

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));
