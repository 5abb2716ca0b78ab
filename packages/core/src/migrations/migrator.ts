import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { withRateLimit, type Executor } from '@dynamodel/executor';
import type { Item } from '../codecs/object-codec';
import type { Connection } from '../connection/connection';
import { defaultConnection } from '../connection/default-connection';
import { MigrationError } from '../errors/migration-error';
import type { AnyClass } from '../metadata/options';
import { compileModel, type ModelSchema } from '../schema/compile-model';
import type { DeadLetter, DeadLetterSink } from './dead-letters';
import { orderMigrations, type Migration } from './define-migration';
import type { MigrationStepPlan, MigrationTarget, WriteGuard } from './migration-item';
import { runSegments, type MigrationProgress } from './migration-worker';
import {
  COUNT_NAMES,
  DEFAULT_HISTORY_TABLE,
  MigrationStore,
  zeroCounts,
  type HistoryRecord,
  type RunCounts,
  type RunState,
} from './migration-store';

export interface MigratorOptions {
  readonly connection?: Connection;
  /** The table that keeps the history, runs and leases (the connection's prefix goes before it). Default `dynamodel_migrations`; created when missing. */
  readonly historyTable?: string;
}

export interface MigrationRunOptions {
  /** Parallel scan segments the table is split into (`TotalSegments`). Default 8. A worker joining a run under way takes the run's. */
  readonly segments?: number;
  /** Segments this worker migrates at once. Default 4. */
  readonly parallel?: number;
  /** Items a scan request reads (`Limit`); default as many as fit in 1 MB. Each page is one checkpoint. */
  readonly pageSize?: number;
  /**
   * `conditional` (default): one `UpdateItem` per item, setting only what changed, conditioned on
   * the item being as read — safe beside the application's writes. `batch`: whole items through
   * `BatchWriteItem` — faster, for tables nothing else writes while the migration runs.
   */
  readonly write?: 'conditional' | 'batch';
  /** What a conditional write requires: every attribute as read (`item`, default) or the version attribute alone (`version`). */
  readonly guard?: WriteGuard;
  /** Writes in flight at once per segment (conditional writes) or `BatchWriteItem` calls (batch). Default 16 / 4. */
  readonly concurrency?: number;
  /** Capacity units per second this worker may consume on the model's table (`withRateLimit`). */
  readonly rate?: { readonly reads?: number; readonly writes?: number; readonly burstSeconds?: number };
  /** How long a segment stays with a worker that stopped renewing it. Default 30 s. */
  readonly leaseMs?: number;
  /** This worker's name in the leases. Default host, process id and a random part. */
  readonly workerId?: string;
  /** Where items that could not be migrated are reported. Default: kept in the report's `deadLetters`. */
  readonly deadLetters?: DeadLetterSink;
  readonly onProgress?: (progress: MigrationProgress) => void;
  readonly signal?: AbortSignal;
}

/** What one migration's run came to. */
export interface MigrationReport {
  readonly version: number;
  readonly description: string;
  readonly direction: 'up' | 'down';
  readonly dryRun: boolean;
  /** The run's id in the history; `undefined` for a dry run. */
  readonly runId: string | undefined;
  /** The run's end state; `undefined` for a dry run. */
  readonly state: RunState | undefined;
  /** The whole run's counts (every worker's); for a dry run, what would be done. */
  readonly counts: RunCounts;
  /** This worker's part. */
  readonly worker: RunCounts;
  /** The items that could not be migrated, when no `deadLetters` sink was given. */
  readonly deadLetters: readonly DeadLetter[];
  readonly elapsedMs: number;
}

/** One migration as the code declares it and the history records it. */
export interface MigrationStatus {
  readonly version: number;
  readonly description: string;
  /**
   * `applied`; `outstanding` (never run, or reverted); `running` (a run under way, or a worker
   * died mid-run: `apply` or `down` resumes it); `incomplete` (a run ended with dead letters:
   * `apply` runs it again for the items left).
   */
  readonly state: 'applied' | 'outstanding' | 'running' | 'incomplete';
  /** Whether the code declares it (a version only in the history was applied by other code). */
  readonly declared: boolean;
  /** The last run, as recorded. */
  readonly lastRun: HistoryRecord | undefined;
}

/**
 * The versioned migrations of one model (or entity of a shared table): their status, and runs that
 * apply or revert them. Several processes may run the same migrations at once: they share each
 * run's segments by lease through the history table.
 */
export class Migrator {
  private readonly schema: ModelSchema;
  private readonly migrations: readonly Migration[];
  private readonly connection: Connection;

  constructor(
    model: AnyClass,
    migrations: readonly Migration[],
    private readonly options: MigratorOptions = {},
  ) {
    this.schema = compileModel(model);
    this.migrations = orderMigrations(this.name, migrations);
    this.connection = options.connection ?? defaultConnection();
  }

  /** The model or entity the migrations are of. */
  get name(): string {
    return this.schema.entity?.name ?? this.schema.model;
  }

  /** Every declared migration, and any the history holds that the code does not declare, in version order. */
  async status(signal?: AbortSignal): Promise<MigrationStatus[]> {
    const { store } = await this.open(signal);
    const records = new Map((await store.history(signal)).map((record) => [record.version, record]));
    const versions = [...new Set([...this.migrations.map((m) => m.version), ...records.keys()])].sort((a, b) => a - b);
    return versions.map((version) => {
      const declared = this.migrations.find((m) => m.version === version);
      const lastRun = records.get(version);
      return {
        version,
        description: declared?.description ?? lastRun?.description ?? '',
        state: stateOf(lastRun),
        declared: declared !== undefined,
        lastRun,
      };
    });
  }

  /** The declared migrations `apply` would run, in order. */
  async outstanding(signal?: AbortSignal): Promise<Migration[]> {
    const statuses = await this.status(signal);
    return this.migrations.filter((m) => statuses.find((s) => s.version === m.version)?.state !== 'applied');
  }

  /**
   * Applies the outstanding migrations up to `to` (default: all), in version order, each through
   * every segment of the table before the next begins. A run under way (another worker's, or one
   * this process was killed in) is joined where its checkpoints left it.
   */
  async apply(options: MigrationRunOptions & { readonly to?: number } = {}): Promise<MigrationReport[]> {
    const { store } = await this.open(options.signal);
    const to = this.checkTo(options.to);
    if (this.schema.upgrades && this.schema.upgrades.version < to) {
      throw new MigrationError(
        `the model reads items up to version ${this.schema.upgrades.version} (upgrades.version): declare version ${to} before migrating its items to it`,
        { model: this.name, version: to, code: 'definition' },
      );
    }
    const records = await store.history(options.signal);
    const due = this.migrations.filter(
      (m) => m.version <= to && stateOf(records.find((r) => r.version === m.version)) !== 'applied',
    );
    for (const migration of due) {
      const newer = records.find(
        (r) =>
          r.version > migration.version &&
          (stateOf(r) === 'applied' || stateOf(r) === 'incomplete' || r.state === 'running'),
      );
      if (newer) {
        throw new MigrationError(
          `is outstanding while migration ${newer.version} is ${stateOf(newer)}: its items are past version ${migration.version} and would be skipped; revert to ${migration.version - 1} first (down)`,
          { model: this.name, version: migration.version, code: 'history' },
        );
      }
    }
    const reports: MigrationReport[] = [];
    for (const migration of due) {
      reports.push(await this.run(store, this.plan(migration, 'up'), migration.description, options));
    }
    return reports;
  }

  /** Reverts the applied migrations above `to`, newest first, with their `down`. Each must declare one. */
  async down(options: MigrationRunOptions & { readonly to: number }): Promise<MigrationReport[]> {
    const { store } = await this.open(options.signal);
    const to = options.to;
    if (!Number.isInteger(to) || to < 1) {
      throw new MigrationError(`down: to must be a whole version of at least 1, got ${JSON.stringify(to)}`, {
        model: this.name,
        code: 'options',
      });
    }
    const records = (await store.history(options.signal))
      .filter((record) => record.version > to && (record.state !== 'reverted' || record.direction !== 'down'))
      .sort((a, b) => b.version - a.version);
    const migrations = records.map((record) => {
      const migration = this.migrations.find((m) => m.version === record.version);
      if (!migration?.down) {
        throw new MigrationError(
          migration
            ? 'declares no down, so it cannot be reverted'
            : 'is in the history but not among the migrations given',
          { model: this.name, version: record.version, code: 'history' },
        );
      }
      return migration;
    });
    const reports: MigrationReport[] = [];
    for (const migration of migrations) {
      reports.push(await this.run(store, this.plan(migration, 'down'), migration.description, options));
    }
    return reports;
  }

  /**
   * Counts what a migration would do, writing nothing and recording nothing: the first
   * outstanding one by default (going down: the newest applied one). Failing transforms are
   * reported as dead letters (marked `dryRun`).
   */
  async dryRun(
    options: MigrationRunOptions & { readonly version?: number; readonly direction?: 'up' | 'down' } = {},
  ): Promise<MigrationReport> {
    const direction = options.direction ?? 'up';
    let migration: Migration | undefined;
    if (options.version !== undefined) migration = this.migrations.find((m) => m.version === options.version);
    else if (direction === 'up') migration = (await this.outstanding(options.signal))[0];
    else {
      const applied = (await this.status(options.signal)).filter((s) => s.state !== 'outstanding' && s.declared);
      migration = this.migrations.find((m) => m.version === applied.at(-1)?.version);
    }
    if (!migration || (direction === 'down' && !migration.down)) {
      throw new MigrationError(
        options.version === undefined
          ? `dry run: no migration to run ${direction}`
          : `dry run: no declared migration of this version${direction === 'down' ? ' with a down' : ''}`,
        { model: this.name, ...(options.version === undefined ? {} : { version: options.version }), code: 'options' },
      );
    }
    return this.run(undefined, this.plan(migration, direction), migration.description, options);
  }

  /** One migration's run, one way: joined if under way, begun otherwise; returns once every segment is done. */
  private async run(
    store: MigrationStore | undefined,
    plan: MigrationStepPlan,
    description: string,
    options: MigrationRunOptions,
  ): Promise<MigrationReport> {
    const startedAt = performance.now();
    const settings = checkRunOptions(this.name, options);
    const { executor, tableName } = await this.target(options.signal);
    const collected: DeadLetter[] = [];
    const deadLetters: DeadLetterSink = options.deadLetters ?? ((letter) => void collected.push(letter));
    let runId: string | undefined;
    let segments = settings.segments;
    while (store) {
      const record = await store.record(plan.version, options.signal);
      if (record?.state === 'running') {
        if (record.direction !== plan.direction) {
          throw new MigrationError(
            `a run ${record.direction} (${record.runId}) is under way: finish it first (${record.direction === 'up' ? 'apply' : 'down'})`,
            { model: this.name, version: plan.version, code: 'history' },
          );
        }
        ({ runId, segments } = record);
        break;
      }
      if (record && record.state === (plan.direction === 'up' ? 'applied' : 'reverted')) {
        // Finished by another worker since the history was read.
        return report(
          plan,
          description,
          record.runId,
          record.state,
          record.counts ?? zeroCounts(),
          zeroCounts(),
          collected,
          startedAt,
        );
      }
      const begun = { version: plan.version, description, direction: plan.direction, runId: randomUUID(), segments };
      if (await store.beginRun(begun, record, options.signal)) {
        runId = begun.runId;
        break;
      }
    }
    const rateLimited = options.rate
      ? withRateLimit(executor, {
          ...(options.rate.reads !== undefined ? { readUnits: options.rate.reads } : {}),
          ...(options.rate.writes !== undefined ? { writeUnits: options.rate.writes } : {}),
          ...(options.rate.burstSeconds !== undefined ? { burstSeconds: options.rate.burstSeconds } : {}),
        })
      : executor;
    const worker = await runSegments(plan, runId ?? '', {
      model: this.name,
      store,
      writing: {
        executor: rateLimited,
        tableName,
        target: this.migrationTarget(),
        write: store ? settings.write : 'none',
        guard: settings.guard,
        concurrency: settings.concurrency,
        signal: options.signal,
        stop: options.signal,
      },
      segments,
      parallel: settings.parallel,
      pageSize: options.pageSize,
      leaseMs: settings.leaseMs,
      workerId: settings.workerId,
      deadLetters,
      onProgress: options.onProgress,
      estimatedItems: options.onProgress ? await itemCount(executor, tableName, options.signal) : undefined,
      signal: options.signal,
    });
    if (!store || runId === undefined)
      return report(plan, description, undefined, undefined, worker, worker, collected, startedAt);
    const totals = zeroCounts();
    for (const segment of await store.segments(runId, options.signal)) {
      for (const name of COUNT_NAMES) totals[name] += segment.counts[name];
    }
    const state: RunState = totals.deadLettered > 0 ? 'incomplete' : plan.direction === 'up' ? 'applied' : 'reverted';
    await store.finishRun(plan.version, runId, state, totals, options.signal);
    return report(plan, description, runId, state, totals, worker, collected, startedAt);
  }

  private plan(migration: Migration, direction: 'up' | 'down'): MigrationStepPlan {
    const previous = this.migrations.filter((m) => m.version < migration.version).at(-1)?.version ?? 1;
    return {
      version: migration.version,
      direction,
      transform: direction === 'up' ? migration.up : (migration.down as NonNullable<Migration['down']>),
      resultVersion: direction === 'up' ? migration.version : previous,
    };
  }

  private migrationTarget(): MigrationTarget {
    const { schema } = this;
    const entity = schema.entity;
    const owns = entity
      ? (item: Item) => {
          const stored = item[entity.entityAttribute];
          return stored === undefined ? entity.recognizes?.(item) === true : stored.S === entity.name;
        }
      : () => true;
    return {
      model: this.name,
      keyNames: schema.table.keySchema.map((element) => element.AttributeName as string),
      versionAttribute: schema.upgrades?.attribute ?? '_v',
      owns,
    };
  }

  private async target(signal?: AbortSignal): Promise<{ executor: Executor; tableName: string }> {
    signal?.throwIfAborted();
    return this.connection.ready(this.schema) ?? (await this.connection.prepare(this.schema));
  }

  private async open(signal?: AbortSignal): Promise<{ store: MigrationStore }> {
    const { executor, tableName } = await this.target(signal);
    const historyTable = `${this.connection.prefix}${this.options.historyTable ?? DEFAULT_HISTORY_TABLE}`;
    const store = new MigrationStore(executor, historyTable, `${tableName}#${this.name}`);
    await store.ensure(signal);
    return { store };
  }

  private checkTo(to: number | undefined): number {
    const last = this.migrations.at(-1)?.version ?? 1;
    if (to === undefined) return last;
    if (!Number.isInteger(to) || to < 1) {
      throw new MigrationError(`apply: to must be a whole version of at least 1, got ${JSON.stringify(to)}`, {
        model: this.name,
        code: 'options',
      });
    }
    return to;
  }
}

/** The migrations of `model` (a `@Table` model or an `@Entity`), for status, apply, down and dry runs. */
export function migrator(model: AnyClass, migrations: readonly Migration[], options?: MigratorOptions): Migrator {
  return new Migrator(model, migrations, options);
}

function stateOf(record: HistoryRecord | undefined): MigrationStatus['state'] {
  if (!record) return 'outstanding';
  switch (record.state) {
    case 'applied':
      return 'applied';
    case 'reverted':
      return 'outstanding';
    case 'running':
      return 'running';
    case 'incomplete':
      return 'incomplete';
  }
}

function report(
  plan: MigrationStepPlan,
  description: string,
  runId: string | undefined,
  state: RunState | undefined,
  counts: RunCounts,
  worker: RunCounts,
  deadLetters: readonly DeadLetter[],
  startedAt: number,
): MigrationReport {
  return {
    version: plan.version,
    description,
    direction: plan.direction,
    dryRun: runId === undefined,
    runId,
    state,
    counts,
    worker,
    deadLetters,
    elapsedMs: performance.now() - startedAt,
  };
}

interface RunSettings {
  readonly segments: number;
  readonly parallel: number;
  readonly write: 'conditional' | 'batch';
  readonly guard: WriteGuard;
  readonly concurrency: number;
  readonly leaseMs: number;
  readonly workerId: string;
}

/** The run options with their defaults, each checked before anything is sent. */
function checkRunOptions(model: string, options: MigrationRunOptions): RunSettings {
  const whole = (name: string, value: number | undefined, fallback: number, min: number, max: number): number => {
    if (value === undefined) return fallback;
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new MigrationError(`${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`, {
        model,
        code: 'options',
      });
    }
    return value;
  };
  const write = options.write ?? 'conditional';
  if (write !== 'conditional' && write !== 'batch') {
    throw new MigrationError(`write must be 'conditional' or 'batch', got ${JSON.stringify(write)}`, {
      model,
      code: 'options',
    });
  }
  const guard = options.guard ?? 'item';
  if (guard !== 'item' && guard !== 'version') {
    throw new MigrationError(`guard must be 'item' or 'version', got ${JSON.stringify(guard)}`, {
      model,
      code: 'options',
    });
  }
  for (const [name, value] of Object.entries(options.rate ?? {})) {
    if (value !== undefined && !(typeof value === 'number' && value > 0 && Number.isFinite(value))) {
      throw new MigrationError(`rate.${name} must be a number above 0, got ${JSON.stringify(value)}`, {
        model,
        code: 'options',
      });
    }
  }
  whole('pageSize', options.pageSize, 1, 1, 1_000_000);
  return {
    // DynamoDB allows up to 1,000,000 scan segments.
    segments: whole('segments', options.segments, 8, 1, 1_000_000),
    parallel: whole('parallel', options.parallel, 4, 1, 1_000),
    write,
    guard,
    concurrency: whole('concurrency', options.concurrency, write === 'batch' ? 4 : 16, 1, 1_000),
    leaseMs: whole('leaseMs', options.leaseMs, 30_000, 1_000, 86_400_000),
    workerId: options.workerId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
  };
}

/** The table's item count as DynamoDB last measured it: what progress estimates the time left from. */
async function itemCount(executor: Executor, tableName: string, signal?: AbortSignal): Promise<number | undefined> {
  const output = await executor.send(
    'DescribeTable',
    { TableName: tableName },
    { idempotent: true, ...(signal ? { signal } : {}) },
  );
  return output.Table?.ItemCount;
}
