import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { chooseCheckpoint } from '../checkpoint-file';
import type { Command } from 'commander';
import { CliError, EXIT } from '../errors';
import { exportCheckpointPath, runExport, type ExportCheckpoint, type ExportFormat } from '../export/export-run';
import { progress } from '../progress';
import { interruption, resumeCommand } from './interruption';
import { oneOf, positive, whole } from './option-parsers';
import { withProject, type CommandIo, type Project, type ProjectFlags } from './project';

interface ExportFlags {
  readonly format?: ExportFormat;
  readonly segments: number;
  readonly pageSize: number;
  readonly rate?: number;
  readonly consistent: boolean;
  readonly resume: boolean;
  readonly restart: boolean;
}

/** `dynamodel export <model|table> [file]`: a parallel scan to JSON lines, resumable. */
export function registerExport(program: Command, io: CommandIo): void {
  program
    .command('export')
    .description("a model's items (or a table's) as JSON lines, by a parallel scan; resumable")
    .argument('<model-or-table>', 'a model or entity (its items), or a table (every item, DynamoDB JSON)')
    .argument('[file]', 'the output (default stdout)')
    .option(
      '--format <format>',
      'model (its JSON form, for import) or dynamodb (DynamoDB JSON, a complete copy); default model for a model',
      oneOf<ExportFormat>('model', 'dynamodb'),
    )
    .option('--segments <n>', 'parallel scan segments', whole, 4)
    .option('--page-size <items>', 'items per scan request, each one checkpoint', whole, 1_000)
    .option('--rate <units>', 'read capacity units per second at most', positive)
    .option('--consistent', 'strongly consistent reads (twice the read units)', false)
    .option('--resume', 'go on from the checkpoint an interrupted export to this file left', false)
    .option('--restart', 'start over, dropping that checkpoint', false)
    .action(async (name: string, file: string | undefined, options: ExportFlags, command: Command) => {
      const flags = command.optsWithGlobals<ProjectFlags>();
      const rateLimit = options.rate !== undefined ? { rateLimit: { readUnits: options.rate } } : {};
      await withProject(
        flags,
        async (project) => {
          const source = sourceOf(project, name);
          const format = options.format ?? (source.model ? 'model' : 'dynamodb');
          if (format === 'model' && !source.model) {
            throw new CliError(`${name} is a table, not a model: its items export as --format dynamodb`);
          }
          const outputPath = file === undefined || file === '-' ? undefined : resolve(file);
          const resume = outputPath ? resumeFrom(outputPath, source.table, name, format, options) : undefined;
          if (!outputPath && options.resume) throw new CliError('an export to stdout cannot be resumed: give a file');

          const stopped = interruption(io, 'stopping once the pages being read are written…');
          const estimate = (
            await (await project.connection.executor()).send('DescribeTable', { TableName: source.table })
          ).Table?.ItemCount;
          const display = progress(io.output, `export ← ${source.table}`, 'items');
          try {
            const result = await runExport({
              model: source.model,
              source: name,
              table: source.table,
              format,
              connection: project.connection,
              outputPath,
              segments: options.segments,
              pageSize: options.pageSize,
              consistent: options.consistent,
              resume,
              signal: stopped.signal,
              onProgress: (p) => display.update({ done: p.items, total: estimate, perSecond: p.itemsPerSecond }),
            });
            display.stop();
            const where = outputPath ?? 'stdout';
            if (result.complete) {
              io.output.err(
                `Exported ${result.items.toLocaleString('en-US')} items of ${source.table} to ${where} in ${(result.elapsedMs / 1000).toFixed(1)} s.`,
              );
            } else {
              io.output.err(
                `Stopped after exporting ${result.items.toLocaleString('en-US')} items to ${where}. ` +
                  `To go on: ${resumeCommand()}`,
              );
              io.exit(EXIT.interrupted);
            }
          } finally {
            display.stop();
            stopped.release();
          }
        },
        rateLimit,
      );
    });
}

function sourceOf(
  project: Project,
  name: string,
): { model: Project['models'][number]['model'] | undefined; table: string } {
  const byModel = project.models.filter((m) => m.name === name || m.className === name);
  if (byModel.length > 1) throw new CliError(`${name} names several models: give a model or entity name`);
  if (byModel[0]) return { model: byModel[0].model, table: byModel[0].tableName };
  const prefixed = project.models.find(
    (m) => m.tableName === name || m.tableName === `${project.connection.prefix}${name}`,
  );
  // A table: the config's (with or without its prefix), or any other the endpoint has, named in full.
  return { model: undefined, table: prefixed?.tableName ?? name };
}

function resumeFrom(
  outputPath: string,
  table: string,
  source: string,
  format: ExportFormat,
  options: ExportFlags,
): ExportCheckpoint | undefined {
  const checkpoint = chooseCheckpoint<ExportCheckpoint>(
    exportCheckpointPath(outputPath),
    'dynamodel-export',
    options,
    (stopped) => `an export to this file stopped after ${stopped.items} items`,
  );
  if (!checkpoint) return undefined;
  if (!existsSync(outputPath)) throw new CliError(`${outputPath} is gone: --restart to export again`);
  if (checkpoint.table !== table || checkpoint.source !== source || checkpoint.format !== format) {
    throw new CliError(
      `the checkpoint is of an export of ${checkpoint.source} as ${checkpoint.format}: resume it with those, or --restart`,
    );
  }
  return checkpoint;
}
