import { existsSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import type { Command } from 'commander';
import { CliError, EXIT } from '../errors';
import { pickModels } from '../config/models';
import { chooseCheckpoint } from '../checkpoint-file';
import { checkpointPathFor, fileIdentity, type ImportCheckpoint } from '../import/checkpoint';
import { runImport, type ImportResult } from '../import/import-run';
import { openInput, type ImportFormat } from '../import/read-records';
import { progress } from '../progress';
import { interruption, resumeCommand } from './interruption';
import { oneOf, positive, whole } from './option-parsers';
import { withProject, type CommandIo, type ProjectFlags } from './project';

interface ImportFlags {
  readonly format?: ImportFormat;
  readonly createOnly: boolean;
  readonly strict: boolean;
  readonly rate?: number;
  readonly deadLetters?: string;
  readonly resume: boolean;
  readonly restart: boolean;
  readonly chunkSize: number;
}

/** `dynamodel import <model> <file>`: JSON lines, CSV or DynamoDB JSON into the model's table, resumable. */
export function registerImport(program: Command, io: CommandIo): void {
  program
    .command('import')
    .description("write a file's records into a model's table (JSON lines, CSV, DynamoDB JSON); resumable")
    .argument('<model>', 'the model or entity the records are')
    .argument('<file>', 'the input; - for stdin')
    .option(
      '--format <format>',
      "jsonl (the model's JSON form), csv (a header row of attribute names) or dynamodb (DynamoDB JSON); default by extension",
      oneOf<ImportFormat>('jsonl', 'csv', 'dynamodb'),
    )
    .option('--create-only', 'never overwrite: a record whose key is taken is a dead letter', false)
    .option('--strict', 'stop at the first record that cannot be imported', false)
    .option('--rate <units>', 'write capacity units per second at most', positive)
    .option(
      '--dead-letters <file>',
      'where records that cannot be imported go (default <file>.<table>.dead-letters.jsonl)',
    )
    .option('--resume', 'go on from the checkpoint an interrupted import of this file left', false)
    .option('--restart', 'start over, dropping that checkpoint', false)
    .option('--chunk-size <records>', 'records per batch call group, each checkpointed', whole, 1_000)
    .action(async (modelName: string, file: string, options: ImportFlags, command: Command) => {
      const flags = command.optsWithGlobals<ProjectFlags>();
      const rateLimit = options.rate !== undefined ? { rateLimit: { writeUnits: options.rate } } : {};
      await withProject(
        flags,
        async (project) => {
          const [model] = pickModels(project.models, [modelName], project.connection.prefix);
          if (!model) throw new CliError(`no model named ${modelName}`);
          if (pickModels(project.models, [modelName], project.connection.prefix).length > 1) {
            throw new CliError(`${modelName} names several models: give a model or entity name`);
          }
          const inputPath = file === '-' ? undefined : resolve(file);
          if (inputPath && !existsSync(inputPath)) throw new CliError(`${file} does not exist`);
          const chosenFormat = options.format ?? (inputPath && extname(inputPath) === '.csv' ? 'csv' : 'jsonl');
          const resume = inputPath
            ? resumeFrom(inputPath, model.tableName, model.name, chosenFormat, options)
            : undefined;
          if (!inputPath && options.resume)
            throw new CliError('an import from stdin cannot be resumed (it keeps no checkpoint)');
          const deadLetterPath = resolve(
            options.deadLetters ??
              resume?.deadLetters.path ??
              `${inputPath ?? resolve('import')}.${model.tableName}.dead-letters.jsonl`,
          );

          const stopped = interruption(io, 'stopping once the writes in flight are settled…');
          const display = progress(io.output, `import → ${model.tableName}`, 'lines');
          const size = inputPath ? fileIdentity(inputPath).size : undefined;
          let result: ImportResult;
          try {
            result = await runImport({
              model: model.model,
              connection: project.connection,
              input: openInput(inputPath ?? '-'),
              inputPath,
              format: chosenFormat,
              createOnly: options.createOnly,
              strict: options.strict,
              deadLetterPath,
              resume,
              chunkSize: options.chunkSize,
              signal: stopped.signal,
              onProgress: (p) =>
                display.update({
                  done: p.through,
                  // Lines in the file, from the share read so far: lines ahead are guessed at the same size.
                  total: size && p.bytesRead > 0 ? Math.round((p.linesRead * size) / p.bytesRead) : undefined,
                  perSecond: p.recordsPerSecond,
                  note: p.counts.deadLettered > 0 ? `${p.counts.deadLettered} dead letters` : undefined,
                }),
            });
          } finally {
            display.stop();
            stopped.release();
          }
          report(io, result, deadLetterPath);
        },
        rateLimit,
      );
    });
}

/** The checkpoint to go on from, after checking it fits this import; `undefined` for a fresh start. */
function resumeFrom(
  inputPath: string,
  table: string,
  model: string,
  format: ImportFormat,
  options: ImportFlags,
): ImportCheckpoint | undefined {
  const checkpoint = chooseCheckpoint<ImportCheckpoint>(
    checkpointPathFor(inputPath, table),
    'dynamodel-import',
    options,
    (stopped) => `an import of this file into ${table} stopped at line ${stopped.through}`,
  );
  if (!checkpoint) return undefined;
  const now = fileIdentity(inputPath);
  if (now.size !== checkpoint.input.size || now.mtimeMs !== checkpoint.input.mtimeMs) {
    throw new CliError(`${inputPath} changed since the interrupted import: --restart to import it from the start`);
  }
  if (
    checkpoint.table !== table ||
    checkpoint.model !== model ||
    checkpoint.format !== format ||
    checkpoint.createOnly !== options.createOnly
  ) {
    throw new CliError(
      `the checkpoint is of an import of ${checkpoint.model} into ${checkpoint.table} as ${checkpoint.format}` +
        `${checkpoint.createOnly ? ' with --create-only' : ''}: resume it with the same model and options, or --restart`,
    );
  }
  return checkpoint;
}

function report(io: CommandIo, result: ImportResult, deadLetterPath: string): void {
  const c = result.counts;
  const seconds = result.elapsedMs / 1000;
  io.output.out(
    `${result.complete ? 'Imported' : 'Stopped after importing'} ${c.imported.toLocaleString('en-US')} records into ${result.table} ` +
      `in ${seconds.toFixed(1)} s` +
      (c.superseded > 0 ? `; ${c.superseded} records were written again by a later line with the same key` : '') +
      (c.alreadyImported > 0 ? `; ${c.alreadyImported} found imported by the interrupted run` : '') +
      (result.blankLines > 0 ? `; ${result.blankLines} blank lines skipped` : '') +
      '.',
  );
  if (c.deadLettered > 0) {
    const lines = result.deadLetterLines;
    io.output.out(
      `${c.deadLettered.toLocaleString('en-US')} records could not be imported (line${lines.length === 1 ? '' : 's'} ` +
        `${lines.slice(0, 20).join(', ')}${lines.length > 20 ? ', …' : ''}): ${deadLetterPath}`,
    );
  }
  if (result.strictStop) {
    throw new CliError(`line ${result.strictStop.line}: ${result.strictStop.reason} (--strict stops at the first)`);
  }
  if (!result.complete) {
    io.output.out(`Every line up to ${result.through} is settled. To go on without duplicates: ${resumeCommand()}`);
    io.exit(EXIT.interrupted);
    return;
  }
  if (c.deadLettered > 0) io.exit(EXIT.deadLetters);
}
