import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { ConditionFailedError, type Executor } from '@dynamodel/executor';
import type { Item } from '../codecs/object-codec';
import { ensureTable } from '../connection/ensure-table';
import { HashKey, RangeKey, Table } from '../metadata/decorators';
import { Model } from '../model/model';
import { compileModel } from '../schema/compile-model';

/**
 * The table that keeps migration history, runs and segment leases: the one place several workers
 * (processes or hosts) agree on what is applied and who migrates which part of a table. One item per
 * migration (`version#…`) and one per segment of a run (`run#<runId>#…`), under the id of the model
 * the migrations are of (`<table>#<model>`).
 */
@Table({ name: 'dynamodel_migrations' })
class MigrationRecord extends Model {
  @HashKey({ type: String }) id!: string;
  @RangeKey({ type: String }) sk!: string;
}

export const DEFAULT_HISTORY_TABLE = 'dynamodel_migrations';

export type RunState = 'running' | 'applied' | 'reverted' | 'incomplete';

/** What the history says of one migration version. */
export interface HistoryRecord {
  readonly version: number;
  readonly description: string;
  readonly state: RunState;
  readonly direction: 'up' | 'down';
  readonly runId: string;
  readonly segments: number;
  readonly startedAt: string;
  readonly finishedAt: string | undefined;
  readonly counts: RunCounts | undefined;
}

/** What a run (or one worker's part of it) did with the items it read. */
export interface RunCounts {
  /** The model's items read. */
  readonly scanned: number;
  /** Items written at the new version (including `unchanged` ones). */
  readonly migrated: number;
  /** Of the migrated items, those whose attributes but the version were as before. */
  readonly unchanged: number;
  /** Items already of the version (or, going down, not of it): migrated before, or written since by the new code. */
  readonly notDue: number;
  /** Items the transform returned `undefined` for. */
  readonly leftOut: number;
  /** Items reported to the dead-letter sink. */
  readonly deadLettered: number;
}

export const COUNT_NAMES = ['scanned', 'migrated', 'unchanged', 'notDue', 'leftOut', 'deadLettered'] as const;

export const zeroCounts = (): { -readonly [K in keyof RunCounts]: number } => ({
  scanned: 0,
  migrated: 0,
  unchanged: 0,
  notDue: 0,
  leftOut: 0,
  deadLettered: 0,
});

/** A segment of a run, as stored. */
export interface SegmentRecord {
  readonly segment: number;
  readonly owner: string | undefined;
  /** When its lease ends, in ms since the epoch by the owner's clock. */
  readonly leaseUntil: number;
  /** Raised by every claim: a write by an owner whose lease was taken over no longer matches. */
  readonly fence: number;
  /** Where the segment's scan goes on from (`ExclusiveStartKey`); `undefined` at its start or when done. */
  readonly cursor: Item | undefined;
  readonly done: boolean;
  readonly counts: RunCounts;
}

/** The history table of one connection: reads and conditional writes of its records. */
export class MigrationStore {
  constructor(
    readonly executor: Executor,
    readonly tableName: string,
    /** `<table>#<model>`: the partition of the migrations of one model. */
    readonly id: string,
  ) {}

  /** Creates the history table when it does not exist yet (on demand, like `syncTables`). */
  async ensure(signal?: AbortSignal): Promise<void> {
    await ensureTable(this.executor, compileModel(MigrationRecord), this.tableName, signal ? { signal } : {});
  }

  async history(signal?: AbortSignal): Promise<HistoryRecord[]> {
    const records = await this.query('version#', signal);
    return records.map(toHistory);
  }

  async record(version: number, signal?: AbortSignal): Promise<HistoryRecord | undefined> {
    const output = await this.executor.send(
      'GetItem',
      { TableName: this.tableName, Key: this.key(versionKey(version)), ConsistentRead: true },
      { idempotent: true, signal },
    );
    return output.Item ? toHistory(output.Item) : undefined;
  }

  /**
   * Records a new run of a migration, unless the record changed since `previous` was read (another
   * worker began one): `false` then, and the caller reads it again.
   */
  async beginRun(
    run: { version: number; description: string; direction: 'up' | 'down'; runId: string; segments: number },
    previous: HistoryRecord | undefined,
    signal?: AbortSignal,
  ): Promise<boolean> {
    try {
      await this.executor.send(
        'PutItem',
        {
          TableName: this.tableName,
          Item: {
            ...this.key(versionKey(run.version)),
            version: { N: String(run.version) },
            description: { S: run.description },
            state: { S: 'running' },
            direction: { S: run.direction },
            runId: { S: run.runId },
            segments: { N: String(run.segments) },
            startedAt: { S: new Date().toISOString() },
          },
          ConditionExpression: previous ? '#runId = :runId' : 'attribute_not_exists(#sk)',
          ExpressionAttributeNames: previous ? { '#runId': 'runId' } : { '#sk': 'sk' },
          ...(previous ? { ExpressionAttributeValues: { ':runId': { S: previous.runId } } } : {}),
        },
        { idempotent: true, signal },
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionFailedError) return false;
      throw error;
    }
  }

  /** Marks a run finished with its totals; a no-op when another worker did already. */
  async finishRun(
    version: number,
    runId: string,
    state: RunState,
    counts: RunCounts,
    signal?: AbortSignal,
  ): Promise<void> {
    try {
      await this.executor.send(
        'UpdateItem',
        {
          TableName: this.tableName,
          Key: this.key(versionKey(version)),
          UpdateExpression: 'SET #state = :state, #finishedAt = :at, #counts = :counts',
          ConditionExpression: '#runId = :runId AND #state = :running',
          ExpressionAttributeNames: {
            '#state': 'state',
            '#finishedAt': 'finishedAt',
            '#counts': 'counts',
            '#runId': 'runId',
          },
          ExpressionAttributeValues: {
            ':state': { S: state },
            ':at': { S: new Date().toISOString() },
            ':counts': { M: countsItem(counts) },
            ':runId': { S: runId },
            ':running': { S: 'running' },
          },
        },
        { idempotent: true, signal },
      );
    } catch (error) {
      if (!(error instanceof ConditionFailedError)) throw error;
    }
  }

  /** The segment records of a run (those claimed at least once). */
  async segments(runId: string, signal?: AbortSignal): Promise<SegmentRecord[]> {
    return (await this.query(segmentPrefix(runId), signal)).map(toSegment);
  }

  key(sk: string): Item {
    return { id: { S: this.id }, sk: { S: sk } };
  }

  private async query(prefix: string, signal: AbortSignal | undefined): Promise<Item[]> {
    const items: Item[] = [];
    let start: Item | undefined;
    do {
      const page = await this.executor.send(
        'Query',
        {
          TableName: this.tableName,
          KeyConditionExpression: '#id = :id AND begins_with(#sk, :prefix)',
          ExpressionAttributeNames: { '#id': 'id', '#sk': 'sk' },
          ExpressionAttributeValues: { ':id': { S: this.id }, ':prefix': { S: prefix } },
          ConsistentRead: true,
          ...(start ? { ExclusiveStartKey: start } : {}),
        },
        { idempotent: true, signal },
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  }
}

const versionKey = (version: number): string => `version#${String(version).padStart(10, '0')}`;

export const segmentPrefix = (runId: string): string => `run#${runId}#`;

export const segmentKey = (runId: string, segment: number): string =>
  `${segmentPrefix(runId)}${String(segment).padStart(6, '0')}`;

export function countsItem(counts: RunCounts): Record<string, AttributeValue> {
  return Object.fromEntries(COUNT_NAMES.map((name) => [name, { N: String(counts[name]) }]));
}

function readCounts(item: Item | undefined, prefix = ''): RunCounts {
  const counts = zeroCounts();
  for (const name of COUNT_NAMES) counts[name] = Number(item?.[`${prefix}${name}`]?.N ?? 0);
  return counts;
}

function toHistory(item: Item): HistoryRecord {
  return {
    version: Number(item.version?.N),
    description: item.description?.S ?? '',
    state: (item.state?.S ?? 'running') as RunState,
    direction: (item.direction?.S ?? 'up') as 'up' | 'down',
    runId: item.runId?.S ?? '',
    segments: Number(item.segments?.N ?? 0),
    startedAt: item.startedAt?.S ?? '',
    finishedAt: item.finishedAt?.S,
    counts: item.counts?.M ? readCounts(item.counts.M) : undefined,
  };
}

export function toSegment(item: Item): SegmentRecord {
  return {
    segment: Number(item.segment?.N),
    owner: item.owner?.S,
    leaseUntil: Number(item.leaseUntil?.N ?? 0),
    fence: Number(item.fence?.N ?? 0),
    cursor: item.cursor?.M,
    done: item.done?.BOOL === true,
    counts: readCounts(item, 'c_'),
  };
}
