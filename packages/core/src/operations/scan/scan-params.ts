import type { ModelSchema } from '../../schema/compile-model';
import { modelValidationError } from '../to-validation-error';
import { buildReadPlan, checkCount, checkedReadTarget, type ReadPlan, type ReadRequest } from '../read/read-plan';

/** A scan as the model layer has it. */
export interface ScanRequest extends ReadRequest {
  /** Split the scan into this many segments, read in parallel. */
  readonly segments?: number | undefined;
  /** Read only this segment of `segments` (one worker's share). */
  readonly segment?: number | undefined;
}

/** DynamoDB's limit on `TotalSegments`. */
const MAX_SEGMENTS = 1_000_000;

/** A scan's plan: filter and projection compiled, segments checked, every refusal before sending. */
export function scanParams(schema: ModelSchema, tableName: string, request: ScanRequest): ReadPlan {
  const target = checkedReadTarget(schema, request);
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
  const segments =
    total === undefined
      ? [undefined]
      : request.segment !== undefined
        ? [[request.segment, total] as const]
        : Array.from({ length: total }, (_, segment) => [segment, total] as const);
  return buildReadPlan(schema, tableName, target, request, {
    operation: 'Scan',
    segments,
    totalSegments: total,
    partition: undefined,
    members: () => ({}),
  });
}
