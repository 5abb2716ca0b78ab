import { createHash } from 'node:crypto';
import type { QueryCommandInput, ScanCommandInput } from '@aws-sdk/client-dynamodb';
import { compileCondition } from '../../expressions/compile-condition';
import type { Condition } from '../../expressions/condition';
import { Placeholders } from '../../expressions/placeholders';
import { compileProjection, entityProjected } from '../../expressions/projection';
import type { Item } from '../../codecs/object-codec';
import type { IndexSchema } from '../../schema/compile-indexes';
import type { ModelSchema } from '../../schema/compile-model';
import { modelValidationError } from '../to-validation-error';
import type { KeyTarget } from '../../expressions/compile-key-condition';
import { checkExpressionSizes } from '../expression-size';
import { keyAttributeNames } from '../key';

/**
 * Everything needed to read a query or scan page by page, built once before anything is sent. The
 * sending part (`paged-read.ts`) adds only `ExclusiveStartKey`, `Limit` and `Segment`.
 */
export interface ReadPlan {
  readonly operation: 'Query' | 'Scan';
  /** The request without paging members. */
  readonly params: QueryCommandInput | ScanCommandInput;
  /** The same request with `Select: 'COUNT'` and no projection (its own placeholders). */
  readonly countParams: QueryCommandInput | ScanCommandInput;
  /** Scan segments to read (each `[segment, totalSegments]`); one unsegmented read for a query. */
  readonly segments: readonly (readonly [number, number] | undefined)[];
  /** A filter drops items after DynamoDB's `Limit` counted them. */
  readonly filtered: boolean;
  /** The stored names that make an `ExclusiveStartKey`: the table's keys, plus the index's. */
  readonly keyNames: readonly string[];
  /** The stored names items hold when they are partial (a projection or a partial index); `undefined` for whole items. */
  readonly partial: ReadonlySet<string> | undefined;
  /** Items returned to the caller in all (`undefined`: no limit). */
  readonly limit: number | undefined;
  /** DynamoDB's `Limit`: items evaluated per request. */
  readonly pageSize: number | undefined;
  /** What a cursor of this read must match. */
  readonly scope: CursorScope;
}

/**
 * What a cursor is bound to: a cursor of another model, index, partition or segmentation is
 * refused, and so is one of this partition read with another `where`, `filter`, direction or
 * projection (`shape`): resumed under another key condition DynamoDB refuses the start key, and
 * read in the other direction it would silently skip items.
 */
export interface CursorScope {
  readonly model: string;
  readonly operation: 'Query' | 'Scan';
  readonly index: string | undefined;
  readonly partition: Item | undefined;
  readonly totalSegments: number | undefined;
  /** A digest of the request's members that shape the sequence of pages (`readShape`). */
  readonly shape: string;
}

/**
 * A digest of what shapes a read's sequence of items: its key condition, filter, projection,
 * direction and their placeholders. Left out: the table name (the model is checked apart, and a
 * prefix may differ between environments) and `ConsistentRead`, which changes no order.
 */
export function readShape(params: QueryCommandInput | ScanCommandInput): string {
  const { TableName: _table, ConsistentRead: _consistent, ...shaping } = params as QueryCommandInput;
  const text = JSON.stringify(shaping, (_key, value: unknown) =>
    value instanceof Uint8Array ? Buffer.from(value).toString('base64') : value,
  );
  return createHash('sha256').update(text).digest('base64url').slice(0, 16);
}

/** The index (or the table) a read runs on: its key, and what its items hold. */
export interface ReadTarget {
  readonly index: IndexSchema | undefined;
  readonly key: KeyTarget;
  readonly keyNames: readonly string[];
  /** What items read through it hold; `undefined` for whole items. */
  readonly projected: ReadonlySet<string> | undefined;
}

function readTarget(schema: ModelSchema, indexName: string | undefined): ReadTarget {
  const tableKeys = keyAttributeNames(schema);
  if (indexName === undefined) {
    return {
      index: undefined,
      key: { label: 'the table', hash: [schema.hashKey], range: schema.rangeKey ? [schema.rangeKey] : [] },
      keyNames: tableKeys,
      projected: undefined,
    };
  }
  const index = schema.indexes.get(indexName);
  if (!index) {
    const known = [...schema.indexes.keys()];
    throw modelValidationError(
      schema,
      `has no index "${indexName}" (${known.length > 0 ? `its indexes: ${known.join(', ')}` : 'it declares no @Index'})`,
      'unknown-index',
    );
  }
  const indexKeys = [...index.hash, ...index.range].map((field) => field.name);
  return {
    index,
    key: { label: `index "${index.name}"`, hash: index.hash, range: index.range },
    keyNames: [...new Set([...tableKeys, ...indexKeys])],
    projected: index.projected,
  };
}

/** Checks a count option: a whole number of at least 1. */
export function checkCount(schema: ModelSchema, name: string, value: number | undefined): number | undefined {
  if (value !== undefined && (!Number.isInteger(value) || value < 1)) {
    throw modelValidationError(schema, `${name} must be a whole number of at least 1, got ${String(value)}`, name);
  }
  return value;
}

/** What queries and scans share, before encoding. */
export interface ReadRequest {
  readonly index?: string | undefined;
  readonly filter?: Condition | undefined;
  readonly consistent?: boolean | undefined;
  readonly projection?: readonly string[] | undefined;
  readonly limit?: number | undefined;
  readonly pageSize?: number | undefined;
  /**
   * A read over several models (a collection, `model/collection.ts`): its filter, compiled by the
   * caller through the request's placeholders, instead of `filter`.
   */
  readonly compileFilter?: ((placeholders: Placeholders) => string) | undefined;
  /** Likewise: the stored names to read, instead of `projection`. */
  readonly projectedNames?: readonly string[] | undefined;
}

/** The read's target, refusing a consistent read of a global index (DynamoDB has none). */
export function checkedReadTarget(schema: ModelSchema, request: ReadRequest): ReadTarget {
  const target = readTarget(schema, request.index);
  if (request.consistent && target.index?.kind === 'global') {
    throw modelValidationError(
      schema,
      `index "${target.index.name}" is global, and DynamoDB has no consistent reads of global indexes`,
      'consistent-index',
    );
  }
  return target;
}

/**
 * Builds a read's plan: `members` adds what is particular to the operation (a query's key
 * condition) through the same placeholder allocator as the filter and the projection. The count
 * request is built apart, with its own placeholders: without a projection, its names would
 * otherwise be unused, which DynamoDB rejects.
 */
export function buildReadPlan(
  schema: ModelSchema,
  tableName: string,
  target: ReadTarget,
  request: ReadRequest,
  particular: {
    readonly operation: 'Query' | 'Scan';
    readonly segments: ReadPlan['segments'];
    readonly totalSegments: number | undefined;
    readonly partition: Item | undefined;
    readonly members: (placeholders: Placeholders) => Partial<QueryCommandInput>;
  },
): ReadPlan {
  const build = (count: boolean): QueryCommandInput => {
    const placeholders = new Placeholders();
    const members = particular.members(placeholders);
    const filter = request.compileFilter
      ? request.compileFilter(placeholders)
      : request.filter
        ? compileCondition(schema, request.filter, placeholders)
        : undefined;
    const projection = count
      ? undefined
      : request.projectedNames
        ? { expression: request.projectedNames.map((name) => placeholders.name(name)).join(', ') }
        : request.projection
          ? compileProjection(schema, request.projection, target.keyNames, placeholders, allowedNames(target))
          : undefined;
    return checkExpressionSizes(schema, {
      TableName: tableName,
      ...(target.index ? { IndexName: target.index.name } : {}),
      ...members,
      ...(filter !== undefined ? { FilterExpression: filter } : {}),
      ...(projection ? { ProjectionExpression: projection.expression } : {}),
      ...(count ? { Select: 'COUNT' as const } : {}),
      ...(request.consistent ? { ConsistentRead: true } : {}),
      ...placeholders.params(),
    });
  };
  const params = build(false);
  return {
    operation: particular.operation,
    params,
    countParams: build(true),
    segments: particular.segments,
    filtered: request.filter !== undefined || request.compileFilter !== undefined,
    keyNames: target.keyNames,
    partial: partialNames(schema, target, request.projection),
    limit: checkCount(schema, 'limit', request.limit),
    pageSize: checkCount(schema, 'pageSize', request.pageSize),
    scope: {
      model: schema.model,
      operation: particular.operation,
      index: target.index?.name,
      partition: particular.partition,
      totalSegments: particular.totalSegments,
      shape: readShape(params),
    },
  };
}

/** What items of a read hold when they are partial: the projection (with the keys), or the index's projection. */
function partialNames(
  schema: ModelSchema,
  target: ReadTarget,
  projection: readonly string[] | undefined,
): ReadonlySet<string> | undefined {
  if (!projection) return target.projected;
  const names = new Set(target.keyNames);
  for (const name of entityProjected(schema)) names.add(name);
  for (const property of projection) {
    const field = schema.byProperty.get(property);
    if (field) names.add(field.name);
  }
  return names;
}

/** A global index holds only what it projects; a local one fetches the rest from the table. */
export function allowedNames(target: ReadTarget): { names: ReadonlySet<string>; label: string } | undefined {
  return target.index?.kind === 'global' && target.projected
    ? { names: target.projected, label: `index "${target.index.name}"` }
    : undefined;
}
