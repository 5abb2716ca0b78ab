import { statSync } from 'node:fs';
import type { ImportFormat } from './read-records';

/** What an import has settled so far, kept beside its input so that a resumed run goes on from it. */
export interface ImportCheckpoint {
  readonly kind: 'dynamodel-import';
  readonly input: { readonly path: string; readonly size: number; readonly mtimeMs: number };
  readonly table: string;
  readonly model: string;
  readonly format: ImportFormat;
  readonly createOnly: boolean;
  /** Every record up to this line is stored or dead-lettered. */
  readonly through: number;
  /** Records up to this line were sent (some may be stored although `through` is below them). */
  readonly sentThrough: number;
  /** The dead-letter file, and its length once the letters of lines up to `through` are in it. */
  readonly deadLetters: { readonly path: string; readonly bytes: number };
  readonly counts: ImportCounts;
}

export interface ImportCounts {
  /** Records written (put, or created). */
  imported: number;
  /** Records that could not be imported (each a line of the dead-letter file). */
  deadLettered: number;
  /** Records whose key a later record of the same import wrote again (put: the last one is stored). */
  superseded: number;
  /** With `--create-only` after an interruption: records found stored by the interrupted run. */
  alreadyImported: number;
}

export const zeroImportCounts = (): ImportCounts => ({
  imported: 0,
  deadLettered: 0,
  superseded: 0,
  alreadyImported: 0,
});

/** Where the checkpoint of importing `input` into `table` lives. */
export const checkpointPathFor = (input: string, table: string): string => `${input}.import-${table}.checkpoint.json`;

/** The file's identity as a checkpoint records it: a changed file cannot be resumed. */
export function fileIdentity(path: string): ImportCheckpoint['input'] {
  const stat = statSync(path);
  return { path, size: stat.size, mtimeMs: stat.mtimeMs };
}
