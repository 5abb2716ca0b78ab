import { ConfigurationError, ResourceNotFoundError } from '@dynamodel/executor';
import type { Item } from '../codecs/object-codec';
import { defaultConnection } from '../connection/default-connection';
import type { AnyClass } from '../metadata/options';
import { repositoryFor } from '../model/repository';
import { SharedTable } from '../single-table/define-table';
import { entityClasses } from '../single-table/entity-registry';
import { StreamPoller, type StreamCheckpoint, type StreamPollerOptions } from './stream-poller';

export interface StreamInvalidationOptions extends Omit<StreamPollerOptions, 'table' | 'from' | 'signal'> {
  /** The table whose cache entries the stream invalidates: a model of it, or a shared table. */
  readonly table: AnyClass | SharedTable;
  /**
   * Called when reading the stream failed: reading resumes from where it stopped after `retryMs`,
   * except for a table without a stream (or no table), which ends it (`ready` and `done` reject).
   */
  readonly onError?: (error: unknown) => void;
  /** Wait before resuming after a failure, in ms; default 1,000. */
  readonly retryMs?: number;
}

/**
 * Keeps a connection's cache true to writes made outside Dynamodel (another service, the console,
 * a raw SDK call): every change on the table's stream forgets the item's cache entry and renews
 * its partition's query pages (and the table's global index pages), as a write through Dynamodel
 * does. The old value stops being served within the stream's delay plus `idleMs`, not after the
 * TTL; a read that began before the change can never fill it back (the fill's token is renewed).
 */
export class StreamInvalidation {
  private readonly stopping = new AbortController();
  private poller: StreamPoller | undefined;
  private checkpointed: StreamCheckpoint | undefined;
  private markReady!: () => void;
  private failReady!: (error: unknown) => void;
  /**
   * Resolves once the stream is being read: every change made after it is invalidated. Rejects
   * (as `done` does) when the table cannot be read at all: no stream, or no such table.
   */
  readonly ready: Promise<void> = new Promise((resolve, reject) => {
    this.markReady = resolve;
    this.failReady = reject;
  });
  /** Records applied so far. */
  applied = 0;
  /** Settles when the reader has stopped (after `stop()`). */
  readonly done: Promise<void>;

  constructor(private readonly options: StreamInvalidationOptions) {
    this.done = this.run().catch((error: unknown) => {
      this.options.onError?.(error);
      this.failReady(error);
      throw error;
    });
    // Reported through `onError`, `ready` and `done`; not an unhandled rejection when nobody awaits them.
    this.ready.catch(() => undefined);
    this.done.catch(() => undefined);
  }

  /** Stops reading; resolves when the last batch's invalidations are confirmed. */
  async stop(): Promise<void> {
    this.stopping.abort();
    this.poller?.stop();
    await this.done;
  }

  private async run(): Promise<void> {
    const connection = this.options.connection ?? defaultConnection();
    const repository = repositoryFor(modelOf(this.options.table), connection);
    while (!this.stopping.signal.aborted) {
      const { table: _table, onError: _onError, retryMs: _retryMs, ...pollerOptions } = this.options;
      const poller = new StreamPoller({
        ...pollerOptions,
        connection,
        table: this.options.table,
        from: this.checkpointed ?? 'latest',
        signal: this.stopping.signal,
      });
      this.poller = poller;
      void poller.ready.then(
        () => this.markReady(),
        () => undefined,
      );
      try {
        for await (const batch of poller) {
          const keys = batch.records.flatMap((record) => (record.dynamodb?.Keys ? [record.dynamodb.Keys as Item] : []));
          await repository.invalidate(keys);
          this.applied += batch.records.length;
          this.checkpointed = poller.checkpoint();
        }
      } catch (error) {
        if (this.stopping.signal.aborted) return;
        // A table without a stream (or none at all) will not get one by waiting.
        if (error instanceof ConfigurationError || error instanceof ResourceNotFoundError) throw error;
        this.checkpointed = poller.checkpoint();
        this.options.onError?.(error);
        await new Promise((resolve) => setTimeout(resolve, this.options.retryMs ?? 1_000));
      }
    }
  }
}

/** Starts invalidating a connection's cache from a table's DynamoDB Stream (see `StreamInvalidation`). */
export function invalidateFromStream(options: StreamInvalidationOptions): StreamInvalidation {
  return new StreamInvalidation(options);
}

function modelOf(table: AnyClass | SharedTable): AnyClass {
  if (!(table instanceof SharedTable)) return table;
  const [entity] = entityClasses(table);
  if (!entity) throw new ConfigurationError(`table ${table.name} has no entity declared yet: declare one with @Entity`);
  return entity;
}
