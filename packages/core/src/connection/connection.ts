import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoExecutor, withConcurrencyLimit, type DynamoExecutorOptions, type Executor } from '@dynamodel/executor';
import { compileModel, type ModelSchema } from '../schema/compile-model';
import type { AnyClass } from '../metadata/options';
import { checkTableName } from '../schema/table-schema';
import { ensureTable, type EnsureTableOptions, type TableSyncResult } from './ensure-table';
import { leaseLocalEndpoint } from './local-endpoint';
import { tableCreationsFor } from './table-creations';

export interface ConnectOptions {
  /** AWS region; the SDK's default chain (AWS_REGION, profile) applies when absent. */
  readonly region?: string;
  /** A custom endpoint, or `'local'` to start (or reuse) DynamoDB Local through `@dynamodel/local`. */
  readonly endpoint?: string;
  /** Credentials or a provider (`fromIni()`, `fromTemporaryCredentials()`); the SDK's chain otherwise. */
  readonly credentials?: DynamoExecutorOptions['credentials'];
  /** An existing client (its own region, credentials and middleware). */
  readonly client?: DynamoDBClient;
  /** Your own executor (tracing, a recording executor in tests); replaces everything above. */
  readonly executor?: Executor;
  /** The most requests this connection has in flight at once. Default 32. */
  readonly concurrency?: number;
  /** Put in front of every table name, e.g. `'staging_'`. */
  readonly prefix?: string;
  /** Create a model's table on its first use (development and tests). Default `false`. */
  readonly autoCreateTables?: boolean;
  /** The SDK's retry mode and attempts, passed to the default executor. */
  readonly retryMode?: DynamoExecutorOptions['retryMode'];
  readonly maxAttempts?: number;
}

/** Where a model's requests go: an executor and a table-name prefix. Models use the default one or `using(connection)`. */
export class Connection {
  readonly prefix: string;
  readonly autoCreateTables: boolean;
  private executorPromise: Promise<Executor> | undefined;
  private releaseLocal: (() => Promise<void>) | undefined;
  private ownedExecutor: DynamoExecutor | undefined;
  private readonly tableNames = new WeakMap<ModelSchema, string>();
  private closed = false;
  private resolvedEndpoint: string | undefined;

  constructor(private readonly options: ConnectOptions = {}) {
    this.prefix = options.prefix ?? '';
    this.autoCreateTables = options.autoCreateTables ?? false;
  }

  /** The executor requests go through (DynamoDB Local is started here for `endpoint: 'local'`). */
  executor(): Promise<Executor> {
    if (this.closed) return Promise.reject(new Error('this connection is closed'));
    this.executorPromise ??= this.createExecutor();
    return this.executorPromise;
  }

  /**
   * Where requests go: the custom endpoint, or DynamoDB Local's address for `endpoint: 'local'`
   * (starting it if needed). `undefined` when the SDK picks the regional endpoint itself or a
   * custom executor is used.
   */
  async endpoint(): Promise<string | undefined> {
    await this.executor();
    return this.resolvedEndpoint;
  }

  /** The model's full table name on this connection (prefixes applied and checked). */
  tableName(schema: ModelSchema): string {
    let name = this.tableNames.get(schema);
    if (name === undefined) {
      name = checkTableName(`${this.prefix}${schema.table.baseName}`, schema.model);
      this.tableNames.set(schema, name);
    }
    return name;
  }

  /** What a model operation needs before sending; creates the table first when `autoCreateTables` is on. */
  async prepare(schema: ModelSchema): Promise<{ executor: Executor; tableName: string }> {
    const tableName = this.tableName(schema);
    const executor = await this.executor();
    if (this.autoCreateTables) await this.ensure(executor, schema, tableName);
    return { executor, tableName };
  }

  /**
   * Creates the models' missing tables, waits until they are ACTIVE and enables TTL. Idempotent,
   * safe from several processes at once, and never changes an existing table.
   */
  async syncTables(
    models: readonly AnyClass[],
    options: EnsureTableOptions = {},
  ): Promise<Record<string, TableSyncResult>> {
    const schemas = models.map((model) => compileModel(model));
    const names = schemas.map((schema) => this.tableName(schema));
    const executor = await this.executor();
    const results = await Promise.all(
      schemas.map((schema, i) => this.ensure(executor, schema, names[i] as string, options)),
    );
    return Object.fromEntries(names.map((name, i) => [name, results[i] as TableSyncResult]));
  }

  private ensure(
    executor: Executor,
    schema: ModelSchema,
    tableName: string,
    options?: EnsureTableOptions,
  ): Promise<TableSyncResult> {
    // One creation per table per process and destination: concurrent first calls share it.
    const creations = tableCreationsFor(
      this.options.executor ?? this.options.client ?? `${this.resolvedEndpoint ?? ''}|${this.options.region ?? ''}`,
    );
    let ensured = creations.get(tableName);
    if (!ensured) {
      ensured = ensureTable(executor, schema, tableName, options);
      creations.set(tableName, ensured);
      // A failed creation is not remembered: the next call tries again.
      ensured.catch(() => creations.delete(tableName));
    }
    return ensured;
  }

  /** Releases what the connection owns: its SDK client and its lease on DynamoDB Local. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const pending = this.executorPromise;
    await pending?.catch(() => undefined);
    this.ownedExecutor?.destroy();
    await this.releaseLocal?.();
  }

  private async createExecutor(): Promise<Executor> {
    const { options } = this;
    if (options.executor) return options.executor;
    let config: DynamoExecutorOptions = {
      ...(options.client ? { client: options.client } : {}),
      ...(options.region ? { region: options.region } : {}),
      ...(options.credentials ? { credentials: options.credentials } : {}),
      ...(options.endpoint && options.endpoint !== 'local' ? { endpoint: options.endpoint } : {}),
      ...(options.retryMode ? { retryMode: options.retryMode } : {}),
      ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
    };
    if (options.endpoint === 'local') {
      const lease = await leaseLocalEndpoint();
      this.releaseLocal = lease.release;
      config = { ...config, ...lease.config };
    }
    this.resolvedEndpoint = config.endpoint;
    const concurrency = options.concurrency ?? 32;
    this.ownedExecutor = new DynamoExecutor({ ...config, maxSockets: Math.max(64, concurrency) });
    return withConcurrencyLimit(this.ownedExecutor, concurrency);
  }
}
