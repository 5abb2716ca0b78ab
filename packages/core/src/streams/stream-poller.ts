import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  LimitExceededException,
  TrimmedDataAccessException,
  type _Record as SdkStreamRecord,
  type ShardIteratorType,
} from '@aws-sdk/client-dynamodb-streams';
import { ConfigurationError } from '@dynamodel/executor';
import type { Connection } from '../connection/connection';
import { defaultConnection } from '../connection/default-connection';
import type { AnyClass } from '../metadata/options';
import { compileModel } from '../schema/compile-model';
import { SharedTable } from '../single-table/define-table';
import { entityClasses } from '../single-table/entity-registry';

/** A DynamoDB Streams record as the Streams API returns it. */
export type StreamRecord = SdkStreamRecord;

/** Where a reader stopped: each shard's last sequence number read. Pass it as `from` to resume after it. */
export type StreamCheckpoint = Readonly<Record<string, string>>;

/** Records of one shard from one `GetRecords`, in order. */
export interface StreamBatch {
  readonly shardId: string;
  readonly records: readonly StreamRecord[];
}

export interface StreamPollerOptions {
  /** The table whose stream is read: a model of it, a shared table, or its full name. */
  readonly table: AnyClass | SharedTable | string;
  /** Where its table lives (and how to reach its stream); default the default connection. */
  readonly connection?: Connection;
  /**
   * `'latest'` (default): changes made from now on; `'trim-horizon'`: every record the stream still
   * keeps (24 hours); a checkpoint: right after it.
   */
  readonly from?: 'latest' | 'trim-horizon' | StreamCheckpoint;
  /** How long to wait after a round that found nothing, in ms; default 250. */
  readonly idleMs?: number;
  /** `GetRecords` `Limit` (at most 1,000). */
  readonly limit?: number;
  /** A Streams client of your own (needed with a connection built on your own executor). */
  readonly client?: DynamoDBStreamsClient;
  readonly signal?: AbortSignal;
}

interface ShardState {
  readonly parent: string | undefined;
  iterator: string | undefined;
  done: boolean;
  /** How to ask for an iterator when there is no position yet. */
  readonly start: ShardIteratorType;
}

/** How often the shard list is read again while nothing closes, in ms (new shards appear as shards split). */
const DISCOVER_EVERY_MS = 10_000;

/**
 * Reads a table's DynamoDB Stream through the Streams API, for development, tests and small
 * consumers (in production, Lambda's event source mapping or the Kinesis adapter do this with
 * leases): every shard in order, a child shard only after its parent is read to its end, records
 * yielded in batches as they arrive, `checkpoint()` to resume later. Stops when `stop()` is called,
 * the signal aborts or the loop leaves `for await`.
 */
export class StreamPoller implements AsyncIterable<StreamBatch> {
  private stopped = false;
  private readonly positions = new Map<string, string>();
  private wake: (() => void) | undefined;
  private markReady!: () => void;
  private failReady!: (error: unknown) => void;
  /**
   * Resolves once the reader holds its starting positions (iteration has begun): changes made after
   * it are read. Rejects when iteration fails before that (no stream, no table).
   */
  readonly ready: Promise<void> = new Promise((resolve, reject) => {
    this.markReady = resolve;
    this.failReady = reject;
  });

  constructor(private readonly options: StreamPollerOptions) {
    if (typeof options.from === 'object') {
      for (const [shard, sequence] of Object.entries(options.from)) this.positions.set(shard, sequence);
    }
    options.signal?.addEventListener('abort', () => this.stop(), { once: true });
    this.ready.catch(() => undefined); // also thrown by the iteration itself: never unhandled
  }

  /** Each shard's last sequence number read so far. */
  checkpoint(): StreamCheckpoint {
    return Object.fromEntries(this.positions);
  }

  /** Ends the iteration after the request in flight. */
  stop(): void {
    this.stopped = true;
    this.wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<StreamBatch, void, undefined> {
    const connection = this.options.connection ?? defaultConnection();
    let opened: { client: DynamoDBStreamsClient; owned: boolean } | undefined;
    try {
      opened = await streamsClient(connection, this.options.client);
      const { client } = opened;
      const streamArn = await latestStreamArn(connection, tableNameOf(connection, this.options.table));
      const shards = new Map<string, ShardState>();
      let first = true;
      const discover = async () => {
        for (const shard of await describeShards(client, streamArn)) {
          if (!shard.ShardId || shards.has(shard.ShardId)) continue;
          const closed = shard.SequenceNumberRange?.EndingSequenceNumber !== undefined;
          const from = this.options.from ?? 'latest';
          const latest = first && from === 'latest';
          shards.set(shard.ShardId, {
            parent: shard.ParentShardId,
            iterator: undefined,
            // From now on: the open shards from their end, the closed ones not at all.
            done: latest && closed && !this.positions.has(shard.ShardId),
            start: latest ? 'LATEST' : 'TRIM_HORIZON',
          });
        }
        first = false;
      };
      await discover();
      // Positions taken now: with `latest`, every change made after `ready` resolves is read.
      for (const [shardId, state] of shards) {
        if (!state.done) state.iterator = await this.iteratorOf(client, streamArn, shardId, state.start);
      }
      this.markReady();
      let discovered = Date.now();
      while (!this.stopped) {
        let found = false;
        let closedOne = false;
        for (const [shardId, state] of shards) {
          if (this.stopped) return;
          if (state.done) continue;
          const parent = state.parent === undefined ? undefined : shards.get(state.parent);
          if (parent && !parent.done) continue; // a child waits until its parent is read to its end
          const records = await this.readShard(client, streamArn, shardId, state);
          if (state.done) closedOne = true;
          if (records.length > 0) {
            found = true;
            yield { shardId, records };
          }
        }
        if (closedOne || Date.now() - discovered > DISCOVER_EVERY_MS) {
          await discover();
          discovered = Date.now();
        }
        if (!found && !this.stopped) await this.idle();
      }
    } catch (error) {
      this.failReady(error);
      throw error;
    } finally {
      if (opened?.owned) opened.client.destroy();
    }
  }

  /** One `GetRecords` of a shard, renewing an expired iterator from the last position read. */
  private async readShard(
    client: DynamoDBStreamsClient,
    streamArn: string,
    shardId: string,
    state: ShardState,
  ): Promise<StreamRecord[]> {
    for (let attempt = 0; ; attempt++) {
      state.iterator ??= await this.iteratorOf(client, streamArn, shardId, state.start);
      if (state.iterator === undefined) {
        state.done = true;
        return [];
      }
      try {
        const output = await client.send(
          new GetRecordsCommand({
            ShardIterator: state.iterator,
            ...(this.options.limit ? { Limit: this.options.limit } : {}),
          }),
          this.options.signal ? { abortSignal: this.options.signal } : {},
        );
        const records = output.Records ?? [];
        const last = records[records.length - 1]?.dynamodb?.SequenceNumber;
        if (last !== undefined) this.positions.set(shardId, last);
        state.iterator = output.NextShardIterator;
        if (state.iterator === undefined) state.done = true; // the shard is closed and read to its end
        return records;
      } catch (error) {
        if (attempt >= 3) throw error;
        if (error instanceof ExpiredIteratorException) {
          state.iterator = undefined; // asked again from the last position read
        } else if (error instanceof TrimmedDataAccessException) {
          // The position is older than the stream keeps: read from the oldest record kept.
          this.positions.delete(shardId);
          state.iterator = await this.iteratorOf(client, streamArn, shardId, 'TRIM_HORIZON');
        } else if (error instanceof LimitExceededException) {
          await this.idle();
        } else {
          throw error;
        }
      }
    }
  }

  private async iteratorOf(
    client: DynamoDBStreamsClient,
    streamArn: string,
    shardId: string,
    start: ShardIteratorType,
  ): Promise<string | undefined> {
    const after = this.positions.get(shardId);
    const output = await client.send(
      new GetShardIteratorCommand({
        StreamArn: streamArn,
        ShardId: shardId,
        ...(after !== undefined
          ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after }
          : { ShardIteratorType: start }),
      }),
    );
    return output.ShardIterator;
  }

  private idle(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, this.options.idleMs ?? 250);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}

/** Reads a table's stream: `for await (const { records } of pollStream({ table: User })) …`. */
export function pollStream(options: StreamPollerOptions): StreamPoller {
  return new StreamPoller(options);
}

function tableNameOf(connection: Connection, table: StreamPollerOptions['table']): string {
  if (typeof table === 'string') return table;
  if (table instanceof SharedTable) {
    const [entity] = entityClasses(table);
    if (!entity)
      throw new ConfigurationError(`table ${table.name} has no entity declared yet: declare one with @Entity`);
    return connection.tableName(compileModel(entity));
  }
  return connection.tableName(compileModel(table));
}

async function latestStreamArn(connection: Connection, tableName: string): Promise<string> {
  const executor = await connection.executor();
  const { Table } = await executor.send('DescribeTable', { TableName: tableName }, { idempotent: true });
  const arn = Table?.LatestStreamArn;
  if (!arn || Table?.StreamSpecification?.StreamEnabled === false) {
    throw new ConfigurationError(
      `table ${tableName} has no stream: declare one (@Table({ stream: true }) or defineTable({ stream: true })) and sync the table`,
    );
  }
  return arn;
}

async function describeShards(client: DynamoDBStreamsClient, streamArn: string) {
  const shards = [];
  let start: string | undefined;
  do {
    const { StreamDescription } = await client.send(
      new DescribeStreamCommand({ StreamArn: streamArn, ...(start ? { ExclusiveStartShardId: start } : {}) }),
    );
    shards.push(...(StreamDescription?.Shards ?? []));
    start = StreamDescription?.LastEvaluatedShardId;
  } while (start);
  return shards;
}

/** A Streams client reaching the same place as the connection's DynamoDB client (region, endpoint, credentials). */
async function streamsClient(
  connection: Connection,
  given: DynamoDBStreamsClient | undefined,
): Promise<{ client: DynamoDBStreamsClient; owned: boolean }> {
  if (given) return { client: given, owned: false };
  const dynamo = await connection.client();
  if (!dynamo) {
    throw new ConfigurationError(
      'this connection sends through an executor of your own: give pollStream a Streams client ({ client })',
    );
  }
  const { region, credentials, endpoint } = dynamo.config;
  return {
    client: new DynamoDBStreamsClient({ region, credentials, ...(endpoint ? { endpoint } : {}) }),
    owned: true,
  };
}
