import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { pollStream, streamDecoder, type StreamChange, type StreamRecord } from '@dynamodel/core';
import type { Command } from 'commander';
import { CliError } from '../errors';
import { interruption } from './interruption';
import { oneOf, whole } from './option-parsers';
import { withProject, type CommandIo, type Project, type ProjectFlags } from './project';

interface TailFlags {
  readonly from: 'latest' | 'trim-horizon';
  readonly json: boolean;
  readonly limit?: number;
}

/** `dynamodel stream tail <model|table>`: the table's changes as they happen, typed by its models. */
export function registerStream(program: Command, io: CommandIo): void {
  const stream = program.command('stream').description("a table's DynamoDB stream");
  stream
    .command('tail')
    .description('print the changes of a table as they happen (Ctrl-C stops), each decoded by its model')
    .argument('<model-or-table>', 'a model or entity (its table), or a table')
    .option(
      '--from <where>',
      'latest (changes from now on) or trim-horizon (all the stream keeps, 24 hours)',
      oneOf('latest', 'trim-horizon'),
      'latest',
    )
    .option('--json', 'a JSON object a line: kind, entity, key, time, expired, newImage, oldImage', false)
    .option('--limit <changes>', 'stop after this many changes', whole)
    .action(async (name: string, options: TailFlags, command: Command) => {
      await withProject(command.optsWithGlobals<ProjectFlags>(), async (project) => {
        const table = tableOf(project, name);
        // Every model of the config on that table decodes its own items; others are shown as stored.
        const models = project.models.filter((m) => m.tableName === table).map((m) => m.model);
        const decoder = models.length > 0 ? streamDecoder(models, { connection: project.connection }) : undefined;
        const stopped = interruption(io);
        const enough = new AbortController(); // --limit reached
        const signal = AbortSignal.any([stopped.signal, enough.signal]);
        const poller = pollStream({
          table,
          connection: project.connection,
          from: options.from,
          signal,
        });
        void poller.ready.then(
          () =>
            io.output.err(
              `Tailing the stream of ${table} (${options.from === 'latest' ? 'changes from now on' : 'all it keeps'}); Ctrl-C stops.`,
            ),
          () => undefined,
        );
        let printed = 0;
        try {
          for await (const batch of poller) {
            // Record by record: an item its model cannot read is shown as stored, with why, and the tail goes on.
            const changes = batch.records.map((record): StreamChange<object> & { unreadable?: string } => {
              if (!decoder) return undecoded(record);
              try {
                return decoder.decodeRecord(record);
              } catch (error) {
                return { ...undecoded(record), unreadable: error instanceof Error ? error.message : String(error) };
              }
            });
            for (const change of changes) {
              io.output.out(
                options.json
                  ? JSON.stringify({
                      ...changeJson(change),
                      ...(change.unreadable ? { unreadable: change.unreadable } : {}),
                    })
                  : changeLine(change) +
                      (change.unreadable ? `  (its model cannot read it: ${change.unreadable})` : ''),
              );
              printed++;
              if (options.limit !== undefined && printed >= options.limit) {
                enough.abort();
                break;
              }
            }
          }
        } catch (error) {
          // Stopping aborts the read in flight: that is the end asked for, not a failure.
          if (!signal.aborted) throw error;
        } finally {
          stopped.release();
        }
      });
    });
}

function tableOf(project: Project, name: string): string {
  const model = project.models.find((m) => m.name === name || m.className === name);
  if (model) return model.tableName;
  const table = project.models.find(
    (m) => m.tableName === name || m.tableName === `${project.connection.prefix}${name}`,
  );
  if (table) return table.tableName;
  if (name.length === 0) throw new CliError('name a model or a table');
  return name; // another table of the endpoint: its changes are shown as stored
}

/** A record of a table no model of the config lives in: key and images as stored. */
function undecoded(record: StreamRecord): StreamChange<object> {
  const kind = record.eventName === 'INSERT' ? 'insert' : record.eventName === 'MODIFY' ? 'modify' : 'remove';
  return {
    kind,
    keys: record.dynamodb?.Keys ?? {},
    sequenceNumber: record.dynamodb?.SequenceNumber,
    eventId: record.eventID,
    time: record.dynamodb?.ApproximateCreationDateTime,
    expired: record.userIdentity?.PrincipalId === 'dynamodb.amazonaws.com',
    entity: undefined,
    model: undefined,
    storedEntity: undefined,
    newItem: record.dynamodb?.NewImage,
    oldItem: record.dynamodb?.OldImage,
  };
}

function changeJson(change: StreamChange<object>): Record<string, unknown> {
  const images = change.model
    ? { newImage: change.newImage, oldImage: change.oldImage }
    : { newImage: plain(change.newItem), oldImage: plain(change.oldItem), storedEntity: change.storedEntity };
  return {
    kind: change.kind,
    entity: change.entity ?? null,
    key: plain(change.keys),
    time: change.time?.toISOString() ?? null,
    expired: change.expired,
    ...images,
  };
}

/** `06:12:00 modify Tweet tweetId=t1  text: "a" → "b"`: what changed, on one line. */
function changeLine(change: StreamChange<object>): string {
  const time = change.time ? change.time.toISOString() : '-';
  const key = Object.entries(plain(change.keys) ?? {})
    .map(([name, value]) => `${name}=${String(value)}`)
    .join(' ');
  const head = `${time} ${change.kind.padEnd(6)} ${change.entity ?? change.storedEntity ?? '(no model)'} ${key}`;
  const after = change.model ? jsonOf(change.newImage) : plain(change.newItem);
  const before = change.model ? jsonOf(change.oldImage) : plain(change.oldItem);
  if (change.kind === 'insert') return `${head}  ${JSON.stringify(after ?? {})}`;
  if (change.kind === 'remove') return `${head}${change.expired ? '  (expired by TTL)' : ''}`;
  if (!after || !before) return `${head}  (the stream carries no ${after ? 'old' : 'new'} image)`;
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  const differences = names
    .filter((n) => JSON.stringify(before[n]) !== JSON.stringify(after[n]))
    .map((n) =>
      !(n in before)
        ? `+${n}: ${JSON.stringify(after[n])}`
        : !(n in after)
          ? `-${n}`
          : `${n}: ${JSON.stringify(before[n])} → ${JSON.stringify(after[n])}`,
    );
  return `${head}  ${differences.length > 0 ? differences.join(', ') : '(no attribute changed)'}`;
}

const jsonOf = (instance: object | undefined): Record<string, unknown> | undefined =>
  instance === undefined ? undefined : (JSON.parse(JSON.stringify(instance)) as Record<string, unknown>);

const plain = (item: Record<string, AttributeValue> | undefined): Record<string, unknown> | undefined =>
  item === undefined ? undefined : unmarshall(item, { wrapNumbers: false });
