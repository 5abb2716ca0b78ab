import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { Codec } from '../codecs/codec';
import { NULL_VALUE, numberCodec } from '../codecs/scalar-codecs';
import { modelValidationError } from '../operations/to-validation-error';
import type { ModelSchema } from '../schema/compile-model';
import type { Condition } from './condition';
import { encodeAtPath, pathExpression, resolvePath, type ResolvedPath } from './path';
import type { Placeholders } from './placeholders';

/** DynamoDB's limit on the operands of `IN` (docs/reliability.md §1). */
const MAX_IN_OPERANDS = 100;
const STORED_TYPES = new Set(['S', 'SS', 'N', 'NS', 'B', 'BS', 'BOOL', 'NULL', 'L', 'M']);

/**
 * Compiles a condition into expression text, with every name and value through `placeholders`
 * and every value encoded by the codec of the attribute it is compared with. No term is ever left
 * out: a value with no stored form is "absent" where that has a meaning (`eq`/`ne`), and a
 * `ValidationError` naming the model and path everywhere else.
 */
export function compileCondition(schema: ModelSchema, condition: Condition, placeholders: Placeholders): string {
  switch (condition.kind) {
    case 'and':
    case 'or': {
      if (condition.terms.length === 0) {
        throw modelValidationError(schema, `${condition.kind}() needs at least one condition`, 'condition');
      }
      const joiner = condition.kind === 'and' ? ' AND ' : ' OR ';
      const terms = condition.terms.map((term) => compileCondition(schema, term, placeholders));
      return terms.length === 1 ? (terms[0] as string) : `(${terms.join(joiner)})`;
    }
    case 'not':
      return `(NOT ${compileCondition(schema, condition.term, placeholders)})`;
    case 'exists':
    case 'notExists': {
      const path = pathExpression(resolvePath(schema, condition.path), placeholders);
      return `${condition.kind === 'exists' ? 'attribute_exists' : 'attribute_not_exists'}(${path})`;
    }
    case 'attributeType': {
      const resolved = resolvePath(schema, condition.path);
      if (!STORED_TYPES.has(condition.type)) {
        throw modelValidationError(
          schema,
          `"${String(condition.type)}" is not a DynamoDB type`,
          'condition',
          resolved.text,
        );
      }
      return `attribute_type(${pathExpression(resolved, placeholders)}, ${placeholders.value({ S: condition.type })})`;
    }
    case 'beginsWith': {
      const resolved = resolvePath(schema, condition.path);
      if (typeof condition.prefix !== 'string' || condition.prefix === '') {
        throw modelValidationError(schema, 'beginsWith needs a non-empty string prefix', 'condition', resolved.text);
      }
      return `begins_with(${pathExpression(resolved, placeholders)}, ${placeholders.value({ S: condition.prefix })})`;
    }
    case 'contains': {
      const resolved = resolvePath(schema, condition.path);
      // A set or list is searched for an element (encoded like one); a string for a substring.
      const codec = resolved.codec.element ?? resolved.codec;
      const value = encodeOperand(schema, resolved, codec, condition.value, 'contains');
      return `contains(${pathExpression(resolved, placeholders)}, ${placeholders.value(value)})`;
    }
    case 'in': {
      const resolved = resolvePath(schema, condition.path);
      if (condition.values.length === 0 || condition.values.length > MAX_IN_OPERANDS) {
        throw modelValidationError(
          schema,
          `in() takes 1 to ${MAX_IN_OPERANDS} values, got ${condition.values.length}`,
          'condition',
          resolved.text,
        );
      }
      const values = condition.values.map((value) =>
        placeholders.value(encodeOperand(schema, resolved, resolved.codec, value, 'in')),
      );
      return `${pathExpression(resolved, placeholders)} IN (${values.join(', ')})`;
    }
    case 'between': {
      const resolved = resolvePath(schema, condition.path);
      const codec = condition.size ? numberCodec : resolved.codec;
      const low = encodeOperand(schema, resolved, codec, condition.low, 'between');
      const high = encodeOperand(schema, resolved, codec, condition.high, 'between');
      const subject = condition.size
        ? `size(${pathExpression(resolved, placeholders)})`
        : pathExpression(resolved, placeholders);
      return `${subject} BETWEEN ${placeholders.value(low)} AND ${placeholders.value(high)}`;
    }
    case 'compare': {
      const resolved = resolvePath(schema, condition.path);
      const path = pathExpression(resolved, placeholders);
      if (condition.size) {
        return `size(${path}) ${condition.op} ${placeholders.value(encodeOperand(schema, resolved, numberCodec, condition.value, 'size'))}`;
      }
      const encoded = condition.value === null ? NULL_VALUE : encodeAtPath(schema, resolved, condition.value);
      if (encoded === undefined) {
        // Nothing stored can equal "nothing": equality with it means the attribute is absent.
        if (condition.op === '=') return `attribute_not_exists(${path})`;
        if (condition.op === '<>') return `attribute_exists(${path})`;
        throw modelValidationError(
          schema,
          `cannot compare with ${condition.value === undefined ? 'undefined' : 'an empty set'} using ${condition.op}`,
          'condition-value',
          resolved.text,
        );
      }
      return `${path} ${condition.op} ${placeholders.value(encoded)}`;
    }
  }
}

function encodeOperand(
  schema: ModelSchema,
  path: ResolvedPath,
  codec: Codec,
  value: unknown,
  what: string,
): AttributeValue {
  const encoded = value === null ? NULL_VALUE : encodeAtPath(schema, path, value, codec);
  if (encoded === undefined) {
    throw modelValidationError(
      schema,
      `${what} needs a value, got ${value === undefined ? 'undefined' : 'an empty set'}`,
      'condition-value',
      path.text,
    );
  }
  return encoded;
}
