import { SingleBar } from 'cli-progress';
import { createConnection } from '@dynamodel/core';
import { startFaultProxy, type FaultProxy } from '@dynamodel/local/fault-proxy';
import type { LocalClientConfig } from '@dynamodel/local';
import { Book, generateBooks } from './book';
import { STRATEGIES } from './strategies';

export interface BulkOptions {
  /** Where DynamoDB Local is. */
  readonly local: LocalClientConfig;
  readonly count: number;
  /** Added to every request by a proxy in front of DynamoDB Local, to play a network round trip. */
  readonly latencyMs: number;
  /** Put in front of each strategy's table name (a fresh table each). */
  readonly prefix: string;
  readonly log: (line: string) => void;
  /** Draw progress bars (on a terminal). */
  readonly bars: boolean;
}

export interface StrategyResult {
  readonly name: string;
  readonly ms: number;
  /** Books in its table afterwards (counted with a scan). */
  readonly stored: number;
}

/** Writes the same books with each strategy into a table of its own, and charts the times. */
export async function runBulk(options: BulkOptions): Promise<{ results: StrategyResult[]; chart: string[] }> {
  const books = generateBooks(options.count);
  let proxy: FaultProxy | undefined;
  if (options.latencyMs > 0)
    proxy = await startFaultProxy({ target: options.local.endpoint, latencyMs: options.latencyMs });
  const endpoint = proxy?.endpoint ?? options.local.endpoint;
  options.log(
    `${options.count.toLocaleString('en-US')} books to ${endpoint}` +
      (proxy ? ` (a proxy adding ${options.latencyMs} ms to every request)` : ''),
  );
  const results: StrategyResult[] = [];
  try {
    for (const [i, strategy] of STRATEGIES.entries()) {
      const connection = createConnection({ ...options.local, endpoint, prefix: `${options.prefix}s${i}_` });
      try {
        await connection.syncTables([Book]);
        const bar = options.bars
          ? new SingleBar({
              format: `${strategy.name.padEnd(20)} |{bar}| {value}/{total} books | {duration_formatted}`,
              hideCursor: true,
            })
          : undefined;
        bar?.start(books.length, 0);
        const started = performance.now();
        await strategy.write(connection, books, (written) => bar?.update(written));
        const ms = performance.now() - started;
        bar?.stop();
        const stored = await Book.using(connection).scan().count();
        results.push({ name: strategy.name, ms, stored });
        options.log(`${strategy.name}: ${(ms / 1000).toFixed(2)} s, ${stored.toLocaleString('en-US')} books stored`);
      } finally {
        await connection.close();
      }
    }
  } finally {
    await proxy?.close();
  }
  return { results, chart: chart(results) };
}

/** A bar per strategy, as long as its time against the slowest, with its speed-up over the first. */
export function chart(results: readonly StrategyResult[]): string[] {
  const slowest = Math.max(...results.map((r) => r.ms));
  const first = results[0]?.ms ?? 1;
  return results.map((r) => {
    const width = Math.max(1, Math.round((r.ms / slowest) * 40));
    return `${r.name.padEnd(20)} ${'█'.repeat(width).padEnd(40)} ${(r.ms / 1000).toFixed(2).padStart(7)} s  ${(first / r.ms).toFixed(1).padStart(6)}×`;
  });
}
