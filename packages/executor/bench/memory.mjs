// RSS while 1,000,000 small items stream through the batch engine (the built package) to an
// executor that acknowledges writes without a server: the engine's own memory, nothing else's.
import { batchWrite } from '@dynamodel/executor';

const acknowledging = {
  async send() {
    await new Promise((resolve) => setImmediate(resolve));
    return { $metadata: {}, UnprocessedItems: {} };
  },
};

async function* items() {
  for (let i = 0; i < 1_000_000; i++) {
    yield {
      PutRequest: {
        Item: {
          isbn: { S: `mem-${String(i).padStart(7, '0')}` },
          title: { S: `Book number ${i}` },
          author: { S: `Author ${i % 97}` },
          published: { S: new Date(1_600_000_000_000 + i * 86_400_000).toISOString() },
          pages: { N: String(100 + (i % 900)) },
          tags: { L: [{ S: 'fiction' }, { S: `shelf-${i % 13}` }] },
        },
      },
    };
  }
}

globalThis.gc?.();
const baseline = process.memoryUsage().rss;
let peak = baseline;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
const started = performance.now();
const report = await batchWrite(acknowledging, 'memory', items(), { keyAttributes: ['isbn'], concurrency: 8 });
clearInterval(sampler);
peak = Math.max(peak, process.memoryUsage().rss);
const mb = (bytes) => (bytes / 2 ** 20).toFixed(0);
console.log('\nmemory (engine only: the executor acknowledges writes without a server; fresh process)');
console.log(
  `  1,000,000 items streamed, ${report.written} acknowledged in ${((performance.now() - started) / 1000).toFixed(1)} s; ` +
    `RSS at start ${mb(baseline)} MB, peak ${mb(peak)} MB (target: under 200 MB)`,
);
if (report.written !== 1_000_000 || peak >= 200 * 2 ** 20) process.exitCode = 1;
