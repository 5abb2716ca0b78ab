import 'reflect-metadata';
import { localTestConfig, uniqueTablePrefix } from '@dynamodel/local/jest';
import { chart, runBulk } from '../src/run-bulk';

// The books-bulk example: every strategy stores every book, directly and through the latency proxy.
// (How fast each is, is for the eye and for `pnpm bench`; machines here are shared and noisy.)

describe('the books-bulk example', () => {
  it.each([
    [0, 2_000],
    [2, 300],
  ])(
    'with %i ms of latency, each way of writing stores all %i books',
    async (latencyMs, count) => {
      const lines: string[] = [];
      const { results, chart: lines2 } = await runBulk({
        local: localTestConfig(),
        count,
        latencyMs,
        prefix: uniqueTablePrefix('books'),
        log: (line) => lines.push(line),
        bars: false,
      });
      expect(results.map((r) => [r.name, r.stored])).toEqual([
        ['one at a time', count],
        ['putMany, 16 at once', count],
        ['batchPut', count],
      ]);
      expect(lines[0]).toContain(`${count.toLocaleString('en-US')} books to`);
      expect(lines2).toHaveLength(3);
    },
    120_000,
  );

  it('charts each time against the slowest, with the speed-up over the first', () => {
    expect(
      chart([
        { name: 'one at a time', ms: 8_000, stored: 1 },
        { name: 'batchPut', ms: 400, stored: 1 },
      ]),
    ).toEqual([
      `one at a time        ${'█'.repeat(40)}    8.00 s     1.0×`,
      `batchPut             ${'█'.repeat(2).padEnd(40)}    0.40 s    20.0×`,
    ]);
  });
});
