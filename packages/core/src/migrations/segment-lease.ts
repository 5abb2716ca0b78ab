import { ConditionFailedError } from '@dynamodel/executor';
import type { Item } from '../codecs/object-codec';
import {
  COUNT_NAMES,
  segmentKey,
  toSegment,
  type MigrationStore,
  type RunCounts,
  type SegmentRecord,
} from './migration-store';

/**
 * A segment of a run held by this worker. Every write it makes to the segment's record is
 * conditioned on its owner and fence, so once another worker has taken the segment over (the lease
 * ran out: this one crashed, hung or lost the network) this one's checkpoints fail (`LeaseLostError`)
 * and it stops.
 */
export class SegmentLease {
  private constructor(
    private readonly store: MigrationStore,
    readonly runId: string,
    readonly record: SegmentRecord,
    readonly owner: string,
    private readonly leaseMs: number,
  ) {}

  /**
   * Takes segment `segment` of the run when nobody holds it: never claimed, or its lease ran out
   * and it is not done. `undefined` when another worker holds it (or finished it).
   */
  static async claim(
    store: MigrationStore,
    runId: string,
    segment: number,
    owner: string,
    leaseMs: number,
    signal?: AbortSignal,
  ): Promise<SegmentLease | undefined> {
    const now = Date.now();
    try {
      const output = await store.executor.send(
        'UpdateItem',
        {
          TableName: store.tableName,
          Key: store.key(segmentKey(runId, segment)),
          UpdateExpression:
            'SET #owner = :owner, #until = :until, #segment = :segment, #done = if_not_exists(#done, :false) ADD #fence :one',
          ConditionExpression: 'attribute_not_exists(#sk) OR (#done = :false AND #until < :now)',
          ExpressionAttributeNames: {
            '#owner': 'owner',
            '#until': 'leaseUntil',
            '#segment': 'segment',
            '#done': 'done',
            '#fence': 'fence',
            '#sk': 'sk',
          },
          ExpressionAttributeValues: {
            ':owner': { S: owner },
            ':until': { N: String(now + leaseMs) },
            ':segment': { N: String(segment) },
            ':false': { BOOL: false },
            ':one': { N: '1' },
            ':now': { N: String(now) },
          },
          ReturnValues: 'ALL_NEW',
        },
        // Not re-sent blindly: a lost answer to a claim that succeeded would read as "taken".
        { signal },
      );
      return new SegmentLease(store, runId, toSegment(output.Attributes ?? {}), owner, leaseMs);
    } catch (error) {
      if (error instanceof ConditionFailedError) return undefined;
      throw error;
    }
  }

  /** Extends the lease (a heartbeat while a page is long in the making). */
  async renew(signal?: AbortSignal): Promise<void> {
    await this.write('SET #until = :until', {}, signal);
  }

  /**
   * Records that every item before `cursor` is migrated (`undefined`: the whole segment, which is
   * then done) and adds `counts`, extending the lease.
   */
  async checkpoint(cursor: Item | undefined, counts: RunCounts, signal?: AbortSignal): Promise<void> {
    const adds = COUNT_NAMES.filter((name) => counts[name] !== 0);
    const values: Record<string, { N: string } | { M: Item } | { BOOL: boolean }> = {};
    for (const name of adds) values[`:${name}`] = { N: String(counts[name]) };
    let update = cursor
      ? 'SET #until = :until, #cursor = :cursor'
      : 'SET #until = :until, #done = :true REMOVE #cursor';
    if (cursor) values[':cursor'] = { M: cursor };
    else values[':true'] = { BOOL: true };
    if (adds.length > 0) update += ` ADD ${adds.map((name) => `c_${name} :${name}`).join(', ')}`;
    await this.write(update, values, signal);
  }

  /** Gives the segment up at once (after an error), so another worker or a new run takes it without waiting for the lease. */
  async release(): Promise<void> {
    await this.write('SET #until = :zero', { ':zero': { N: '0' } }).catch((error: unknown) => {
      // Nothing is lost if this fails: the lease runs out by itself.
      if (!(error instanceof LeaseLostError)) throw error;
    });
  }

  private async write(
    update: string,
    values: Record<string, { N: string } | { M: Item } | { BOOL: boolean }>,
    signal?: AbortSignal,
  ): Promise<void> {
    const names: Record<string, string> = { '#owner': 'owner', '#fence': 'fence' };
    if (update.includes('#until')) names['#until'] = 'leaseUntil';
    if (update.includes('#cursor')) names['#cursor'] = 'cursor';
    if (update.includes('#done')) names['#done'] = 'done';
    const withUntil: Record<string, { N: string }> = update.includes(':until')
      ? { ':until': { N: String(Date.now() + this.leaseMs) } }
      : {};
    try {
      await this.store.executor.send(
        'UpdateItem',
        {
          TableName: this.store.tableName,
          Key: this.store.key(segmentKey(this.runId, this.record.segment)),
          UpdateExpression: update,
          ConditionExpression: '#owner = :me AND #fence = :fence',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: {
            ...values,
            ...withUntil,
            ':me': { S: this.owner },
            ':fence': { N: String(this.record.fence) },
          },
        },
        // Re-sendable: the condition holds again for a re-sent checkpoint, and ADD counts are only
        // reports (a lost answer re-sent may count a page twice; the items are migrated once).
        { idempotent: true, signal },
      );
    } catch (error) {
      if (error instanceof ConditionFailedError) {
        throw new LeaseLostError(
          `segment ${this.record.segment} of run ${this.runId} was taken over by another worker`,
        );
      }
      throw error;
    }
  }
}

/** A worker's lease on a segment ended and another worker took the segment over. */
export class LeaseLostError extends Error {
  override name = 'LeaseLostError';
}
