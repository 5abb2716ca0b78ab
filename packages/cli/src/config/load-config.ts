import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { compileModel, isDeclaredModel, type AnyClass, type ConnectOptions } from '@dynamodel/core';
import { CliError } from '../errors';
import type { DynamodelConfig } from './define-config';
import { registerTypeScript } from './typescript-loader';

/** The names a config file may have, looked for in this order. */
export const CONFIG_NAMES = [
  'dynamodel.config.ts',
  'dynamodel.config.mts',
  'dynamodel.config.cts',
  'dynamodel.config.js',
  'dynamodel.config.mjs',
  'dynamodel.config.cjs',
] as const;

/** A config file, loaded: its models imported, its paths resolved. */
export interface LoadedConfig {
  readonly file: string;
  readonly models: readonly AnyClass[];
  readonly connection: ConnectOptions;
  /** The migrations folder, absolute. */
  readonly migrations: string;
  readonly historyTable: string | undefined;
}

/** The config file: `explicit` (`--config`), or the first of `CONFIG_NAMES` in `from` or a folder above it. */
export function findConfigFile(from: string, explicit?: string): string {
  if (explicit !== undefined) {
    const file = resolve(from, explicit);
    if (!existsSync(file)) throw new CliError(`config file ${file} does not exist`);
    return file;
  }
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    for (const name of CONFIG_NAMES) {
      if (existsSync(join(dir, name))) return join(dir, name);
    }
    if (dirname(dir) === dir) break;
  }
  throw new CliError(
    `no dynamodel.config.ts in ${resolve(from)} or a folder above it: create one ` +
      "(export default defineConfig({ models: ['./src/models.ts'] }), see docs/cli.md) or pass --config",
  );
}

/** Loads the config file and every model module it names (TypeScript compiled with the project's tsconfig). */
export function loadConfig(file: string): LoadedConfig {
  const dir = dirname(file);
  registerTypeScript(dir);
  const load = createRequire(file);
  const exported = importModule(load, file, 'the config file') as { default?: unknown; config?: unknown };
  const config = (exported.default ?? exported.config) as Partial<DynamodelConfig> | undefined;
  if (typeof config !== 'object' || config === null) {
    throw new CliError(`${file}: export the config as default (export default defineConfig({ models: [...] }))`);
  }
  if (!Array.isArray(config.models) || config.models.length === 0) {
    throw new CliError(`${file}: models must list the model modules (or classes), e.g. models: ['./src/models.ts']`);
  }
  const models = new Set<AnyClass>();
  for (const entry of config.models as unknown[]) {
    if (typeof entry === 'string') {
      const path = resolve(dir, entry);
      const found = Object.values(importModule(load, path, `model module ${entry}`)).filter(isDeclaredModel);
      if (found.length === 0) {
        throw new CliError(`${file}: model module ${entry} exports no @Table or @Entity class`);
      }
      for (const model of found) models.add(model);
    } else if (isDeclaredModel(entry)) {
      models.add(entry);
    } else {
      throw new CliError(`${file}: models holds ${describe(entry)}, neither a module path nor a @Table/@Entity class`);
    }
  }
  for (const model of models) compileModel(model); // a definition mistake surfaces here, naming the model
  if (config.connection !== undefined && (typeof config.connection !== 'object' || config.connection === null)) {
    throw new CliError(`${file}: connection must be connect options ({ endpoint, region, prefix, ... })`);
  }
  if (config.migrations !== undefined && typeof config.migrations !== 'string') {
    throw new CliError(`${file}: migrations must be a folder path`);
  }
  return {
    file,
    models: [...models],
    connection: config.connection ?? {},
    migrations: resolve(dir, config.migrations ?? 'migrations'),
    historyTable: config.historyTable,
  };
}

/** Requires a module; failing to, says which file of the config it was (the stack with `--verbose`). */
export function importModule(load: NodeJS.Require, path: string, what: string): Record<string, unknown> {
  try {
    return load(path) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof CliError) throw error;
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new CliError(`cannot load ${what} (${path}): ${reason}`, { cause: error });
  }
}

const describe = (value: unknown): string =>
  typeof value === 'function' ? `class ${value.name || '(anonymous)'} without @Table or @Entity` : typeof value;
