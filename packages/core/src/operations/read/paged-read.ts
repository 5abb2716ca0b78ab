import type { QueryCommandInput, QueryCommandOutput, ScanCommandInput } from '@aws-sdk/client-dynamodb';
import type { Item } from '../../codecs/object-codec';
import type { ModelSchema } from '../../schema/compile-model';
import { decodeCursor, encodeCursor, type ReadPosition, type SegmentPosition } from './cursor';
import type { ReadPlan } from './read-plan';

/** What a read needs from the repository: a way to send one page request, and to decode an item. */
export interface ReadIO<T> {
  send(
    operation: 'Query' | 'Scan',
    params: QueryCommandInput | ScanCommandInput,
    signal: AbortSignal | undefined,
  ): Promise<Pick<QueryCommandOutput, 'Items' | 'LastEvaluatedKey' | 'Count'>>;
  decode(item: Item): T;
  /**
   * Which items of a page the read keeps, when the request's filter cannot tell alone (an entity
   * recognising items by a predicate, `single-table/entity-read.ts` `entityKeep`). `limit`,
   * cursors and `count()` count kept items only.
   */
  readonly keep?: ((item: Item) => boolean) | undefined;
  readonly cursorSecret?: string | undefined;
}

/** One page of a read: up to `limit` items, and the cursor to continue after the last of them (`undefined` at the end). */
export interface Page<T> {
  readonly items: T[];
  readonly cursor: string | undefined;
}

export interface PageOptions {
  /** Continue where the page that returned this cursor ended. */
  readonly cursor?: string | undefined;
  /** Items in this page (default: the read's `limit`, else whatever DynamoDB returns in one request). */
  readonly limit?: number | undefined;
}

/**
 * The result of `query` or `scan`: nothing is sent until it is used.
 * - `for await (const item of read)` pages lazily: one request per page, only as items are taken;
 *   a parallel scan keeps one request per segment in flight (all under the executor's bound).
 * - `all()`, `first()`, `count()` (`Select: 'COUNT'`, summed over pages and segments).
 * - `page({ cursor, limit })`: exactly `limit` items (fewer only at the end) and a cursor that
 *   resumes right after the last item returned — also in the middle of a DynamoDB page.
 * `limit` always counts items returned to the caller. DynamoDB's own `Limit` counts items it
 * evaluates before a filter; it is `pageSize` here, and without a filter it is set to what is still
 * needed, so a limited read never reads past its limit.
 */
export class ReadResult<T> implements AsyncIterable<T> {
  constructor(
    private readonly schema: ModelSchema,
    readonly plan: ReadPlan,
    private readonly io: ReadIO<T>,
    private readonly signal?: AbortSignal,
  ) {}

  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    let left = this.plan.limit ?? Number.POSITIVE_INFINITY;
    for await (const items of this.mergedPages(() => left)) {
      for (const item of items) {
        if (left <= 0) return;
        left--;
        yield this.io.decode(item);
      }
      if (left <= 0) return;
    }
  }

  /** Every item (up to `limit`), read page by page; the segments of a parallel scan are read at once. */
  async all(): Promise<T[]> {
    const limit = this.plan.limit ?? Number.POSITIVE_INFINITY;
    let taken = 0;
    const perSegment = await Promise.all(
      this.startPosition().map(async (start) => {
        const found: T[] = [];
        for await (const items of this.segmentPages(start, () => limit - taken)) {
          for (const item of items) {
            if (taken >= limit) return found;
            taken++;
            found.push(this.io.decode(item));
          }
          if (taken >= limit) break;
        }
        return found;
      }),
    );
    return perSegment.length === 1 ? (perSegment[0] as T[]) : perSegment.flat();
  }

  /** The first item, or `undefined`; reads no further than it needs. */
  async first(): Promise<T | undefined> {
    return (await this.page({ limit: 1 })).items[0];
  }

  /** How many items match (after the filter), counted by DynamoDB without returning them. `limit` does not apply. */
  async count(): Promise<number> {
    // Items the read keeps only after reading them are counted by reading them.
    if (this.io.keep) {
      let total = 0;
      for await (const items of this.mergedPages(() => Number.POSITIVE_INFINITY)) total += items.length;
      return total;
    }
    const counts = await Promise.all(
      this.plan.segments.map(async (segment) => {
        let total = 0;
        let startKey: Item | undefined;
        do {
          const output = await this.io.send(
            this.plan.operation,
            this.request(this.plan.countParams, { segment: segment?.[0], startKey }),
            this.signal,
          );
          total += output.Count ?? 0;
          startKey = output.LastEvaluatedKey;
        } while (startKey);
        return total;
      }),
    );
    return counts.reduce((sum, count) => sum + count, 0);
  }

  /**
   * One page of `limit` items from `cursor` (or the start). Segments of a parallel scan are read
   * one after another here, so a page is the same whoever asks for it. The last page may be empty:
   * DynamoDB may say there is more when there is not.
   */
  async page(options: PageOptions = {}): Promise<Page<T>> {
    const limit = options.limit ?? this.plan.limit;
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) {
      throw new RangeError(`page limit must be a whole number of at least 1, got ${String(limit)}`);
    }
    const position: SegmentPosition[] = [
      ...(options.cursor !== undefined
        ? decodeCursor(this.schema, this.plan, options.cursor, this.io.cursorSecret)
        : this.startPosition()),
    ];
    const items: T[] = [];
    while (position.length > 0 && (limit === undefined || items.length < limit)) {
      const current = position[0] as SegmentPosition;
      const need = limit === undefined ? undefined : limit - items.length;
      const output = await this.io.send(
        this.plan.operation,
        this.request(this.plan.params, { ...current, limit: this.pageLimit(need) }),
        this.signal,
      );
      const page = this.kept(output.Items);
      const taken = need === undefined ? page : page.slice(0, need);
      for (const item of taken) items.push(this.io.decode(item));
      if (taken.length < page.length) {
        // Stopped inside DynamoDB's page: resume right after the last item taken.
        position[0] = { segment: current.segment, startKey: this.keyOf(taken[taken.length - 1] as Item) };
      } else if (output.LastEvaluatedKey) {
        position[0] = { segment: current.segment, startKey: output.LastEvaluatedKey };
      } else {
        position.shift(); // this segment is finished
      }
      if (limit === undefined) break; // no limit: one request's worth
    }
    return {
      items,
      cursor: position.length > 0 ? encodeCursor(this.plan.scope, position, this.io.cursorSecret) : undefined,
    };
  }

  /** Each segment's pages, merged as they arrive, with at most one request in flight per segment. */
  private async *mergedPages(left: () => number): AsyncGenerator<Item[], void, undefined> {
    const readers = this.startPosition().map((start) => this.segmentPages(start, left));
    if (readers.length === 1) {
      yield* readers[0] as AsyncGenerator<Item[], void, undefined>;
      return;
    }
    const pending = new Map<number, Promise<{ reader: number; result: IteratorResult<Item[], void> }>>();
    const pull = (reader: number) =>
      pending.set(
        reader,
        (readers[reader] as AsyncGenerator<Item[], void, undefined>).next().then((result) => ({ reader, result })),
      );
    readers.forEach((_, reader) => pull(reader));
    try {
      while (pending.size > 0) {
        const { reader, result } = await Promise.race(pending.values());
        pending.delete(reader);
        if (result.done) continue;
        yield result.value;
        if (left() > 0) pull(reader);
      }
    } finally {
      // Requests already sent finish on their own; nothing more is sent.
      await Promise.allSettled([...pending.values()]);
      await Promise.allSettled(readers.map((reader) => reader.return(undefined)));
    }
  }

  /** One segment's raw pages from `start`, until DynamoDB has no more or nothing more is wanted. */
  private async *segmentPages(start: SegmentPosition, left: () => number): AsyncGenerator<Item[], void, undefined> {
    let startKey = start.startKey;
    do {
      const want = left();
      if (want <= 0) return;
      const output = await this.io.send(
        this.plan.operation,
        this.request(this.plan.params, { segment: start.segment, startKey, limit: this.pageLimit(want) }),
        this.signal,
      );
      yield this.kept(output.Items);
      startKey = output.LastEvaluatedKey;
    } while (startKey);
  }

  private kept(items: Item[] | undefined): Item[] {
    const { keep } = this.io;
    return keep ? (items ?? []).filter(keep) : (items ?? []);
  }

  /** DynamoDB's `Limit`: the page size, or without a filter no more than what is still wanted. */
  private pageLimit(want: number | undefined): number | undefined {
    const { pageSize, filtered } = this.plan;
    if (filtered || want === undefined || !Number.isFinite(want)) return pageSize;
    return pageSize === undefined ? want : Math.min(pageSize, want);
  }

  private request<P extends QueryCommandInput | ScanCommandInput>(
    params: P,
    at: { segment: number | undefined; startKey: Item | undefined; limit?: number | undefined },
  ): P {
    const total = this.plan.segments[0]?.[1];
    return {
      ...params,
      ...(at.segment !== undefined ? { Segment: at.segment, TotalSegments: total } : {}),
      ...(at.startKey ? { ExclusiveStartKey: at.startKey } : {}),
      ...(at.limit !== undefined ? { Limit: at.limit } : {}),
    };
  }

  private startPosition(): ReadPosition {
    return this.plan.segments.map((segment) => ({ segment: segment?.[0], startKey: undefined }));
  }

  /** The start key that resumes right after `item`: its table and index key attributes. */
  private keyOf(item: Item): Item {
    const key: Item = {};
    for (const name of this.plan.keyNames) key[name] = item[name] as NonNullable<Item[string]>;
    return key;
  }
}
