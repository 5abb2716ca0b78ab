import type { Item } from '../../codecs/object-codec';
import { compileKeyCondition } from '../../expressions/compile-key-condition';
import type { Condition } from '../../expressions/condition';
import type { ModelSchema } from '../../schema/compile-model';
import { encodeKeyPart, isKeyObject } from '../key';
import { modelValidationError } from '../to-validation-error';
import { buildReadPlan, checkedReadTarget, type ReadPlan, type ReadRequest, type ReadTarget } from '../read/read-plan';

/** A query as the model layer has it, before encoding. */
export interface QueryRequest extends ReadRequest {
  /** The partition: a value (one partition key attribute) or an object holding its properties. */
  readonly partition: unknown;
  /** The sort key condition. */
  readonly where?: Condition | undefined;
  readonly reverse?: boolean | undefined;
}

/**
 * A query's plan: the partition encoded through the key codecs, the sort key condition (`where`),
 * the filter and the projection compiled through one placeholder allocator each, and every refusal
 * (unknown index, a consistent read of a global index, a bad key or condition) raised here, before
 * anything is sent.
 */
export function queryParams(schema: ModelSchema, tableName: string, request: QueryRequest): ReadPlan {
  const target = checkedReadTarget(schema, request);
  const partition = encodePartition(schema, target, request.partition);
  return buildReadPlan(schema, tableName, target, request, {
    operation: 'Query',
    segments: [undefined],
    totalSegments: undefined,
    partition,
    members: (placeholders) => ({
      KeyConditionExpression: compileKeyCondition(schema, target.key, partition, request.where, placeholders),
      ...(request.reverse ? { ScanIndexForward: false } : {}),
    }),
  });
}

function encodePartition(schema: ModelSchema, target: ReadTarget, partition: unknown): Item {
  const fields = target.key.hash;
  const encoded: Item = {};
  if (!isKeyObject(partition)) {
    if (fields.length > 1) {
      throw modelValidationError(
        schema,
        `${target.key.label} has a partition key of ${fields.length} attributes (${fields.map((f) => f.property).join(', ')}): pass an object holding each`,
        'key-arity',
      );
    }
    const [field] = fields as [(typeof fields)[number]];
    encoded[field.name] = encodeKeyPart(schema, field, partition);
    return encoded;
  }
  const expected = new Set(fields.map((field) => field.property));
  for (const property of Object.keys(partition)) {
    // Nothing given is dropped: a sort key value here would otherwise be silently ignored.
    if (!expected.has(property)) {
      throw modelValidationError(
        schema,
        `"${property}" is not part of the partition key of ${target.key.label} (${[...expected].join(', ')}); ` +
          'conditions on the sort key go in where, others in filter',
        'key-arity',
        property,
      );
    }
  }
  for (const field of fields) {
    encoded[field.name] = encodeKeyPart(schema, field, partition[field.property]);
  }
  return encoded;
}
