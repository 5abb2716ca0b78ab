import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// docs/architecture.md tells a new reader where things are, docs/performance.md which benchmark
// measures what: every repository path they name must exist.

const repository = join(__dirname, '..', '..', '..');
const pathsIn = (page: string): string[] => {
  const text = readFileSync(join(repository, 'docs', page), 'utf8');
  return [...new Set([...text.matchAll(/`((?:packages|docs|examples)\/[^`*\s]+?)`/g)].map((m) => m[1] as string))];
};

describe.each([
  ['architecture.md', 25],
  ['performance.md', 5],
])('docs/%s', (page, least) => {
  const paths = pathsIn(page);
  it('names paths', () => {
    expect(paths.length).toBeGreaterThanOrEqual(least);
  });

  it.each(paths)('%s exists', (path) => {
    expect(existsSync(join(repository, path))).toBe(true);
  });
});
