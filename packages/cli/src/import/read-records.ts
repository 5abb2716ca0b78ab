import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { parse, type CsvError } from 'csv-parse';

/** The input formats: the model's JSON form a line each, CSV with a header row, or DynamoDB JSON a line each. */
export type ImportFormat = 'jsonl' | 'csv' | 'dynamodb';

/**
 * One record of the input: its line (the last line of a CSV record), and its text or the CSV
 * row's fields by header name; `problem` when the record could not be read (a CSV row with an
 * unclosed quote, a wrong field count).
 */
export interface SourceRecord {
  readonly line: number;
  readonly text?: string;
  readonly fields?: Readonly<Record<string, string>>;
  readonly problem?: string;
}

/** Where reading is: bytes and the last line read so far (for the estimate of what is left). */
export interface ReadPosition {
  bytes: number;
  line: number;
}

/**
 * The records of `input`, from the first whose line is past `afterLine` (a resumed import's
 * checkpoint). Blank lines are no records; `blank` counts them.
 */
export async function* readRecords(
  input: Readable,
  format: ImportFormat,
  afterLine: number,
  position: ReadPosition,
  blank: { count: number },
): AsyncGenerator<SourceRecord> {
  input.on('data', (chunk: Buffer | string) => (position.bytes += chunk.length));
  if (format === 'csv') {
    yield* readCsv(input, afterLine, position, blank);
    return;
  }
  let line = 0;
  for await (const text of createInterface({ input, crlfDelay: Infinity })) {
    line++;
    position.line = line;
    if (line <= afterLine) continue;
    if (text.trim() === '') {
      blank.count++;
      continue;
    }
    yield { line, text };
  }
}

async function* readCsv(
  input: Readable,
  afterLine: number,
  position: ReadPosition,
  blank: { count: number },
): AsyncGenerator<SourceRecord> {
  const skipped: SourceRecord[] = [];
  const parser = parse({
    columns: true,
    info: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    bom: true,
    relax_column_count: false,
    on_skip: (error: CsvError | undefined) => {
      const line = typeof error?.['lines'] === 'number' ? error['lines'] : 0;
      if (line > afterLine)
        skipped.push({ line, problem: `not a CSV row of the header's columns: ${error?.message ?? 'unreadable'}` });
      return undefined;
    },
  });
  input.pipe(parser);
  let emptyLines = 0;
  for await (const entry of parser as AsyncIterable<{
    record: Record<string, string>;
    info: { lines: number; empty_lines: number };
  }>) {
    while (skipped.length > 0) yield skipped.shift() as SourceRecord;
    if (entry.info.empty_lines > emptyLines) {
      if (entry.info.lines > afterLine) blank.count += entry.info.empty_lines - emptyLines;
      emptyLines = entry.info.empty_lines;
    }
    // A record is numbered by the line it ends on (a quoted field may span several).
    position.line = entry.info.lines;
    if (entry.info.lines <= afterLine) continue;
    yield { line: entry.info.lines, fields: entry.record };
  }
  while (skipped.length > 0) yield skipped.shift() as SourceRecord;
}

/** A file's stream, or stdin for `-`. */
export function openInput(path: string): Readable {
  return path === '-' ? process.stdin : createReadStream(path);
}
