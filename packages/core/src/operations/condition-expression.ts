import type { ModelSchema } from '../schema/compile-model';
import { compileCondition } from '../expressions/compile-condition';
import type { Condition } from '../expressions/condition';
import type { Placeholders } from '../expressions/placeholders';

/** What a write requires of the stored item, besides the caller's own condition. */
export type Existence = 'absent' | 'present' | undefined;

/**
 * The `ConditionExpression` of a write: an existence check on the hash key (a stored item always
 * has its hash key, so `attribute_exists(hash)` means "an item is stored under this key") joined by
 * AND to the caller's condition; `undefined` when there is neither.
 */
export function conditionExpression(
  schema: ModelSchema,
  placeholders: Placeholders,
  existence: Existence,
  condition: Condition | undefined,
): string | undefined {
  const terms: string[] = [];
  if (existence === 'absent') terms.push(`attribute_not_exists(${placeholders.name(schema.hashKey.name)})`);
  if (existence === 'present') terms.push(`attribute_exists(${placeholders.name(schema.hashKey.name)})`);
  if (condition) terms.push(compileCondition(schema, condition, placeholders));
  return terms.length > 0 ? terms.join(' AND ') : undefined;
}
