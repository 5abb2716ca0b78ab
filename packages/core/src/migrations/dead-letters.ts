import { appendFile } from 'node:fs/promises';
import type { Item } from '../codecs/object-codec';

/** An item a migration run could not migrate: left as it was, reported here. */
export interface DeadLetter {
  /** The model or entity of the migrations. */
  readonly model: string;
  readonly version: number;
  readonly direction: 'up' | 'down';
  /** The item's key, as stored. */
  readonly key: Item;
  /** The item as the run read it, as stored (AttributeValues): enough to fix it and run again. */
  readonly item: Item;
  readonly reason: string;
  /** Whether this came from a dry run (nothing was written either way). */
  readonly dryRun: boolean;
}

/**
 * Where a run reports the items it could not migrate. It is awaited before the run's checkpoint
 * moves past the item, so a report is never lost to a crash (it may be repeated after one); if it
 * throws, the run stops with a `MigrationError` (code `dead-letter`).
 */
export type DeadLetterSink = (letter: DeadLetter) => void | Promise<void>;

/**
 * A sink that appends each dead letter to `path` as one line of JSON (binary values as base64),
 * written before the run goes on.
 */
export function deadLettersToFile(path: string): DeadLetterSink {
  let queue: Promise<void> = Promise.resolve();
  return (letter) => {
    // One append at a time, so lines from concurrent segments never interleave.
    const line = `${JSON.stringify(letter, binaryAsBase64)}\n`;
    queue = queue.then(() => appendFile(path, line, 'utf8'));
    return queue;
  };
}

function binaryAsBase64(_key: string, value: unknown): unknown {
  return value instanceof Uint8Array ? { B64: Buffer.from(value).toString('base64') } : value;
}
