import { closeSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import { setMaxListeners } from 'node:events';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { AnyClass, Connection, Model, ModelClass } from '@dynamodel/core';
import { removeCheckpointFile, writeCheckpointFile } from '../checkpoint-file';

/** `model`: the model's JSON form (what `toJSON()` gives, `fromJSON` reads); `dynamodb`: DynamoDB JSON, `{"Item": …}` a line. */
export type ExportFormat = 'model' | 'dynamodb';

/** Where each segment of an export is: a model read's cursor, a scan's last key, or done. */
type SegmentState =
  | { readonly done: true }
  | { readonly done: false; readonly cursor: string | Record<string, AttributeValue> | undefined };

export interface ExportCheckpoint {
  readonly kind: 'dynamodel-export';
  readonly source: string;
  readonly table: string;
  readonly format: ExportFormat;
  readonly segments: readonly SegmentState[];
  /** The output's length once the pages the segments' states are past are in it. */
  readonly bytes: number;
  readonly items: number;
}

export interface ExportSettings {
  /** The model whose items are exported (its scan: upgrades applied, one entity's items), or `undefined` for every item of `table`. */
  readonly model: AnyClass | undefined;
  readonly source: string;
  readonly table: string;
  readonly format: ExportFormat;
  readonly connection: Connection;
  /** The output file, or `undefined` for stdout (no checkpoint then). */
  readonly outputPath: string | undefined;
  readonly segments: number;
  readonly pageSize: number;
  readonly consistent: boolean;
  readonly resume: ExportCheckpoint | undefined;
  readonly signal: AbortSignal;
  readonly onProgress?: (progress: { readonly items: number; readonly itemsPerSecond: number }) => void;
}

export interface ExportResult {
  readonly complete: boolean;
  readonly items: number;
  readonly elapsedMs: number;
  readonly checkpointPath: string | undefined;
}

export const exportCheckpointPath = (output: string): string => `${output}.export.checkpoint.json`;

/**
 * Exports with a parallel scan, a segment per lane. Each page is appended to the output whole and
 * then the checkpoint moves past it (one at a time), so after a crash the output is cut back to the
 * checkpoint's length and every segment goes on from its state: no item is written twice or left
 * out. Lines of different segments interleave; within a segment they are in scan order.
 */
export async function runExport(settings: ExportSettings): Promise<ExportResult> {
  const started = performance.now();
  const checkpointPath = settings.outputPath ? exportCheckpointPath(settings.outputPath) : undefined;
  const resume = settings.resume;
  const states: SegmentState[] = resume
    ? [...resume.segments]
    : Array.from({ length: settings.segments }, () => ({ done: false, cursor: undefined }));
  let bytes = resume?.bytes ?? 0;
  let items = resume?.items ?? 0;
  let exported = 0;
  const fd = settings.outputPath ? openSync(settings.outputPath, resume ? 'r+' : 'w') : undefined;
  if (fd !== undefined) ftruncateSync(fd, bytes);
  const stop = new AbortController();
  setMaxListeners(0, stop.signal);
  const onAbort = (): void => stop.abort();
  settings.signal.addEventListener('abort', onAbort, { once: true });

  const checkpoint = (): void => {
    if (!checkpointPath) return;
    const record: ExportCheckpoint = {
      kind: 'dynamodel-export',
      source: settings.source,
      table: settings.table,
      format: settings.format,
      segments: states,
      bytes,
      items,
    };
    writeCheckpointFile(checkpointPath, record);
  };

  /** Appends a page's lines and moves its segment's state past them (synchronously: pages never interleave). */
  const append = (segment: number, lines: readonly string[], next: SegmentState): void => {
    if (lines.length > 0) {
      const buffer = Buffer.from(lines.join(''), 'utf8');
      if (fd !== undefined) writeSync(fd, buffer, 0, buffer.length, bytes);
      else process.stdout.write(buffer);
      bytes += buffer.length;
      items += lines.length;
      exported += lines.length;
    }
    states[segment] = next;
    checkpoint();
    settings.onProgress?.({ items, itemsPerSecond: exported / Math.max((performance.now() - started) / 1000, 0.001) });
  };

  const lane = async (segment: number): Promise<void> => {
    for (let state = states[segment]!; !state.done; state = states[segment]!) {
      if (stop.signal.aborted) return;
      if (settings.model && settings.format === 'model') {
        const read = (settings.model as ModelClass<Model>).using(settings.connection).scan({
          segments: states.length,
          segment,
          consistent: settings.consistent,
          signal: stop.signal,
        });
        const page = await read.page({ cursor: state.cursor as string | undefined, limit: settings.pageSize });
        const lines = page.items.map((item) => `${JSON.stringify(item)}\n`);
        append(segment, lines, page.cursor ? { done: false, cursor: page.cursor } : { done: true });
      } else {
        const executor = await settings.connection.executor();
        const page = await executor.send(
          'Scan',
          {
            TableName: settings.table,
            Segment: segment,
            TotalSegments: states.length,
            Limit: settings.pageSize,
            ConsistentRead: settings.consistent,
            ...(state.cursor ? { ExclusiveStartKey: state.cursor as Record<string, AttributeValue> } : {}),
          },
          { signal: stop.signal },
        );
        const lines = (page.Items ?? []).map((item) => `${JSON.stringify({ Item: item })}\n`);
        append(segment, lines, page.LastEvaluatedKey ? { done: false, cursor: page.LastEvaluatedKey } : { done: true });
      }
    }
  };

  try {
    const lanes = states.map((_, segment) => lane(segment));
    const outcomes = await Promise.allSettled(lanes);
    const failed = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    if (failed && !stop.signal.aborted) {
      throw failed.reason instanceof Error
        ? failed.reason
        : new Error(`export failed: ${JSON.stringify(failed.reason)}`);
    }
  } finally {
    settings.signal.removeEventListener('abort', onAbort);
    if (fd !== undefined) closeSync(fd);
  }
  const complete = states.every((state) => state.done);
  if (complete && checkpointPath) removeCheckpointFile(checkpointPath);
  return {
    complete,
    items,
    elapsedMs: performance.now() - started,
    checkpointPath: complete ? undefined : checkpointPath,
  };
}
