import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// docs/single-table.md quotes this example, docs/tables.md the migrations the tests run
// (packages/core/test/support/migration-models.ts), docs/cli.md the project its tests run
// (packages/cli/test/fixtures/docs), the from-*.md pages examples/coming-from: every code block marked `<!-- from: path -->`
// must appear, line for line, in that file, so a page cannot drift from code that runs.

const repository = join(__dirname, '..', '..', '..');
const quotes = (name: string) =>
  [
    ...readFileSync(join(repository, 'docs', name), 'utf8').matchAll(
      /<!-- from: ([^ ]+) -->\s*```(?:ts|python)\n([\s\S]*?)```/g,
    ),
  ].map((match) => ({ path: match[1] as string, code: match[2] as string }));

/** Lines without their indentation and blank lines: Prettier may wrap the example differently from the page. */
const lines = (text: string): string[] =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');

describe.each([
  ['single-table.md', 4],
  ['tables.md', 1],
  ['cli.md', 2],
  ['getting-started.md', 1],
  ['from-dynamoose.md', 14],
  ['from-electrodb.md', 14],
  ['from-dynamodb-toolbox.md', 14],
  ['from-pynamodb.md', 14],
])('docs/%s', (name, least) => {
  const quoted = quotes(name);
  it('quotes code that runs', () => {
    expect(quoted.length).toBeGreaterThanOrEqual(least);
  });

  it.each(quoted.map((block) => [block.path, block] as const))('quotes %s as it is', (_path, block) => {
    const source = lines(readFileSync(join(repository, block.path), 'utf8')).join('\n');
    expect(source).toContain(lines(block.code).join('\n'));
  });
});
