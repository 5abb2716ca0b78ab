import type { ScanCommandInput } from '@aws-sdk/client-dynamodb';
import { compileCondition } from '../../expressions/compile-condition';
import type { Condition } from '../../expressions/condition';
import { Placeholders } from '../../expressions/placeholders';
import { compileProjection } from '../../expressions/projection';
import type { ModelSchema } from '../../schema/compile-model';
import { modelValidationError } from '../to-validation-error';
import { allowedNames, partialNames } from '../query/query-params';
import { checkCount, readTarget, type ReadPlan } from '../read/read-plan';

/** A scan as the model layer has it. */
export interface ScanRequest {
  readonly index?: string | undefined;
  readonly filter?: Condition | undefined;
  readonly consistent?: boolean | undefined;
  readonly projection?: readonly string[] | undefined;
  readonly limit?: number | undefined;
  readonly pageSize?: number | undefined;
  /** Split the scan into this many segments, read in parallel. */
  readonly segments?: number | undefined;
  /** Read only this segment of `segments` (one worker's share). */
  readonly segment?: number | undefined;
}

/** DynamoDB's limit on `TotalSegments`. */
const MAX_SEGMENTS = 1_000_000;

/** A scan's plan: filter and projection compiled, segments checked, every refusal before sending. */
export function scanParams(schema: ModelSchema, tableName: string, request: ScanRequest): ReadPlan {
  const target = readTarget(schema, request.index);
  if (request.consistent && target.index?.kind === 'global') {
    throw modelValidationError(
      schema,
      `index "${target.index.name}" is global, and DynamoDB has no consistent reads of global indexes`,
      'consistent-index',
    );
  }
  const total = checkCount(schema, 'segments', request.segments);
  if (total !== undefined && total > MAX_SEGMENTS) {
    throw modelValidationError(schema, `segments is at most ${MAX_SEGMENTS}`, 'segments');
  }
  if (request.segment !== undefined) {
    if (total === undefined || !Number.isInteger(request.segment) || request.segment < 0 || request.segment >= total) {
      throw modelValidationError(
        schema,
        `segment must be a whole number from 0 to segments - 1 (segments: ${String(total)}), got ${String(request.segment)}`,
        'segments',
      );
    }
  }
  const build = (count: boolean): ScanCommandInput => {
    const placeholders = new Placeholders();
    const filter = request.filter ? compileCondition(schema, request.filter, placeholders) : undefined;
    const projection =
      !count && request.projection
        ? compileProjection(schema, request.projection, target.keyNames, placeholders, allowedNames(target))
        : undefined;
    return {
      TableName: tableName,
      ...(target.index ? { IndexName: target.index.name } : {}),
      ...(filter !== undefined ? { FilterExpression: filter } : {}),
      ...(projection ? { ProjectionExpression: projection.expression } : {}),
      ...(count ? { Select: 'COUNT' as const } : {}),
      ...(request.consistent ? { ConsistentRead: true } : {}),
      ...placeholders.params(),
    };
  };
  const segments =
    total === undefined
      ? [undefined]
      : request.segment !== undefined
        ? [[request.segment, total] as const]
        : Array.from({ length: total }, (_, segment) => [segment, total] as const);
  return {
    operation: 'Scan',
    params: build(false),
    countParams: build(true),
    segments,
    filtered: request.filter !== undefined,
    keyNames: target.keyNames,
    partial: partialNames(schema, target, request.projection),
    limit: checkCount(schema, 'limit', request.limit),
    pageSize: checkCount(schema, 'pageSize', request.pageSize),
    scope: {
      model: schema.model,
      operation: 'Scan',
      index: target.index?.name,
      partition: undefined,
      totalSegments: total,
    },
  };
}
