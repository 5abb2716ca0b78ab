import { setMaxListeners } from 'node:events';
import { createReadStream, rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import {
  compileModel,
  encodeItem,
  ItemExistsError,
  type AnyClass,
  type Connection,
  type Model,
  type ModelClass,
  type ModelSchema,
} from '@dynamodel/core';
import { BatchAbortedError, batchWrite, DynamodelError } from '@dynamodel/executor';
import {
  checkpointPathFor,
  fileIdentity,
  zeroImportCounts,
  type ImportCheckpoint,
  type ImportCounts,
} from './checkpoint';
import { removeCheckpointFile, writeCheckpointFile } from '../checkpoint-file';
import { DeadLetterFile } from './dead-letter-file';
import { readRecords, type ImportFormat, type ReadPosition, type SourceRecord } from './read-records';
import { recordToInstance } from './record-to-instance';

export interface ImportSettings {
  readonly model: AnyClass;
  readonly connection: Connection;
  readonly input: Readable;
  /** The input file, absolute; `undefined` for stdin (which cannot be resumed: no checkpoint). */
  readonly inputPath: string | undefined;
  readonly format: ImportFormat;
  /** `createMany` (never overwrites; a taken key is a dead letter) instead of `batchPut`. */
  readonly createOnly: boolean;
  /** Stop at the first record that cannot be imported. */
  readonly strict: boolean;
  readonly deadLetterPath: string;
  /** Where a resumed import starts (its checkpoint), or `undefined` for a fresh one. */
  readonly resume: ImportCheckpoint | undefined;
  /** Records per chunk (one `batchPut`/`createMany` call each). Default 1,000. */
  readonly chunkSize?: number;
  /** Chunks in flight at once. Default 4. */
  readonly chunksInFlight?: number;
  readonly signal: AbortSignal;
  readonly onProgress?: (progress: ImportProgress) => void;
}

export interface ImportProgress {
  /** Records settled (stored or dead-lettered) in this run. */
  readonly settled: number;
  /** Every line up to here is settled. */
  readonly through: number;
  /** The last line read, and the bytes of input read up to it (from the start, on a resume too). */
  readonly linesRead: number;
  readonly bytesRead: number;
  readonly recordsPerSecond: number;
  readonly counts: ImportCounts;
}

export interface ImportResult {
  readonly table: string;
  /** Whether every record was settled (not stopped by an interruption or `--strict`). */
  readonly complete: boolean;
  /** Every line up to here is settled. */
  readonly through: number;
  readonly counts: ImportCounts;
  /** The lines of the dead-letter file, the first 1,000 (after a stop, those up to `through`). */
  readonly deadLetterLines: readonly number[];
  readonly blankLines: number;
  readonly elapsedMs: number;
  /** The checkpoint left for a resume (an incomplete import of a file). */
  readonly checkpointPath: string | undefined;
  /** The first record that could not be imported, when `--strict` stopped at it. */
  readonly strictStop: { readonly line: number; readonly reason: string } | undefined;
}

/** A record ready to write: its line, the text it came from, and what is sent. */
interface Prepared {
  readonly line: number;
  readonly text: string;
  readonly key: string;
  readonly write: Model | Record<string, AttributeValue>;
}

interface Chunk {
  readonly firstLine: number;
  readonly lastLine: number;
  readonly keys: ReadonlySet<string>;
  counts: ImportCounts;
  /** Every record of it stored or dead-lettered (not cut short by a stop). */
  complete: boolean;
  done: Promise<void>;
}

const MAX_LISTED_LINES = 1_000;

/**
 * Imports records into the model's table in chunks, several in flight, with a checkpoint after each
 * stretch of settled lines. Records that cannot be imported (unreadable, refused by the model, too
 * large, refused by DynamoDB) go to the dead-letter file with their line; none is skipped silently.
 * Two records with one key are written in input order: within a chunk only the one that decides is
 * sent (the last for puts, the first for `createOnly`, the others dead-lettered as taken), and a
 * chunk waits for an earlier one that writes a key it holds.
 */
export async function runImport(settings: ImportSettings): Promise<ImportResult> {
  const started = performance.now();
  const schema = compileModel(settings.model);
  const table = settings.connection.tableName(schema);
  const executor = await settings.connection.executor();
  const keyNames = schema.table.keySchema.map((element) => element.AttributeName as string);
  const chunkSize = settings.chunkSize ?? 1_000;
  const chunksInFlight = settings.chunksInFlight ?? 4;
  const resume = settings.resume;
  const deadLetters = new DeadLetterFile(settings.deadLetterPath, resume?.deadLetters.bytes ?? 0);
  const checkpointPath = settings.inputPath ? checkpointPathFor(settings.inputPath, table) : undefined;
  const identity = settings.inputPath ? fileIdentity(settings.inputPath) : undefined;
  const totals: ImportCounts = { ...(resume?.counts ?? zeroImportCounts()) };
  const uncertain = { from: resume?.through ?? 0, through: resume?.sentThrough ?? 0 };
  let through = resume?.through ?? 0;
  let sentThrough = resume?.sentThrough ?? 0;
  let settled = 0;
  let strictStop: ImportResult['strictStop'];
  const position: ReadPosition = { bytes: 0, line: 0 };
  const blank = { count: 0 };
  const stop = new AbortController();
  // Every write in flight listens to it: far more than Node's default of 10 listeners, on purpose.
  setMaxListeners(0, stop.signal);
  const onAbort = (): void => stop.abort();
  settings.signal.addEventListener('abort', onAbort, { once: true });
  const chunks: Chunk[] = [];

  const deadLetter = (chunk: { counts: ImportCounts }, line: number, reason: string, text: string): void => {
    chunk.counts.deadLettered++;
    deadLetters.add({ line, reason, text });
    if (settings.strict && !strictStop) {
      strictStop = { line, reason };
      stop.abort();
    }
  };

  const checkpoint = (): void => {
    if (!checkpointPath || !identity) return;
    writeCheckpointFile(checkpointPath, {
      kind: 'dynamodel-import',
      input: identity,
      table,
      model: schema.entity?.name ?? schema.model,
      format: settings.format,
      createOnly: settings.createOnly,
      through,
      sentThrough,
      deadLetters: { path: settings.deadLetterPath, bytes: deadLetters.release(through) },
      counts: totals,
    });
  };

  /** Moves `through` past every finished chunk at the front, and records it. */
  const advance = (): void => {
    let moved = false;
    while (chunks.length > 0 && chunks[0]!.complete) {
      const chunk = chunks.shift()!;
      for (const name of Object.keys(totals) as (keyof ImportCounts)[]) totals[name] += chunk.counts[name];
      through = chunk.lastLine;
      moved = true;
    }
    if (moved) checkpoint();
  };

  const prepare = (record: SourceRecord, chunk: { counts: ImportCounts }): Prepared | undefined => {
    const text = record.text ?? JSON.stringify(record.fields ?? {});
    if (record.problem !== undefined) {
      deadLetter(chunk, record.line, record.problem, text);
      return undefined;
    }
    try {
      if (settings.format === 'dynamodb') {
        const item = dynamoItem(schema, text);
        return { line: record.line, text, key: keyOf(keyNames, item), write: item };
      }
      const instance = recordToInstance(settings.model, record);
      // Encoded once here to refuse what the model or DynamoDB would (400 KB included) and to know the key.
      const item = encodeItem(schema, instance);
      return { line: record.line, text, key: keyOf(keyNames, item), write: instance };
    } catch (error) {
      deadLetter(chunk, record.line, reasonOf(error), text);
      return undefined;
    }
  };

  /** Sends one chunk's records: raw items through the batch engine, instances through the model. */
  const write = async (
    writes: readonly Prepared[],
    fail: (index: number, reason: unknown) => void,
  ): Promise<{ readonly notAttempted: number }> => {
    const common = { keepFailures: 0, signal: stop.signal };
    if (settings.format === 'dynamodb') {
      return await batchWrite(executor, table, writes, {
        ...common,
        keyAttributes: keyNames,
        toRequest: (entry) => ({ PutRequest: { Item: entry.write as Record<string, AttributeValue> } }),
        onFailure: (failure) => fail(failure.index, failure.reason),
      });
    }
    const bound = (settings.model as ModelClass<Model>).using(settings.connection);
    const instances = writes.map((entry) => entry.write as Model);
    const options = {
      ...common,
      onFailure: (failure: { index: number; reason: unknown }) => fail(failure.index, failure.reason),
    };
    return settings.createOnly ? await bound.createMany(instances, options) : await bound.batchPut(instances, options);
  };

  const send = async (records: SourceRecord[], chunk: Chunk, earlier: readonly Chunk[]): Promise<void> => {
    const byKey = new Map<string, Prepared>();
    for (const record of records) {
      const prepared = prepare(record, chunk);
      if (!prepared) continue;
      const other = byKey.get(prepared.key);
      if (!other) byKey.set(prepared.key, prepared);
      else if (settings.createOnly) {
        deadLetter(
          chunk,
          prepared.line,
          `the key was imported from line ${other.line} already (--create-only)`,
          prepared.text,
        );
      } else {
        chunk.counts.superseded++; // the later line is what a put of both in order leaves stored
        byKey.set(prepared.key, prepared);
      }
    }
    // A key an earlier chunk still writes: wait for it, so the records land in input order.
    for (const before of earlier) if ([...byKey.keys()].some((key) => before.keys.has(key))) await before.done;
    const writes = [...byKey.values()].sort((a, b) => a.line - b.line);
    if (stop.signal.aborted) return;
    const failedAt = new Set<number>();
    const fail = (index: number, reason: unknown): void => {
      const entry = writes[index]!;
      failedAt.add(index);
      if (
        settings.createOnly &&
        reason instanceof ItemExistsError &&
        entry.line > uncertain.from &&
        entry.line <= uncertain.through
      ) {
        chunk.counts.alreadyImported++; // sent by the interrupted run before its checkpoint
        return;
      }
      deadLetter(chunk, entry.line, reasonOf(reason), entry.text);
    };
    let notAttempted: number;
    try {
      notAttempted = (await write(writes, fail)).notAttempted;
    } catch (error) {
      // Stopped (Ctrl-C, --strict): the chunk stays unfinished; a resumed import sends it again.
      if (!(error instanceof BatchAbortedError) || !stop.signal.aborted) throw error;
      chunk.complete = false;
      return;
    }
    chunk.counts.imported += writes.length - failedAt.size - notAttempted;
    settled += records.length;
    chunk.complete = notAttempted === 0;
  };

  const inFlight = new Set<Promise<void>>();
  let failure: unknown;
  const startChunk = (records: SourceRecord[]): void => {
    const chunk: Chunk = {
      firstLine: records[0]!.line,
      lastLine: records.at(-1)!.line,
      keys: new Set(),
      counts: zeroImportCounts(),
      complete: false,
      done: Promise.resolve(),
    };
    const earlier = [...chunks];
    chunks.push(chunk);
    sentThrough = Math.max(sentThrough, chunk.lastLine);
    checkpoint(); // records `sentThrough` before anything of the chunk is sent
    const done = send(records, chunk, earlier)
      .catch((error: unknown) => {
        failure ??= error;
        stop.abort();
      })
      .finally(() => {
        inFlight.delete(done);
        advance();
        settings.onProgress?.({
          settled,
          through,
          linesRead: position.line,
          bytesRead: position.bytes,
          recordsPerSecond: settled / Math.max((performance.now() - started) / 1000, 0.001),
          counts: { ...totals },
        });
      });
    chunk.done = done;
    inFlight.add(done);
  };

  try {
    let records: SourceRecord[] = [];
    for await (const record of readRecords(settings.input, settings.format, through, position, blank)) {
      if (stop.signal.aborted) break;
      records.push(record);
      if (records.length < chunkSize) continue;
      while (inFlight.size >= chunksInFlight) await Promise.race(inFlight);
      if (stop.signal.aborted) break;
      startChunk(records);
      records = [];
    }
    if (!stop.signal.aborted && records.length > 0) startChunk(records);
    await Promise.all(inFlight);
  } finally {
    settings.signal.removeEventListener('abort', onAbort);
    if (settings.input !== process.stdin) settings.input.destroy();
  }
  if (failure !== undefined) {
    deadLetters.close();
    throw failure instanceof Error ? failure : new Error(`import failed: ${JSON.stringify(failure)}`);
  }
  const complete = !stop.signal.aborted && chunks.length === 0;
  let deadLetterBytes: number;
  if (complete) {
    deadLetterBytes = deadLetters.release(Number.MAX_SAFE_INTEGER);
    if (checkpointPath) removeCheckpointFile(checkpointPath);
  } else {
    checkpoint();
    deadLetterBytes = deadLetters.release(through);
  }
  deadLetters.close();
  // No dead letters: no file (an empty one beside every clean import would only be clutter).
  if (deadLetterBytes === 0) rmSync(settings.deadLetterPath, { force: true });
  return {
    table,
    complete,
    through,
    counts: totals,
    // The file is the record of every run of the import (a resumed one's letters included).
    deadLetterLines: deadLetterBytes === 0 ? [] : await deadLetterLinesOf(settings.deadLetterPath),
    blankLines: blank.count,
    elapsedMs: performance.now() - started,
    checkpointPath: complete ? undefined : checkpointPath,
    strictStop,
  };
}

/** A line of DynamoDB JSON (`{"Item": {...}}` as AWS exports write it, or the attribute map itself), checked against the model. */
function dynamoItem(schema: ModelSchema, text: string): Record<string, AttributeValue> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new DynamodelError(`the line is not JSON (${(error as Error).message})`);
  }
  const item = (typeof parsed === 'object' && parsed !== null && 'Item' in parsed ? parsed.Item : parsed) as Record<
    string,
    AttributeValue
  >;
  if (typeof item !== 'object' || item === null || Array.isArray(item)) {
    throw new DynamodelError('the line is not an item in DynamoDB JSON ({"Item": {"id": {"S": "…"}}})');
  }
  // The model must be able to read it (types, required attributes); it is stored as it is.
  schema.codec.decode(item);
  return item;
}

/** The line numbers the dead-letter file holds (the first `MAX_LISTED_LINES`). */
async function deadLetterLinesOf(path: string): Promise<number[]> {
  const lines: number[] = [];
  for await (const text of createInterface({ input: createReadStream(path), crlfDelay: Infinity })) {
    const line = /^\{"line":(\d+),/.exec(text)?.[1];
    if (line !== undefined) lines.push(Number(line));
    if (lines.length >= MAX_LISTED_LINES) break;
  }
  return lines;
}

function keyOf(keyNames: readonly string[], item: Record<string, AttributeValue>): string {
  return JSON.stringify(keyNames.map((name) => item[name] ?? null));
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
