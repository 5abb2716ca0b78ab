import { closeSync, ftruncateSync, openSync, writeSync } from 'node:fs';

/** One record that could not be imported: its line, why, and the line as it was (to fix and import again). */
export interface ImportDeadLetter {
  readonly line: number;
  readonly reason: string;
  readonly text: string;
}

/**
 * The dead-letter file of an import, in line order. Letters wait in memory until every record up
 * to their line is settled (`release`), so the file holds exactly the letters of the settled lines:
 * a resumed import cuts it back to the checkpoint's length and ends with the same file as an
 * uninterrupted one.
 */
export class DeadLetterFile {
  private readonly fd: number;
  private readonly pending: ImportDeadLetter[] = [];
  private length: number;

  constructor(
    readonly path: string,
    /** The length to keep (a checkpoint's), or 0 to start the file anew. */
    keepBytes: number,
  ) {
    this.fd = openSync(path, keepBytes > 0 ? 'r+' : 'w');
    ftruncateSync(this.fd, keepBytes);
    this.length = keepBytes;
  }

  add(letter: ImportDeadLetter): void {
    this.pending.push(letter);
  }

  /** Writes the letters of lines up to `through`, in line order; returns the file's length after them. */
  release(through: number): number {
    const ready = this.pending.filter((letter) => letter.line <= through).sort((a, b) => a.line - b.line);
    if (ready.length > 0) {
      const keep = this.pending.filter((letter) => letter.line > through);
      this.pending.length = 0;
      this.pending.push(...keep);
      const text = ready.map((letter) => `${JSON.stringify(letter)}\n`).join('');
      const buffer = Buffer.from(text, 'utf8');
      writeSync(this.fd, buffer, 0, buffer.length, this.length);
      this.length += buffer.length;
    }
    return this.length;
  }

  close(): void {
    closeSync(this.fd);
  }
}
