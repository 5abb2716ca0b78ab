import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// docs/architecture.md tells a new reader where things are: every path it names must exist.

const repository = join(__dirname, '..', '..', '..');
const page = readFileSync(join(repository, 'docs', 'architecture.md'), 'utf8');
const paths = [...new Set([...page.matchAll(/`((?:packages|docs|examples)\/[^`*]+?)`/g)].map((m) => m[1] as string))];

describe('docs/architecture.md', () => {
  it('names paths', () => {
    expect(paths.length).toBeGreaterThanOrEqual(25);
  });

  it.each(paths)('%s exists', (path) => {
    expect(existsSync(join(repository, path))).toBe(true);
  });
});
