import type { QueryCommandInput, ScanCommandInput } from '@aws-sdk/client-dynamodb';
import type { OutputOf } from '@dynamodel/executor';
import { cachedPages } from '../cache/cached-pages';
import type { ModelCache } from '../cache/model-cache';
import type { Item } from '../codecs/object-codec';
import type { Connection } from '../connection/connection';
import { optionalCondition } from '../expressions/condition';
import { isKeyObject } from '../operations/key';
import { ReadResult, type ReadIO } from '../operations/read/paged-read';
import type { ReadPlan } from '../operations/read/read-plan';
import { queryParams } from '../operations/query/query-params';
import { scanParams } from '../operations/scan/scan-params';
import { modelValidationError } from '../operations/to-validation-error';
import type { ModelSchema } from '../schema/compile-model';
import { entityFilter, entityKeep, entityQuery } from '../single-table/entity-read';
import type { AttributeName, Projected, QueryKey, QueryOptions, ScanOptions } from './attributes';
import type { TableSender } from './table-sender';

/** What a model's reads need of its repository. */
export interface ReadingModel<T extends object> {
  readonly schema: ModelSchema<T>;
  readonly tableName: string;
  readonly connection: Connection;
  decode(item: Item): T;
  decodePart(item: Item, attributes: ReadonlySet<string>): T;
  queryCache(options: { consistent?: boolean; cache?: boolean }): ModelCache | undefined;
}

/**
 * A model's queries and scans: each planned and checked before anything is sent (the pure builders
 * of `operations/query`, `operations/scan`, and for an entity `single-table/entity-read.ts`), then
 * read page by page (`operations/read/paged-read.ts`), through the page cache when the model caches
 * queries, and decoded by the model's decoder (an entity's subclass items as the subclass). Reads
 * are always safe to re-send.
 */
export class ModelReads<T extends object> {
  constructor(
    private readonly model: ReadingModel<T>,
    private readonly sender: TableSender,
  ) {}

  query<P extends AttributeName<T> = never>(
    key: QueryKey<T>,
    options: QueryOptions<T, P>,
  ): ReadResult<Projected<T, P>> {
    const { schema } = this.model;
    const { index, partition } = splitQueryKey(key);
    if (index !== undefined && options.index !== undefined && index !== options.index) {
      throw modelValidationError(
        schema,
        `query names two indexes ("${index}" and "${options.index}")`,
        'unknown-index',
      );
    }
    let read = { partition, where: optionalCondition(options.where), filter: optionalCondition(options.filter) };
    if (schema.entity) read = entityQuery(schema, partition, read.where, read.filter, index ?? options.index);
    const plan = queryParams(schema, this.model.tableName, {
      index: index ?? options.index,
      ...read,
      reverse: options.reverse,
      consistent: options.consistent,
      projection: options.projection,
      limit: options.limit,
      pageSize: options.pageSize,
    });
    const io = this.readIO<Projected<T, P>>(plan, this.model.queryCache(options));
    return new ReadResult(schema, plan, io, options.signal);
  }

  scan<P extends AttributeName<T> = never>(options: ScanOptions<T, P>): ReadResult<Projected<T, P>> {
    const { schema } = this.model;
    const filter = optionalCondition(options.filter);
    const plan = scanParams(schema, this.model.tableName, {
      index: options.index,
      // An entity's scan reads its shared table and keeps its own items only.
      filter: schema.entity ? entityFilter(schema, filter, 'scan') : filter,
      consistent: options.consistent,
      projection: options.projection,
      limit: options.limit,
      pageSize: options.pageSize,
      segments: options.segments,
      segment: options.segment,
    });
    return new ReadResult(schema, plan, this.readIO<Projected<T, P>>(plan), options.signal);
  }

  /** How a read of `plan` sends its pages: a query's through `pageCache` when given, else to DynamoDB. */
  pageSender(plan: ReadPlan, pageCache: ModelCache | undefined): ReadIO<unknown>['send'] {
    if (!pageCache) return (operation, params, signal) => this.sendPage(operation, params, signal);
    const { schema, connection } = this.model;
    const sendQuery = (params: QueryCommandInput, signal: AbortSignal | undefined) =>
      this.sendPage('Query', params, signal);
    const prepare = () => (connection.ready(schema) ? undefined : connection.prepare(schema));
    const sendCached = cachedPages(pageCache, schema, plan, sendQuery, prepare);
    return (operation, params, signal) =>
      operation === 'Query' ? sendCached(params, signal) : this.sendPage('Scan', params, signal);
  }

  /** Sends one page of a query or scan of the model's table, uncached. */
  sendPage(
    operation: 'Query' | 'Scan',
    params: QueryCommandInput | ScanCommandInput,
    signal: AbortSignal | undefined,
  ): Promise<OutputOf<'Query'>> {
    return this.sender.send(operation, params, signal ? { signal, idempotent: true } : { idempotent: true });
  }

  /**
   * The item stored under `key` (the table's key attributes, as stored), read strongly consistent
   * and not decoded: for readers that learn the model from the item (a stream's keys-only record).
   */
  async readItem(key: Item): Promise<Item | undefined> {
    const output = await this.sender.send(
      'GetItem',
      { TableName: this.model.tableName, Key: key, ConsistentRead: true },
      { idempotent: true },
    );
    return output.Item;
  }

  /** How a read sends its pages and decodes its items; a query of a model that caches queries sends its pages through `pageCache`. */
  private readIO<R>(plan: ReadPlan, pageCache?: ModelCache): ReadIO<R> {
    const { model } = this;
    const partial = plan.partial;
    return {
      send: this.pageSender(plan, pageCache),
      keep: entityKeep(model.schema),
      // An entity's item of a subclass entity is decoded as the subclass (`ItemDecoder`).
      decode: (partial
        ? (item: Item) => model.decodePart(item, partial)
        : (item: Item) => model.decode(item)) as unknown as (item: Item) => R,
      cursorSecret: model.connection.cursorSecret,
    };
  }
}

/** `{ index, key }`, or a partition key value or object for the table. */
function splitQueryKey(key: unknown): { index: string | undefined; partition: unknown } {
  if (isKeyObject(key) && Object.prototype.hasOwnProperty.call(key, 'key')) {
    const names = Object.keys(key);
    if (names.every((name) => name === 'key' || name === 'index')) {
      return { index: key.index as string | undefined, partition: key.key };
    }
  }
  return { index: undefined, partition: key };
}
