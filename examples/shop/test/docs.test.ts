import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// docs/single-table.md quotes the example: every code block marked `<!-- from: path -->` must appear,
// line for line, in that file, so the page cannot drift from code that runs (test/demo.test.ts).

const repository = join(__dirname, '..', '..', '..');
const page = readFileSync(join(repository, 'docs', 'single-table.md'), 'utf8');
const quoted = [...page.matchAll(/<!-- from: ([^ ]+) -->\s*```ts\n([\s\S]*?)```/g)].map((match) => ({
  path: match[1] as string,
  code: match[2] as string,
}));

/** Lines without their indentation and blank lines: Prettier may wrap the example differently from the page. */
const lines = (text: string): string[] =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');

describe('docs/single-table.md', () => {
  it('quotes the example', () => {
    expect(quoted.length).toBeGreaterThanOrEqual(4);
  });

  it.each(quoted.map((block) => [block.path, block] as const))('quotes %s as it is', (_path, block) => {
    const source = lines(readFileSync(join(repository, block.path), 'utf8')).join('\n');
    expect(source).toContain(lines(block.code).join('\n'));
  });
});
