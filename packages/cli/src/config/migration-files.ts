import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { isMigration, type Migration } from '@dynamodel/core';
import { CliError } from '../errors';
import { importModule } from './load-config';
import type { NamedModel } from './models';

/** A migration file's name: `<version>-<words>.<ts|mts|cts|js|mjs|cjs>`, e.g. `0002-split-name.ts`. */
const FILE_NAME = /^(\d+)-[A-Za-z0-9._-]+\.(ts|mts|cts|js|mjs|cjs)$/;

/** One model's migrations, as its folder holds them. */
export interface ModelMigrations {
  readonly model: NamedModel;
  readonly folder: string;
  readonly migrations: readonly Migration[];
}

/**
 * The migrations under `root`: one folder per model or entity, named as it (`migrations/Tweet/`),
 * each file exporting one `defineMigration(...)` whose version is the number its name starts with.
 * A folder that names no model, a file named otherwise, or a version that differs from its file
 * name is an error (a migration would otherwise be silently left out, or run as another version).
 */
export function loadMigrations(root: string, models: readonly NamedModel[]): ModelMigrations[] {
  if (!existsSync(root)) return [];
  const found: ModelMigrations[] = [];
  for (const entry of readdirSync(root).sort()) {
    const folder = join(root, entry);
    if (!statSync(folder).isDirectory()) continue;
    const model = models.find((m) => m.name === entry || m.className === entry);
    if (!model) {
      throw new CliError(
        `${relative(process.cwd(), folder)}: no model or entity named ${entry} (the config has ${models.map((m) => m.name).join(', ')})`,
      );
    }
    found.push({ model, folder, migrations: loadFolder(folder) });
  }
  return found;
}

function loadFolder(folder: string): Migration[] {
  const load = createRequire(join(folder, 'index.js'));
  const migrations: Migration[] = [];
  for (const file of readdirSync(folder).sort()) {
    if (file.endsWith('.d.ts')) continue;
    const path = join(folder, file);
    const match = FILE_NAME.exec(file);
    if (!match) {
      throw new CliError(`${path}: a migration file is named <version>-<words>.ts, e.g. 0002-split-name.ts`);
    }
    const exported = Object.values(importModule(load, path, 'migration')).filter(isMigration);
    if (exported.length !== 1) {
      throw new CliError(`${path}: export one defineMigration(...) (found ${exported.length})`);
    }
    const migration = exported[0] as Migration;
    if (migration.version !== Number(match[1])) {
      throw new CliError(`${path}: declares version ${migration.version}, but its file name says ${Number(match[1])}`);
    }
    migrations.push(migration);
  }
  return migrations;
}

/** The next version in a model's folder: one past the highest file's (2 for the first migration). */
export function nextVersion(folder: string): number {
  if (!existsSync(folder)) return 2;
  const versions = readdirSync(folder)
    .map((file) => FILE_NAME.exec(file)?.[1])
    .filter((v): v is string => v !== undefined)
    .map(Number);
  return Math.max(1, ...versions) + 1;
}

/** `0003-add-slug.ts` from a version and the words the user gave. */
export function migrationFileName(version: number, words: string): string {
  const slug = words
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (slug === '') throw new CliError(`migration name ${JSON.stringify(words)} has no letters or digits`);
  return `${String(version).padStart(4, '0')}-${slug}.ts`;
}
