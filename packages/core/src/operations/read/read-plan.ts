import type { QueryCommandInput, ScanCommandInput } from '@aws-sdk/client-dynamodb';
import type { Item } from '../../codecs/object-codec';
import type { IndexSchema } from '../../schema/compile-indexes';
import type { ModelSchema } from '../../schema/compile-model';
import { modelValidationError } from '../to-validation-error';
import type { KeyTarget } from '../../expressions/compile-key-condition';

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

/** What a cursor is bound to: a cursor of another model, index, partition or segmentation is refused. */
export interface CursorScope {
  readonly model: string;
  readonly operation: 'Query' | 'Scan';
  readonly index: string | undefined;
  readonly partition: Item | undefined;
  readonly totalSegments: number | undefined;
}

/** The index (or the table) a read runs on: its key, and what its items hold. */
export interface ReadTarget {
  readonly index: IndexSchema | undefined;
  readonly key: KeyTarget;
  readonly keyNames: readonly string[];
  /** What items read through it hold; `undefined` for whole items. */
  readonly projected: ReadonlySet<string> | undefined;
}

export function readTarget(schema: ModelSchema, indexName: string | undefined): ReadTarget {
  const tableKeys = [schema.hashKey.name, ...(schema.rangeKey ? [schema.rangeKey.name] : [])];
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
