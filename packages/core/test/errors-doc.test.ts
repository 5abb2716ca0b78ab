import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as executor from '@dynamodel/executor';
import * as local from '@dynamodel/local';
import * as core from '../src';

// docs/errors.md says, for every error class the packages export, when it is raised and what to do:
// a class exported without its section fails here.

const page = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'errors.md'), 'utf8');

const errorClasses = (exports: Record<string, unknown>): string[] =>
  Object.entries(exports)
    .filter(([, value]) => typeof value === 'function' && (value as { prototype?: unknown }).prototype instanceof Error)
    .map(([name]) => name)
    .sort();

describe('docs/errors.md', () => {
  it.each([...new Set([...errorClasses(executor), ...errorClasses(core)])])('has a section for %s', (name) => {
    expect(page).toContain(`### ${name}\n`);
  });

  it.each(errorClasses(local))('names %s', (name) => {
    expect(page).toContain(`\`${name}\``);
  });

  it('finds the classes it checks', () => {
    expect(errorClasses(core).length).toBeGreaterThanOrEqual(20);
  });
});
