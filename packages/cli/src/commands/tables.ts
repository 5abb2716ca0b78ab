import { createInterface } from 'node:readline/promises';
import {
  applyPlan,
  isLocalEndpoint,
  planTables,
  readLiveTable,
  tableDefinitions,
  type ApplyProgress,
  type LiveTable,
} from '@dynamodel/core';
import type { Command } from 'commander';
import { CliError, EXIT } from '../errors';
import { onePerTable, pickModels, type NamedModel } from '../config/models';
import { positive } from './option-parsers';
import { withProject, type CommandIo, type Project, type ProjectFlags } from './project';

/** `dynamodel tables …`: the plan/apply, definitions and housekeeping of the models' tables. */
export function registerTables(program: Command, io: CommandIo): void {
  const tables = program
    .command('tables')
    .description("the models' tables: plan, apply, template, list, describe, drop");
  const flags = (command: Command): ProjectFlags => command.optsWithGlobals<ProjectFlags>();

  tables
    .command('plan')
    .description('what apply would change; exits 2 when changes are pending (for CI)')
    .argument('[models...]', 'models or tables (default: all of the config)')
    .action(async (names: string[], _options: object, command: Command) => {
      await withProject(flags(command), async (project) => {
        const plan = await planTables(chosen(project, names), { connection: project.connection });
        io.output.out(plan.format());
        io.output.out(planSummary(plan));
        if (plan.pending) io.exit(EXIT.changesPending);
      });
    });

  tables
    .command('apply')
    .description('make the tables match the models: create tables, add indexes, turn on TTL and streams')
    .argument('[models...]', 'models or tables (default: all of the config)')
    .option('--allow-drops', 'also drop indexes and turn off TTL, streams, PITR the models no longer declare', false)
    .option('--timeout <seconds>', 'how long to wait for each change', positive, 1_800)
    .action(async (names: string[], options: { allowDrops: boolean; timeout: number }, command: Command) => {
      await withProject(flags(command), async (project) => {
        const plan = await planTables(chosen(project, names), { connection: project.connection });
        if (!plan.pending) {
          io.output.out('The tables match the models: nothing to apply.');
          return;
        }
        io.output.out(plan.format());
        const result = await applyPlan(plan, {
          connection: project.connection,
          allowDrops: options.allowDrops,
          timeoutMs: options.timeout * 1_000,
          onProgress: (progress) => {
            const line = progressLine(progress);
            if (line) io.output.err(line);
          },
        });
        io.output.out(
          `Applied ${count(result.applied.length, 'change')}` +
            (result.unsupported.length > 0 ? `; ${result.unsupported.length} not supported by this endpoint` : '') +
            '.',
        );
        if (result.skipped.length > 0) {
          io.output.out(`${count(result.skipped.length, 'change')} left: dropping needs --allow-drops.`);
        }
        if (result.blocked.length > 0) {
          io.output.out(`${count(result.blocked.length, 'table')} cannot be changed in place (see "way out" above).`);
        }
        if (result.skipped.length > 0 || result.blocked.length > 0) io.exit(EXIT.changesPending);
      });
    });

  tables
    .command('template')
    .description('the table definitions, for infrastructure code (printed as JSON)')
    .argument('[models...]', 'models or tables (default: all of the config)')
    .option(
      '--format <format>',
      'cloudformation (a template), cdk (CfnTable props) or create-table (CreateTable inputs)',
      'cloudformation',
    )
    .action(async (names: string[], options: { format: string }, command: Command) => {
      await withProject(flags(command), (project) => {
        const definitions = tableDefinitions(chosen(project, names), { prefix: project.connection.prefix });
        let document: unknown;
        switch (options.format) {
          case 'cloudformation':
            document = {
              AWSTemplateFormatVersion: '2010-09-09',
              Resources: Object.fromEntries(definitions.map((d) => [logicalId(d.tableName), d.cloudFormation()])),
            };
            break;
          case 'cdk':
            document = Object.fromEntries(definitions.map((d) => [d.tableName, d.cdkProps()]));
            break;
          case 'create-table':
            document = definitions.map((d) => d.createTable);
            break;
          default:
            throw new CliError(`--format must be cloudformation, cdk or create-table, got ${options.format}`);
        }
        io.output.out(JSON.stringify(document, null, 2));
      });
    });

  tables
    .command('list')
    .description("the models' tables and whether each exists (--all: every table of the endpoint)")
    .option('--all', 'every table the endpoint has, not only the models’', false)
    .action(async (options: { all: boolean }, command: Command) => {
      await withProject(flags(command), async (project) => {
        const executor = await project.connection.executor();
        const byTable = new Map<string, string[]>();
        for (const model of project.models)
          byTable.set(model.tableName, [...(byTable.get(model.tableName) ?? []), model.name]);
        if (options.all) {
          let start: string | undefined;
          do {
            const page = await executor.send('ListTables', start ? { ExclusiveStartTableName: start } : {});
            for (const name of page.TableNames ?? []) if (!byTable.has(name)) byTable.set(name, []);
            start = page.LastEvaluatedTableName;
          } while (start);
        }
        for (const [tableName, models] of [...byTable].sort(([a], [b]) => a.localeCompare(b))) {
          const live = await readLiveTable(executor, tableName);
          const state = live.table
            ? `${live.table.TableStatus ?? 'ACTIVE'}, ${count(live.table.ItemCount ?? 0, 'item')}`
            : 'missing (tables apply creates it)';
          io.output.out(`${tableName}  ${models.length > 0 ? models.join(', ') : '(no model)'}  ${state}`);
        }
      });
    });

  tables
    .command('describe')
    .description('a table as the endpoint describes it: keys, indexes, billing, TTL, stream, items')
    .argument('<model-or-table>')
    .option('--json', 'DescribeTable’s answer as JSON', false)
    .action(async (name: string, options: { json: boolean }, command: Command) => {
      await withProject(flags(command), async (project) => {
        const [model] = onePerTable(pickModels(project.models, [name], project.connection.prefix));
        const tableName = (model as NamedModel).tableName;
        const live = await readLiveTable(await project.connection.executor(), tableName);
        if (!live.table)
          throw new CliError(`table ${tableName} does not exist at this endpoint (tables apply creates it)`);
        if (options.json) io.output.out(JSON.stringify(live, null, 2));
        else for (const line of describeLines(tableName, live, project.models)) io.output.out(line);
      });
    });

  tables
    .command('drop')
    .description('delete tables and all their data (asks first; a remote endpoint also needs --force)')
    .argument('[models...]', 'models or tables (default: all of the config)')
    .option('--yes', 'do not ask', false)
    .option('--force', 'also on an endpoint that is not on this machine', false)
    .action(async (names: string[], options: { yes: boolean; force: boolean }, command: Command) => {
      await withProject(flags(command), async (project) => {
        const targets = onePerTable(
          names.length > 0 ? pickModels(project.models, names, project.connection.prefix) : project.models,
        );
        const tableNames = targets.map((t) => t.tableName);
        const endpoint = await project.connection.endpoint();
        if (!options.force && !isLocalEndpoint(endpoint)) {
          throw new CliError(
            `${endpoint ?? 'the AWS endpoint of the region'} is not on this machine: dropping ${tableNames.join(', ')} ` +
              'there needs --force. Nothing was deleted.',
          );
        }
        if (!options.yes && !(await confirm(`Delete ${tableNames.join(', ')} and all their data?`))) {
          throw new CliError('nothing was deleted (answer "yes" to delete, or pass --yes)');
        }
        const results = await project.connection.dropTables(
          targets.map((t) => t.model),
          { force: options.force },
        );
        for (const [table, result] of Object.entries(results)) io.output.out(`${table}: ${result}`);
      });
    });
}

/** The classes `names` pick, or all of the config's. */
function chosen(project: Project, names: readonly string[]) {
  return (names.length > 0 ? pickModels(project.models, names, project.connection.prefix) : project.models).map(
    (m) => m.model,
  );
}

function planSummary(plan: Awaited<ReturnType<typeof planTables>>): string {
  if (!plan.pending) return 'The tables match the models.';
  const changes = plan.tables.reduce((sum, table) => sum + table.changes.length, 0);
  return (
    `${count(changes, 'change')} pending` +
    (plan.destructive ? ' (some need --allow-drops)' : '') +
    (plan.blocked ? '; some differences cannot be applied in place (see "way out")' : '') +
    ': run dynamodel tables apply.'
  );
}

function progressLine(progress: ApplyProgress): string | undefined {
  if (progress.status === 'waiting') return undefined; // one line per state, not per poll
  return `[${progress.step}/${progress.steps}] ${progress.table}: ${progress.description} — ${progress.status}`;
}

function describeLines(tableName: string, live: LiveTable, models: readonly NamedModel[]): string[] {
  const table = live.table!;
  const types = new Map((table.AttributeDefinitions ?? []).map((d) => [d.AttributeName, d.AttributeType]));
  const keys = (schema: typeof table.KeySchema) =>
    (schema ?? [])
      .map((k) => `${k.AttributeName} (${types.get(k.AttributeName) ?? '?'}, ${k.KeyType?.toLowerCase()})`)
      .join(', ');
  const on = models.filter((m) => m.tableName === tableName).map((m) => m.name);
  const billing = table.BillingModeSummary?.BillingMode ?? 'PROVISIONED';
  const lines = [
    `table ${tableName}${on.length > 0 ? ` (${on.join(', ')})` : ''}`,
    `  status ${table.TableStatus}, ${count(table.ItemCount ?? 0, 'item')}, ${table.TableSizeBytes ?? 0} bytes`,
    `  billing ${billing === 'PAY_PER_REQUEST' ? 'on demand' : `provisioned ${table.ProvisionedThroughput?.ReadCapacityUnits ?? 0} read / ${table.ProvisionedThroughput?.WriteCapacityUnits ?? 0} write units`}`,
    `  key: ${keys(table.KeySchema)}`,
  ];
  for (const index of table.GlobalSecondaryIndexes ?? []) {
    lines.push(
      `  global index ${index.IndexName} (${index.IndexStatus}): ${keys(index.KeySchema)}, projects ${projection(index.Projection)}`,
    );
  }
  for (const index of table.LocalSecondaryIndexes ?? []) {
    lines.push(`  local index ${index.IndexName}: ${keys(index.KeySchema)}, projects ${projection(index.Projection)}`);
  }
  lines.push(`  TTL: ${live.ttl ?? 'off'}`);
  lines.push(
    `  stream: ${table.StreamSpecification?.StreamEnabled ? table.StreamSpecification.StreamViewType : 'off'}`,
  );
  lines.push(
    `  point-in-time recovery: ${live.pointInTimeRecovery === 'unsupported' ? 'not supported by this endpoint' : live.pointInTimeRecovery ? 'on' : 'off'}`,
  );
  lines.push(`  deletion protection: ${table.DeletionProtectionEnabled ? 'on' : 'off'}`);
  return lines;
}

const projection = (p: { ProjectionType?: string | undefined; NonKeyAttributes?: string[] | undefined } | undefined) =>
  p?.ProjectionType === 'INCLUDE' ? `INCLUDE ${(p.NonKeyAttributes ?? []).join(', ')}` : (p?.ProjectionType ?? 'ALL');

/** A CloudFormation logical ID from a table name: letters and digits only, starting with a capital. */
export function logicalId(tableName: string): string {
  const words = tableName.split(/[^A-Za-z0-9]+/).filter(Boolean);
  const id = words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
  return /^[A-Za-z]/.test(id) ? `${id}Table` : `Table${id}`;
}

/** Asks on the terminal; without one there is nobody to ask, and that is an error rather than a yes. */
async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) {
    throw new CliError('drop asks before deleting, and there is no terminal to ask on: pass --yes to delete');
  }
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return (await prompt.question(`${question} Type "yes" to delete: `)).trim().toLowerCase() === 'yes';
  } finally {
    prompt.close();
  }
}

const count = (n: number, noun: string): string => `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;
