import type { AnyClass, ConnectOptions } from '@dynamodel/core';

/**
 * What `dynamodel.config.ts` exports (as its default export, or as `config`): where the command
 * finds the models, how it connects, and where the migrations live.
 */
export interface DynamodelConfig {
  /**
   * The models: module paths (relative to the config file), each of whose exported `@Table` and
   * `@Entity` classes is taken, or the classes themselves.
   */
  readonly models: readonly (string | AnyClass)[];
  /**
   * How to connect: `@dynamodel/core`'s `ConnectOptions` (`endpoint: 'local'`, `region`, `prefix`,
   * `credentials`…). `--endpoint`, `--region` and `--profile` override it. Default: the SDK's chain.
   */
  readonly connection?: ConnectOptions;
  /**
   * The migrations folder (relative to the config file): one subfolder per model or entity, named
   * as the class, holding `<version>-<name>.ts` files that export a `defineMigration(...)`.
   * Default `migrations`.
   */
  readonly migrations?: string;
  /** The history table of the migrations (the connection's prefix goes before it). Default `dynamodel_migrations`. */
  readonly historyTable?: string;
}

/** Types a config file: `export default defineConfig({ models: ['./src/models.ts'] })`. */
export function defineConfig(config: DynamodelConfig): DynamodelConfig {
  return config;
}
