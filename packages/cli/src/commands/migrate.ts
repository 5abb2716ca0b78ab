import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  compileModel,
  deadLettersToFile,
  migrator,
  type MigrationProgress,
  type MigrationReport,
  type MigrationRunOptions,
} from '@dynamodel/core';
import type { Command } from 'commander';
import { CliError, EXIT } from '../errors';
import { loadMigrations, migrationFileName, nextVersion, type ModelMigrations } from '../config/migration-files';
import { pickModels } from '../config/models';
import { progress } from '../progress';
import { oneOf, parseRate, whole, type Rate } from './option-parsers';
import { withProject, type CommandIo, type Project, type ProjectFlags } from './project';

interface RunFlags {
  readonly dryRun: boolean;
  readonly rate?: Rate;
  readonly segments?: number;
  readonly parallel?: number;
  readonly write: 'conditional' | 'batch';
  readonly deadLetters?: string;
}

/** `dynamodel migrate …`: the versioned data migrations of the config's migrations folder. */
export function registerMigrate(program: Command, io: CommandIo): void {
  const migrate = program
    .command('migrate')
    .description('versioned data migrations (migrations/<Model>/<version>-<name>.ts): status, up, down, create');
  const flags = (command: Command): ProjectFlags => command.optsWithGlobals<ProjectFlags>();
  const runOptions = (command: Command): Command =>
    command
      .option('--dry-run', 'count what would change; write and record nothing', false)
      .option(
        '--rate <units>',
        'capacity units per second: a number (reads and writes each) or reads=N,writes=N',
        parseRate,
      )
      .option('--segments <n>', 'parallel scan segments the table is split into (default 8)', whole)
      .option('--parallel <n>', 'segments this process migrates at once (default 4)', whole)
      .option(
        '--write <mode>',
        'conditional (safe beside the application) or batch (nothing else writes)',
        oneOf('conditional', 'batch'),
        'conditional',
      )
      .option('--dead-letters <file>', 'append items that cannot be migrated to this file (JSON lines)');

  migrate
    .command('status')
    .description('each migration: applied, outstanding, running or incomplete; exits 2 when some are not applied')
    .argument('[models...]', 'models or entities (default: every one with a migrations folder)')
    .action(async (names: string[], _options: object, command: Command) => {
      await withProject(flags(command), async (project) => {
        let outstanding = 0;
        for (const entry of chosen(project, names)) {
          io.output.out(`${entry.model.name} (table ${entry.model.tableName})`);
          const statuses = await migratorOf(project, entry).status();
          if (statuses.length === 0) io.output.out('  no migrations');
          for (const status of statuses) {
            if (status.state !== 'applied') outstanding++;
            const run = status.lastRun;
            const counts = run?.counts ? `, ${run.counts.migrated} migrated of ${run.counts.scanned} read` : '';
            const when = run ? ` (${run.direction} ${run.finishedAt ?? run.startedAt}${counts})` : '';
            io.output.out(
              `  ${String(status.version).padStart(4)}  ${status.state.padEnd(11)} ${status.description}${when}` +
                (status.declared ? '' : '  [not in the migrations folder]'),
            );
          }
        }
        io.output.out(
          outstanding === 0 ? 'Every migration is applied.' : `${outstanding} not applied: run dynamodel migrate up.`,
        );
        if (outstanding > 0) io.exit(EXIT.changesPending);
      });
    });

  runOptions(
    migrate
      .command('up')
      .description('apply the outstanding migrations in version order (joins a run under way; resumes a crashed one)')
      .argument('[models...]', 'models or entities (default: every one with a migrations folder)')
      .option('--to <version>', 'stop after this version', whole),
  ).action(async (names: string[], options: RunFlags & { to?: number }, command: Command) => {
    await withProject(flags(command), async (project) => {
      for (const entry of chosen(project, names)) {
        const migrations = migratorOf(project, entry);
        if (options.dryRun) {
          const outstanding = await migrations.outstanding();
          if (outstanding.length === 0) {
            io.output.out(`${entry.model.name}: nothing outstanding`);
            continue;
          }
          const report = await withProgress(io, entry, (onProgress) =>
            migrations.dryRun({ ...runSettings(options), onProgress }),
          );
          printReport(io, entry, report);
          continue;
        }
        const reports = await withProgress(io, entry, (onProgress) =>
          migrations.apply({
            ...runSettings(options),
            onProgress,
            ...(options.to !== undefined ? { to: options.to } : {}),
          }),
        );
        if (reports.length === 0) io.output.out(`${entry.model.name}: nothing outstanding`);
        for (const report of reports) {
          printReport(io, entry, report);
          if (report.counts.deadLettered > 0) io.exit(EXIT.deadLetters);
        }
      }
    });
  });

  runOptions(
    migrate
      .command('down')
      .description('revert the applied migrations above --to, newest first, with their down')
      .argument('<model>', 'the model or entity')
      .requiredOption('--to <version>', 'the version to go back to (1: before every migration)', whole),
  ).action(async (name: string, options: RunFlags & { to: number }, command: Command) => {
    await withProject(flags(command), async (project) => {
      const [entry] = chosen(project, [name]);
      const migrations = migratorOf(project, entry!);
      if (options.dryRun) {
        printReport(
          io,
          entry!,
          await withProgress(io, entry!, (onProgress) =>
            migrations.dryRun({ ...runSettings(options), direction: 'down', onProgress }),
          ),
        );
        return;
      }
      const reports = await withProgress(io, entry!, (onProgress) =>
        migrations.down({ ...runSettings(options), to: options.to, onProgress }),
      );
      if (reports.length === 0) io.output.out(`${entry!.model.name}: nothing above version ${options.to} to revert`);
      for (const report of reports) {
        printReport(io, entry!, report);
        if (report.counts.deadLettered > 0) io.exit(EXIT.deadLetters);
      }
    });
  });

  migrate
    .command('create')
    .description('write the next migration file of a model, to fill in')
    .argument('<name>', 'what it does, in a few words ("split name")')
    .option('--model <model>', 'the model or entity (needed when the config has more than one)')
    .action(async (name: string, options: { model?: string }, command: Command) => {
      await withProject(flags(command), (project) => {
        const models = options.model
          ? pickModels(project.models, [options.model], project.connection.prefix)
          : project.models;
        if (models.length !== 1) {
          throw new CliError(`say which model with --model (one of ${project.models.map((m) => m.name).join(', ')})`);
        }
        const model = models[0]!;
        const folder = join(project.config.migrations, model.name);
        const version = nextVersion(folder);
        const file = join(folder, migrationFileName(version, name));
        if (existsSync(file)) throw new CliError(`${file} exists already`);
        mkdirSync(folder, { recursive: true });
        writeFileSync(file, migrationTemplate(version, name));
        io.output.out(`created ${relative(process.cwd(), file)}`);
        // A model that migrates on read must read the new version before items are migrated to it.
        const upgrades = compileModel(model.model).upgrades;
        if (upgrades && upgrades.version < version) {
          io.output.out(
            `before it runs, ${model.className} must read version ${version}: raise @Table({ upgrades: { version } }) ` +
              `to ${version}, with a step from ${version - 1} (docs/tables.md, "Versioned migrations")`,
          );
        }
      });
    });
}

/** The models to act on, each with its migrations: those named, or every one with a migrations folder. */
function chosen(project: Project, names: readonly string[]): ModelMigrations[] {
  const all = loadMigrations(project.config.migrations, project.models);
  if (names.length === 0) {
    if (all.length === 0) {
      throw new CliError(
        `no migrations: ${project.config.migrations} holds no model folder (dynamodel migrate create makes one)`,
      );
    }
    return all;
  }
  return pickModels(project.models, names, project.connection.prefix).map(
    (model) => all.find((entry) => entry.model === model) ?? { model, folder: '', migrations: [] },
  );
}

function migratorOf(project: Project, entry: ModelMigrations) {
  return migrator(entry.model.model, entry.migrations, {
    connection: project.connection,
    ...(project.config.historyTable !== undefined ? { historyTable: project.config.historyTable } : {}),
  });
}

function runSettings(options: RunFlags): MigrationRunOptions {
  return {
    write: options.write,
    ...(options.rate ? { rate: options.rate } : {}),
    ...(options.segments !== undefined ? { segments: options.segments } : {}),
    ...(options.parallel !== undefined ? { parallel: options.parallel } : {}),
    ...(options.deadLetters !== undefined ? { deadLetters: deadLettersToFile(options.deadLetters) } : {}),
  };
}

/** Runs with a progress display per migration version (a run reports each version it works on). */
async function withProgress<T>(
  io: CommandIo,
  entry: ModelMigrations,
  run: (onProgress: (p: MigrationProgress) => void) => Promise<T>,
): Promise<T> {
  let shown: { key: string; display: ReturnType<typeof progress> } | undefined;
  try {
    return await run((p) => {
      const key = `${p.version} ${p.direction}`;
      if (shown?.key !== key) {
        shown?.display.stop();
        const label = `${entry.model.name} ${p.direction === 'up' ? '→' : '←'} v${p.version}${p.dryRun ? ' (dry run)' : ''}`;
        shown = { key, display: progress(io.output, label, 'items') };
      }
      shown.display.update({
        done: p.scanned,
        total: p.estimatedItems,
        perSecond: p.itemsPerSecond,
        note:
          `${p.segmentsDone}/${p.segments} segments` + (p.deadLettered > 0 ? `, ${p.deadLettered} dead letters` : ''),
      });
    });
  } finally {
    shown?.display.stop();
  }
}

function printReport(io: CommandIo, entry: ModelMigrations, report: MigrationReport): void {
  const c = report.counts;
  io.output.out(
    `${entry.model.name} ${report.direction} ${report.version} (${report.description}): ` +
      `${report.dryRun ? 'dry run, would migrate' : (report.state ?? 'done') + ','} ${c.migrated} of ${c.scanned} read` +
      (c.notDue > 0 ? `, ${c.notDue} not due` : '') +
      (c.leftOut > 0 ? `, ${c.leftOut} left out` : '') +
      (c.deadLettered > 0 ? `, ${c.deadLettered} dead letters` : '') +
      ` in ${(report.elapsedMs / 1000).toFixed(1)} s`,
  );
}

function migrationTemplate(version: number, words: string): string {
  return `import { defineMigration } from '@dynamodel/core';

// Each item of the model below version ${version} goes through \`up\` once and is stored at version ${version};
// \`down\` (optional) takes it back. Items are plain values (numbers, strings, Sets, Uint8Arrays).
export default defineMigration({
  version: ${version},
  description: ${JSON.stringify(words)},
  up: (item) => ({ ...item }),
  down: (item) => ({ ...item }),
});
`;
}
