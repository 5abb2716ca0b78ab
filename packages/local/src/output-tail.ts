import type { Readable } from 'node:stream';

/** Keeps the last lines a child process printed, to explain a failed start. */
export class OutputTail {
  private readonly lines: string[] = [];

  constructor(private readonly limit = 40) {}

  follow(stream: Readable | null, onLine?: (line: string) => void): void {
    if (!stream) return;
    let partial = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const parts = (partial + chunk).split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) this.push(line, onLine);
    });
  }

  text(): string {
    return this.lines.join('\n');
  }

  includes(fragment: string): boolean {
    return this.lines.some((line) => line.includes(fragment));
  }

  private push(line: string, onLine?: (line: string) => void): void {
    this.lines.push(line);
    if (this.lines.length > this.limit) this.lines.shift();
    onLine?.(line);
  }
}
