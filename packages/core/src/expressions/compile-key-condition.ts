import type { Item } from '../codecs/object-codec';
import { modelValidationError } from '../operations/to-validation-error';
import type { CompiledField } from '../schema/compile-fields';
import type { ModelSchema } from '../schema/compile-model';
import { compileCondition } from './compile-condition';
import type { Condition } from './condition';
import { parsePath } from './path';
import type { Placeholders } from './placeholders';

/** The key a query runs on: the table's or an index's partition and sort key fields, in key order. */
export interface KeyTarget {
  /** `the table` or `index "byAuthor"`, for messages. */
  readonly label: string;
  readonly hash: readonly CompiledField[];
  readonly range: readonly CompiledField[];
}

/**
 * A query's `KeyConditionExpression`: equality on every partition key attribute (from `partition`,
 * already encoded by the key codecs), and `where` on the sort key. DynamoDB accepts, on the sort
 * key attributes in key order, equalities on a leading part and one range (`<`, `<=`, `>`, `>=`,
 * `between`, `beginsWith`) on the attribute after them; anything else in `where` (another
 * attribute, `or`, `not`, `ne`, `size`, a skipped attribute) is a `ValidationError` before sending —
 * conditions on other attributes go in `filter`.
 */
export function compileKeyCondition(
  schema: ModelSchema,
  target: KeyTarget,
  partition: Item,
  where: Condition | undefined,
  placeholders: Placeholders,
): string {
  const terms = target.hash.map(
    (field) =>
      `${placeholders.name(field.name)} = ${placeholders.value(partition[field.name] as NonNullable<Item[string]>)}`,
  );
  if (where === undefined) return terms.join(' AND ');
  const fail = (message: string): never => {
    throw modelValidationError(
      schema,
      `where: ${message}; it takes conditions on the sort key of ${target.label} ` +
        `(${target.range.map((field) => field.property).join(', ') || 'which has none'}) — use filter for other attributes`,
      'key-condition',
    );
  };
  const byField = new Map<CompiledField, Condition>();
  for (const term of flattenAnd(where)) {
    if (term.kind !== 'compare' && term.kind !== 'between' && term.kind !== 'beginsWith') {
      return fail(`${term.kind} cannot be part of a key condition`);
    }
    const path = parsePath(term.path);
    const field = target.range.find((candidate) => candidate.property === path[0]);
    if (!field || path.length !== 1) fail(`"${String(path.join('.'))}" is not a sort key attribute`);
    if ((term.kind === 'compare' || term.kind === 'between') && term.size)
      fail('size() cannot be part of a key condition');
    if (term.kind === 'compare' && term.op === '<>') fail('ne cannot be part of a key condition');
    if (term.kind === 'beginsWith' && field?.codec.storedType !== 'S') fail('beginsWith works on string sort keys');
    if (byField.has(field as CompiledField)) fail(`two conditions on ${field?.property ?? ''}`);
    byField.set(field as CompiledField, term);
  }
  // Key order: equalities on a leading run of attributes, then at most one range, nothing after it.
  let ended = false;
  for (const field of target.range) {
    const term = byField.get(field);
    if (!term) {
      ended = true;
      continue;
    }
    if (ended) fail(`${field.property} is conditioned but an earlier sort key attribute is not`);
    const equality = term.kind === 'compare' && term.op === '=';
    if (!equality) ended = true;
    terms.push(compileCondition(schema, term, placeholders));
  }
  return terms.join(' AND ');
}

function flattenAnd(condition: Condition): Condition[] {
  return condition.kind === 'and' ? condition.terms.flatMap(flattenAnd) : [condition];
}
