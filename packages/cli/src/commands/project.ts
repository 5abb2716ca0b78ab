import type { ConnectOptions, Connection } from '@dynamodel/core';
import type { Output } from '../output';
import { openConnection, type ConnectionFlags } from '../config/connection-flags';
import { findConfigFile, loadConfig, type LoadedConfig } from '../config/load-config';
import { namedModels, type NamedModel } from '../config/models';

/** The flags every project command takes (on the `dynamodel` command itself). */
export interface ProjectFlags extends ConnectionFlags {
  /** The config file; default the nearest dynamodel.config.* from the working folder up. */
  readonly config?: string;
}

/** A loaded config file and the connection the flags give it: what a project command works on. */
export interface Project {
  readonly config: LoadedConfig;
  readonly connection: Connection;
  readonly models: readonly NamedModel[];
}

/** What a command's action is handed: where to print, and how to set the exit code. */
export interface CommandIo {
  readonly output: Output;
  exit(code: number): void;
}

/**
 * Loads the project, runs `action` with it, and closes the connection whatever happens. `extra`
 * goes on top of the config's connection (a command's `rateLimit`).
 */
export async function withProject<T>(
  flags: ProjectFlags,
  action: (project: Project) => Promise<T> | T,
  extra: Partial<ConnectOptions> = {},
): Promise<T> {
  const config = loadConfig(findConfigFile(process.cwd(), flags.config));
  const connection = openConnection({ ...config.connection, ...extra }, flags);
  try {
    return await action({ config, connection, models: namedModels(config.models, connection) });
  } finally {
    await connection.close();
  }
}
