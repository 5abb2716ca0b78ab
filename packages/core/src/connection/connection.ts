import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createHash } from 'node:crypto';
import {
  ConfigurationError,
  DynamodelError,
  DynamoExecutor,
  ExecutorEvents,
  withAdaptiveConcurrency,
  withConcurrencyLimit,
  withRateLimit,
  type AdaptiveConcurrencyOptions,
  type DynamoExecutorOptions,
  type Executor,
  type RateLimitOptions,
} from '@dynamodel/executor';
import type { Cache } from '@dynamodel/cache';
import { GuardedCache } from '../cache/guarded-cache';
import { compileModel, type ModelSchema } from '../schema/compile-model';
import type { AnyClass } from '../metadata/options';
import { checkTableName } from '../schema/table-schema';
import { dropTable, isLocalEndpoint, type DropTablesOptions, type TableDropResult } from './drop-table';
import { ensureTable, type EnsureTableOptions, type TableSyncResult } from './ensure-table';
import { leaseLocalEndpoint } from './local-endpoint';
import { tableCreationsFor, type TableCreation, type TableCreations } from './table-creations';
import { documentClientFor, type DocumentClientOptions } from './document-client';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface ConnectOptions {
  /** AWS region; the SDK's default chain (AWS_REGION, profile) applies when absent. */
  readonly region?: string;
  /** A custom endpoint, or `'local'` to start (or reuse) DynamoDB Local through `@dynamodel/local`. */
  readonly endpoint?: string;
  /** With `endpoint: 'local'`: the port on 127.0.0.1 (a DynamoDB Local already there is reused). */
  readonly port?: number;
  /** With `endpoint: 'local'`: keep the data in this folder (created if missing), so it survives restarts. */
  readonly dbPath?: string;
  /** Credentials or a provider (`fromIni()`, `fromTemporaryCredentials()`); the SDK's chain otherwise. */
  readonly credentials?: DynamoExecutorOptions['credentials'];
  /**
   * An existing client (its own region, credentials and middleware): a `DynamoDBClient`, or the
   * lib-dynamodb `DynamoDBDocumentClient` your code already has (the connection sends its own
   * commands through it, as its base client would send them).
   */
  readonly client?: DynamoDBClient | DynamoDBDocumentClient;
  /**
   * Your own executor (tracing, a recording executor in tests) instead of the SDK-backed one; it
   * replaces `region`, `endpoint`, `credentials` and `client`. `wrap`, `concurrency`, `adaptive` and
   * `rateLimit` still apply on top of it.
   */
  readonly executor?: Executor;
  /**
   * The most requests this connection has in flight at once. Default 32 for the SDK-backed executor;
   * with your own `executor`, no cap unless you set one.
   */
  readonly concurrency?: number;
  /**
   * Let the cap follow DynamoDB's answers (AIMD: halved on throttling, raised on success), up to
   * `concurrency`. `true` for the defaults, or `withAdaptiveConcurrency`'s options.
   */
  readonly adaptive?: boolean | AdaptiveConcurrencyOptions;
  /** Keep consumed capacity under a budget (`withRateLimit`'s options: `readUnits`, `writeUnits`). */
  readonly rateLimit?: RateLimitOptions;
  /**
   * Your own layer around the executor (tracing, metrics), applied first: the limits above wrap it,
   * so it sees every request as it is sent. Build it with `wrapExecutor` from `@dynamodel/executor`.
   */
  readonly wrap?: (executor: Executor) => Executor;
  /** Put in front of every table name, e.g. `'staging_'`. */
  readonly prefix?: string;
  /** Create a model's table on its first use (development and tests). Default `false`. */
  readonly autoCreateTables?: boolean;
  /**
   * The key of the HMAC that page cursors carry. Without it cursors are tamper-evident (a changed
   * cursor is refused) but anyone can forge one; with it, only servers sharing the secret can.
   */
  readonly cursorSecret?: string;
  /**
   * A read-through cache for the models declared with `@Table({ cache })`: `new MemoryCache()` or
   * `new RedisCache(redis)` from `@dynamodel/cache`, or your own `Cache`.
   */
  readonly cache?: Cache;
  /**
   * How long a cache call may take before the read goes to DynamoDB without it (the store then
   * rests for a second before it is tried again). Default 50 ms.
   */
  readonly cacheTimeoutMs?: number;
  /**
   * The database this connection's cache entries belong to, so one store shared by connections to
   * different databases (endpoints, regions, accounts) never serves one's items to another. Derived
   * when the connection can tell (an endpoint, DynamoDB Local, or credentials that name their
   * account); required with a cache otherwise (your own `executor` or `client`, or AWS credentials
   * without an account ID): connections to one database must use the same value.
   */
  readonly cacheNamespace?: string;
  /** The SDK's retry mode and attempts, passed to the default executor. */
  readonly retryMode?: DynamoExecutorOptions['retryMode'];
  readonly maxAttempts?: number;
}

/** Where one model's requests go on a connection. */
export interface SendTarget {
  readonly executor: Executor;
  readonly tableName: string;
}

/** Where a model's requests go: an executor and a table-name prefix. Models use the default one or `using(connection)`. */
export class Connection {
  readonly prefix: string;
  readonly autoCreateTables: boolean;
  readonly cursorSecret: string | undefined;
  /** The cache store behind its timeout; `undefined` when the connection has no cache. */
  readonly cache: GuardedCache | undefined;
  /**
   * What the connection's requests and its cache report, observable from the moment the connection
   * exists (the executor it creates reports here; your own executor's events are these).
   */
  readonly events: ExecutorEvents;
  /** The cache namespace, once the executor exists (see `cacheNamespace`). */
  private namespace: string | undefined;
  private executorPromise: Promise<Executor> | undefined;
  private releaseLocal: (() => Promise<void>) | undefined;
  private ownedExecutor: DynamoExecutor | undefined;
  private readonly tableNames = new WeakMap<ModelSchema, string>();
  private readonly targets = new WeakMap<ModelSchema, SendTarget>();
  private resolvedExecutor: Executor | undefined;
  private closed = false;
  private resolvedEndpoint: string | undefined;

  constructor(private readonly options: ConnectOptions = {}) {
    this.prefix = options.prefix ?? '';
    this.autoCreateTables = options.autoCreateTables ?? false;
    this.cursorSecret = options.cursorSecret;
    this.cache = options.cache ? guardedCache(options.cache, options.cacheTimeoutMs) : undefined;
    this.events = options.executor?.events ?? new ExecutorEvents();
    if (
      options.cacheNamespace !== undefined &&
      (typeof options.cacheNamespace !== 'string' || !options.cacheNamespace)
    ) {
      throw new ConfigurationError('connect: cacheNamespace must be a non-empty string');
    }
  }

  /**
   * A table's name in the cache store: the table name scoped by the database the connection talks to
   * (a digest of its `cacheNamespace` or identity, without the braces Redis Cluster reads as hash tags).
   * Known once the executor exists; every cache use comes after that.
   */
  cacheTable(tableName: string): string {
    if (this.namespace === undefined)
      throw new Error('internal: the cache namespace is read before the executor exists');
    return `${tableName}@${this.namespace}`;
  }

  /**
   * A lib-dynamodb `DynamoDBDocumentClient` whose commands go through this connection's executor
   * (its concurrency cap, rate limit, retries and events) and whose writes invalidate the cache
   * entries of what they wrote: code written against the DocumentClient moves in piece by piece.
   */
  documentClient(options: DocumentClientOptions = {}): DynamoDBDocumentClient {
    return documentClientFor(this, options);
  }

  /** The SDK client requests are sent with (for middleware and instrumentation); `undefined` with your own executor. */
  async client(): Promise<DynamoDBClient | undefined> {
    await this.executor();
    return this.ownedExecutor?.client ?? (this.options.client as DynamoDBClient | undefined);
  }

  /** The executor requests go through (DynamoDB Local is started here for `endpoint: 'local'`). */
  executor(): Promise<Executor> {
    if (this.closed) return Promise.reject(new Error('this connection is closed'));
    this.executorPromise ??= this.createExecutor().then(async (executor) => {
      if (this.cache) this.namespace = await this.resolveNamespace();
      return (this.resolvedExecutor = executor);
    });
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
  async prepare(schema: ModelSchema): Promise<SendTarget> {
    const tableName = this.tableName(schema);
    const executor = await this.executor();
    if (this.autoCreateTables) await this.ensure(executor, schema, tableName);
    return this.ready(schema) ?? { executor, tableName };
  }

  /**
   * The same as `prepare`, without waiting, once there is nothing to wait for: the executor exists
   * and (with `autoCreateTables`) the table was made sure of. `undefined` means call `prepare`. The
   * hot path of every operation, so it allocates nothing.
   */
  ready(schema: ModelSchema): SendTarget | undefined {
    const executor = this.resolvedExecutor;
    if (!executor) return undefined;
    let target = this.targets.get(schema);
    if (!target || target.executor !== executor) {
      target = { executor, tableName: this.tableName(schema) };
      this.targets.set(schema, target);
    }
    if (this.autoCreateTables && !this.creations(executor).get(target.tableName)?.settled) return undefined;
    return target;
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
      schemas.map((schema, i) => this.ensure(executor, schema, names[i] as string, options, true)),
    );
    return Object.fromEntries(names.map((name, i) => [name, results[i] as TableSyncResult]));
  }

  /**
   * Makes sure of one table. A creation in flight is always shared (concurrent first calls create a
   * table once); a finished one is trusted by model operations, while `syncTables` (`recheck`)
   * looks again, since the table may have been deleted since.
   */
  private ensure(
    executor: Executor,
    schema: ModelSchema,
    tableName: string,
    options?: EnsureTableOptions,
    recheck = false,
  ): Promise<TableSyncResult> {
    const creations = this.creations(executor);
    const known = creations.get(tableName);
    if (known && (!known.settled || !recheck)) return known.done;
    const creation: TableCreation = { done: ensureTable(executor, schema, tableName, options), settled: false };
    creations.set(tableName, creation);
    creation.done.then(
      () => (creation.settled = true),
      // A failed creation is not remembered: the next call tries again.
      () => creations.get(tableName) === creation && creations.delete(tableName),
    );
    return creation.done;
  }

  /**
   * Deletes the models' tables and waits until they are gone: for tests and development. Refused
   * unless the connection's endpoint is on this machine (DynamoDB Local), or `force: true` is passed.
   */
  async dropTables(
    models: readonly AnyClass[],
    options: DropTablesOptions = {},
  ): Promise<Record<string, TableDropResult>> {
    const schemas = models.map((model) => compileModel(model));
    const names = schemas.map((schema) => this.tableName(schema));
    const executor = await this.executor();
    const endpoint = this.resolvedEndpoint;
    if (!options.force && !isLocalEndpoint(endpoint)) {
      throw new DynamodelError(
        `dropTables deletes ${names.join(', ')} and all their data, and this connection's endpoint is ` +
          `${endpoint ? `${endpoint}, not on this machine` : 'not known to be DynamoDB Local'}; ` +
          'pass { force: true } if you mean it. Nothing was deleted.',
      );
    }
    const results = await Promise.all(names.map((name) => dropTable(executor, name, options)));
    for (const name of names) this.creations(executor).delete(name);
    return Object.fromEntries(names.map((name, i) => [name, results[i] as TableDropResult]));
  }

  /** Forgets that a table was made sure of (an operation found it missing): the next use checks again. */
  async forgetTable(tableName: string): Promise<void> {
    this.creations(await this.executor()).delete(tableName);
  }

  /** The creations of whatever this connection sends through: the user's executor or client, else its own executor. */
  private creations(executor: Executor): TableCreations {
    return tableCreationsFor(this.options.executor ?? this.options.client ?? executor);
  }

  /** Releases what the connection owns: its SDK client and its lease on DynamoDB Local. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.resolvedExecutor = undefined;
    const pending = this.executorPromise;
    await pending?.catch(() => undefined);
    this.ownedExecutor?.destroy();
    await this.releaseLocal?.();
  }

  private async createExecutor(): Promise<Executor> {
    const { options } = this;
    if (options.executor) return this.limit(options.executor, options.concurrency);
    let config: DynamoExecutorOptions = {
      // A DocumentClient shares its base client's config and middleware stack: it sends plain commands as that one does.
      ...(options.client ? { client: options.client as DynamoDBClient } : {}),
      ...(options.region ? { region: options.region } : {}),
      ...(options.credentials ? { credentials: options.credentials } : {}),
      ...(options.endpoint && options.endpoint !== 'local' ? { endpoint: options.endpoint } : {}),
      ...(options.retryMode ? { retryMode: options.retryMode } : {}),
      ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
    };
    if ((options.port !== undefined || options.dbPath !== undefined) && options.endpoint !== 'local') {
      throw new DynamodelError("connect: port and dbPath apply only with endpoint: 'local'");
    }
    if (options.endpoint === 'local') {
      const lease = await leaseLocalEndpoint({
        ...(options.port !== undefined ? { port: options.port } : {}),
        ...(options.dbPath !== undefined ? { dbPath: options.dbPath } : {}),
      });
      this.releaseLocal = lease.release;
      config = { ...config, ...lease.config };
      if (lease.started) announceLocal(this.events, lease.started);
    }
    this.resolvedEndpoint = config.endpoint;
    this.ownedExecutor = new DynamoExecutor({
      ...config,
      maxSockets: Math.max(64, options.concurrency ?? 32),
      events: this.events,
    });
    return this.limit(this.ownedExecutor, options.concurrency ?? 32);
  }

  /**
   * The cache namespace: `cacheNamespace`, else the database's identity as far as the connection can
   * tell it — the endpoint with the region and access key (DynamoDB Local keeps each pair's tables
   * apart), or on AWS the region and the account the credentials name. Anything less could let two
   * databases share entries, so it is then a `ConfigurationError` asking for `cacheNamespace`.
   */
  private async resolveNamespace(): Promise<string> {
    const { options } = this;
    let identity: string | undefined = options.cacheNamespace && `namespace:${options.cacheNamespace}`;
    const client = this.ownedExecutor?.client;
    if (identity === undefined && client && !options.client) {
      const region = await client.config.region();
      const credentials = await client.config.credentials();
      if (this.resolvedEndpoint !== undefined) {
        identity = `endpoint:${this.resolvedEndpoint}|${region}|${credentials.accessKeyId}`;
      } else if (credentials.accountId) {
        identity = `aws:${region}|${credentials.accountId}`;
      }
    }
    if (identity === undefined) {
      throw new ConfigurationError(
        'connect({ cache }) needs cacheNamespace here: the connection cannot tell which database it reads ' +
          `(${options.executor ? 'your own executor' : options.client ? 'your own client' : 'AWS credentials that name no account'}), ` +
          'and one store shared with connections to another database must never serve its items. Pass a name ' +
          'for the account and region (or environment), the same on every connection to that database.',
      );
    }
    return createHash('sha256').update(identity).digest('base64url').slice(0, 16);
  }

  /** `wrap`, then the concurrency cap (fixed or adaptive), then the rate limit: limits compose. */
  private limit(base: Executor, concurrency: number | undefined): Executor {
    const { options } = this;
    if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency > 0)) {
      throw new DynamodelError(`connect: concurrency must be a positive integer, got ${String(concurrency)}`);
    }
    let executor = options.wrap ? options.wrap(base) : base;
    if (options.adaptive) {
      const adaptive = options.adaptive === true ? {} : options.adaptive;
      const max = adaptive.max ?? concurrency ?? 64;
      executor = withAdaptiveConcurrency(executor, { initial: Math.min(16, max), ...adaptive, max });
    } else if (concurrency !== undefined) {
      executor = withConcurrencyLimit(executor, concurrency);
    }
    return options.rateLimit ? withRateLimit(executor, options.rateLimit) : executor;
  }
}

/**
 * Says that a DynamoDB Local was started for this process: an event, and for an in-memory one a log
 * line, since its data vanishes when the last connection using it closes (`disconnect()`).
 */
function announceLocal(events: ExecutorEvents, started: { endpoint: string; dbPath: string | undefined }): void {
  events.emit({ type: 'local-dynamo', endpoint: started.endpoint, dbPath: started.dbPath });
  if (started.dbPath === undefined) {
    console.warn(
      `dynamodel: started DynamoDB Local on ${started.endpoint}, in memory: its tables and data are gone when ` +
        "the last connection using it closes; pass connect({ endpoint: 'local', dbPath: '.dynamodb' }) to keep them",
    );
  }
}

/** The connection's store behind its timeout, refusing what is not a store (an ioredis client passed as it is). */
function guardedCache(store: Cache, timeoutMs = 50): GuardedCache {
  const methods = ['lookup', 'fill', 'invalidate'] as const;
  if (methods.some((method) => typeof (store as Partial<Cache>)[method] !== 'function')) {
    throw new DynamodelError(
      'connect: cache must be a cache store with lookup, fill and invalidate, such as new MemoryCache() or ' +
        'new RedisCache(redis) from @dynamodel/cache (a Redis client goes inside RedisCache)',
    );
  }
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new DynamodelError(
      `connect: cacheTimeoutMs must be a positive number of milliseconds, got ${String(timeoutMs)}`,
    );
  }
  return new GuardedCache(store, { timeoutMs, restMs: 1_000 });
}
