import { setMaxListeners } from 'node:events';
import type { ScanCommandInput } from '@aws-sdk/client-dynamodb';
import { sleep } from '@dynamodel/executor';
import type { Item } from '../codecs/object-codec';
import { MigrationError } from '../errors/migration-error';
import type { DeadLetter, DeadLetterSink } from './dead-letters';
import { migratePage, type PageOutcome, type PageWriting } from './migrate-page';
import type { MigrationStepPlan } from './migration-item';
import { COUNT_NAMES, zeroCounts, type MigrationStore, type RunCounts, type SegmentRecord } from './migration-store';
import { LeaseLostError, SegmentLease } from './segment-lease';

/** What a migration run tells as it goes (after every page). */
export interface MigrationProgress extends RunCounts {
  readonly version: number;
  readonly direction: 'up' | 'down';
  readonly dryRun: boolean;
  /** Segments finished by every worker of the run, as last seen, of `segments`. */
  readonly segmentsDone: number;
  readonly segments: number;
  /** Items this worker reads per second, since it began. */
  readonly itemsPerSecond: number;
  readonly elapsedMs: number;
  /** The table's item count as DynamoDB last measured it (about every six hours): on a shared table, every entity's items. */
  readonly estimatedItems: number | undefined;
  /** Time left, estimated from the whole run's pace and `estimatedItems`. */
  readonly etaMs: number | undefined;
}

export interface WorkerSettings {
  readonly model: string;
  /** The history table; `undefined` for a dry run (no leases, nothing recorded). */
  readonly store: MigrationStore | undefined;
  readonly writing: PageWriting;
  readonly segments: number;
  /** Segments this worker migrates at once. */
  readonly parallel: number;
  readonly pageSize: number | undefined;
  readonly leaseMs: number;
  readonly workerId: string;
  readonly deadLetters: DeadLetterSink;
  readonly onProgress: ((progress: MigrationProgress) => void) | undefined;
  readonly estimatedItems: number | undefined;
  readonly signal: AbortSignal | undefined;
}

/** A segment's scan, one page after another, from `cursor`. */
function scanPage(
  settings: WorkerSettings,
  segment: number,
  cursor: Item | undefined,
  signal: AbortSignal | undefined,
) {
  const input: ScanCommandInput = {
    TableName: settings.writing.tableName,
    Segment: segment,
    TotalSegments: settings.segments,
    // Strongly consistent: a page read again after a crash shows the items already migrated as such.
    ConsistentRead: true,
    ...(settings.pageSize !== undefined ? { Limit: settings.pageSize } : {}),
    ...(cursor ? { ExclusiveStartKey: cursor } : {}),
  };
  return settings.writing.executor.send('Scan', input, { idempotent: true, ...(signal ? { signal } : {}) });
}

/**
 * This worker's part of a run: it takes segments by lease until every segment of the run is done
 * (waiting while other workers hold the rest, and taking over those whose lease runs out), and
 * returns what it did itself.
 */
export async function runSegments(plan: MigrationStepPlan, runId: string, caller: WorkerSettings): Promise<RunCounts> {
  // The first lane to fail stops the others, and the run returns only once every lane has stopped:
  // nothing goes on writing after the caller has been told of the failure.
  const stop = new AbortController();
  const signal = caller.signal ? AbortSignal.any([caller.signal, stop.signal]) : stop.signal;
  setMaxListeners(0, signal);
  // Writes are not aborted by the stop, only no longer started (migrate-page.ts, PageWriting.stop).
  const settings: WorkerSettings = { ...caller, signal, writing: { ...caller.writing, stop: signal } };
  const meter = new ProgressMeter(plan, settings);
  const store = settings.store;
  const lanes = Math.max(1, Math.min(settings.parallel, settings.segments));
  const lane = store ? leasedLane(plan, runId, settings, store, meter) : dryRunLane(plan, settings, meter);
  let first: { error: unknown } | undefined;
  await Promise.allSettled(
    Array.from({ length: lanes }, (_, index) =>
      lane(index).catch((error: unknown) => {
        first ??= { error }; // the others then fail with the abort it caused
        stop.abort(error);
      }),
    ),
  );
  if (first) throw first.error;
  return meter.own;
}

/** A dry run's lane: this process reads every segment; nothing is leased or recorded. */
function dryRunLane(plan: MigrationStepPlan, settings: WorkerSettings, meter: ProgressMeter) {
  let next = 0;
  return async (): Promise<void> => {
    while (next < settings.segments) await migrateSegment(plan, settings, meter, next++, undefined, undefined);
  };
}

/** A lane of a leased run: it claims segments until every one is done, waiting while other workers hold the rest. */
function leasedLane(
  plan: MigrationStepPlan,
  runId: string,
  settings: WorkerSettings,
  store: MigrationStore,
  meter: ProgressMeter,
) {
  const pollMs = Math.min(1_000, Math.max(50, settings.leaseMs / 4));
  return async (lane: number): Promise<void> => {
    const offset = Math.floor(Math.random() * settings.segments) + lane;
    for (;;) {
      settings.signal?.throwIfAborted();
      const records = await store.segments(runId, settings.signal);
      meter.observe(records);
      if (records.length === settings.segments && records.every((record) => record.done)) return;
      const claimed = await claimOne(store, runId, settings, records, offset);
      if (claimed) await migrateSegment(plan, settings, meter, claimed.record.segment, claimed.record.cursor, claimed);
      // This worker's other lanes finish the rest.
      else if (records.every((record) => record.done || record.owner === settings.workerId)) return;
      // Other workers hold the rest: wait for them to finish, or for their leases to run out.
      else await sleep(pollMs, settings.signal);
    }
  };
}

/** The first free segment from `offset` on that this worker manages to claim. */
async function claimOne(
  store: MigrationStore,
  runId: string,
  settings: WorkerSettings,
  records: readonly SegmentRecord[],
  offset: number,
): Promise<SegmentLease | undefined> {
  const bySegment = new Map(records.map((record) => [record.segment, record]));
  const now = Date.now();
  for (let i = 0; i < settings.segments; i++) {
    const segment = (offset + i) % settings.segments;
    const record = bySegment.get(segment);
    if (record && (record.done || record.leaseUntil >= now)) continue;
    const lease = await SegmentLease.claim(store, runId, segment, settings.workerId, settings.leaseMs, settings.signal);
    if (lease) return lease;
  }
  return undefined;
}

/**
 * Migrates one segment from `cursor` to its end, page by page: each page's items transformed and
 * written, its dead letters reported, and only then the checkpoint moved past it. Under a lease,
 * a heartbeat keeps it while a page takes long, and a lost lease stops the segment here.
 */
async function migrateSegment(
  plan: MigrationStepPlan,
  settings: WorkerSettings,
  meter: ProgressMeter,
  segment: number,
  from: Item | undefined,
  lease: SegmentLease | undefined,
): Promise<void> {
  const stop = new AbortController();
  const signal = settings.signal ? AbortSignal.any([settings.signal, stop.signal]) : stop.signal;
  // Every write in flight listens to it: more than Node's default of 10 is expected here.
  setMaxListeners(0, signal);
  let lost: LeaseLostError | undefined;
  const heartbeat = lease
    ? setInterval(() => {
        lease.renew(signal).catch((error: unknown) => {
          // A lost lease stops this segment at once; any other failure is left to the next
          // heartbeat or checkpoint, which fail loudly if the lease is really gone.
          if (error instanceof LeaseLostError) {
            lost = error;
            stop.abort(error);
          }
        });
      }, settings.leaseMs / 3)
    : undefined;
  const writing: PageWriting = { ...settings.writing, stop: signal };
  try {
    let cursor = from;
    do {
      const page = await scanPage(settings, segment, cursor, signal);
      const outcome = await migratePage(plan, writing, page.Items ?? []);
      await report(plan, settings, outcome);
      cursor = page.LastEvaluatedKey;
      await lease?.checkpoint(cursor, outcome.counts, signal);
      meter.add(outcome.counts, cursor === undefined);
    } while (cursor);
  } catch (error) {
    if (lost || error instanceof LeaseLostError) return; // the worker that took the segment over goes on
    // The original error is what the caller needs; a failed release only means waiting for the lease.
    await lease?.release().catch(() => undefined);
    throw error;
  } finally {
    clearInterval(heartbeat);
  }
}

/** Hands a page's failures to the dead-letter sink, each awaited before the checkpoint moves on. */
async function report(plan: MigrationStepPlan, settings: WorkerSettings, outcome: PageOutcome): Promise<void> {
  for (const failure of outcome.failures) {
    const letter: DeadLetter = {
      model: settings.model,
      version: plan.version,
      direction: plan.direction,
      ...failure,
      dryRun: settings.store === undefined,
    };
    try {
      await settings.deadLetters(letter);
    } catch (error) {
      throw new MigrationError('the dead-letter sink failed, so the run stopped rather than lose the report', {
        model: settings.model,
        version: plan.version,
        code: 'dead-letter',
        cause: error,
      });
    }
  }
}

/** This worker's counts, the run's as last seen, and the progress events made of them. */
class ProgressMeter {
  readonly own = zeroCounts();
  private readonly startedAt = performance.now();
  private segmentsDone = 0;
  private othersScanned = 0;
  private scannedAtStart: number | undefined;

  constructor(
    private readonly plan: MigrationStepPlan,
    private readonly settings: WorkerSettings,
  ) {}

  /** Learns the other workers' part from the segment records. */
  observe(records: readonly SegmentRecord[]): void {
    this.segmentsDone = records.filter((record) => record.done).length;
    this.othersScanned = records
      .filter((record) => record.owner !== this.settings.workerId)
      .reduce((sum, record) => sum + record.counts.scanned, 0);
    this.scannedAtStart ??= this.othersScanned;
  }

  add(counts: RunCounts, segmentDone: boolean): void {
    for (const name of COUNT_NAMES) this.own[name] += counts[name];
    if (segmentDone) this.segmentsDone++;
    const onProgress = this.settings.onProgress;
    if (!onProgress) return;
    const elapsedMs = performance.now() - this.startedAt;
    const runScanned = this.own.scanned + this.othersScanned;
    const pace = (runScanned - (this.scannedAtStart ?? 0)) / Math.max(elapsedMs, 1);
    const estimated = this.settings.estimatedItems;
    onProgress({
      ...this.own,
      version: this.plan.version,
      direction: this.plan.direction,
      dryRun: this.settings.store === undefined,
      segmentsDone: Math.min(this.segmentsDone, this.settings.segments),
      segments: this.settings.segments,
      itemsPerSecond: (this.own.scanned / Math.max(elapsedMs, 1)) * 1000,
      elapsedMs,
      estimatedItems: estimated,
      etaMs: estimated === undefined || pace <= 0 ? undefined : Math.max(0, estimated - runScanned) / pace,
    });
  }
}
