import type { QueryCommandInput } from '@aws-sdk/client-dynamodb';
import type { Item } from '../../codecs/object-codec';
import { compileCondition } from '../../expressions/compile-condition';
import { compileKeyCondition } from '../../expressions/compile-key-condition';
import type { Condition } from '../../expressions/condition';
import { Placeholders } from '../../expressions/placeholders';
import { compileProjection } from '../../expressions/projection';
import type { ModelSchema } from '../../schema/compile-model';
import { encodeKeyPart, isKeyObject } from '../key';
import { modelValidationError } from '../to-validation-error';
import { checkCount, readTarget, type ReadPlan, type ReadTarget } from '../read/read-plan';

/** A query as the model layer has it, before encoding. */
export interface QueryRequest {
  readonly index?: string | undefined;
  /** The partition: a value (one partition key attribute) or an object holding its properties. */
  readonly partition: unknown;
  readonly where?: Condition | undefined;
  readonly filter?: Condition | undefined;
  readonly reverse?: boolean | undefined;
  readonly consistent?: boolean | undefined;
  readonly projection?: readonly string[] | undefined;
  readonly limit?: number | undefined;
  readonly pageSize?: number | undefined;
}

/**
 * A query's plan: the partition encoded through the key codecs, the sort key condition (`where`),
 * the filter and the projection compiled through one placeholder allocator each, and every refusal
 * (unknown index, a consistent read of a global index, a bad key or condition) raised here, before
 * anything is sent.
 */
export function queryParams(schema: ModelSchema, tableName: string, request: QueryRequest): ReadPlan {
  const target = readTarget(schema, request.index);
  if (request.consistent && target.index?.kind === 'global') {
    throw modelValidationError(
      schema,
      `index "${target.index.name}" is global, and DynamoDB has no consistent reads of global indexes`,
      'consistent-index',
    );
  }
  const partition = encodePartition(schema, target, request.partition);
  const build = (count: boolean): QueryCommandInput => {
    const placeholders = new Placeholders();
    const keyCondition = compileKeyCondition(schema, target.key, partition, request.where, placeholders);
    const filter = request.filter ? compileCondition(schema, request.filter, placeholders) : undefined;
    const projection =
      !count && request.projection
        ? compileProjection(schema, request.projection, target.keyNames, placeholders, allowedNames(target))
        : undefined;
    return {
      TableName: tableName,
      ...(target.index ? { IndexName: target.index.name } : {}),
      KeyConditionExpression: keyCondition,
      ...(filter !== undefined ? { FilterExpression: filter } : {}),
      ...(projection ? { ProjectionExpression: projection.expression } : {}),
      ...(count ? { Select: 'COUNT' as const } : {}),
      ...(request.reverse ? { ScanIndexForward: false } : {}),
      ...(request.consistent ? { ConsistentRead: true } : {}),
      ...placeholders.params(),
    };
  };
  const params = build(false);
  return {
    operation: 'Query',
    params,
    countParams: build(true),
    segments: [undefined],
    filtered: request.filter !== undefined,
    keyNames: target.keyNames,
    partial: partialNames(schema, target, request.projection),
    limit: checkCount(schema, 'limit', request.limit),
    pageSize: checkCount(schema, 'pageSize', request.pageSize),
    scope: { model: schema.model, operation: 'Query', index: target.index?.name, partition, totalSegments: undefined },
  };
}

/** What items of a read hold when they are partial: the projection (with the keys), or the index's projection. */
export function partialNames(
  schema: ModelSchema,
  target: ReadTarget,
  projection: readonly string[] | undefined,
): ReadonlySet<string> | undefined {
  if (!projection) return target.projected;
  const names = new Set(target.keyNames);
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
