import type { ModelSchema } from '../schema/compile-model';
import { compileCondition } from '../expressions/compile-condition';
import type { Condition } from '../expressions/condition';
import type { Placeholders } from '../expressions/placeholders';
import type { EntitySchema } from '../single-table/compile-entity';
import { lineageOf } from '../single-table/entity-registry';

/** What a write requires of the stored item, besides the caller's own condition. */
export type Existence = 'absent' | 'present' | undefined;

/**
 * The `ConditionExpression` of a write: an existence check on the hash key (a stored item always
 * has its hash key, so `attribute_exists(hash)` means "an item is stored under this key") joined by
 * AND to the caller's condition; `undefined` when there is neither. A write of an entity of a shared
 * table (other than a create, which requires absence) also requires that the stored item, if any,
 * be of its lineage (`entityGuard`), so overlapping key templates can never let one entity replace
 * another's item.
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
  if (schema.entity && existence !== 'absent') terms.push(entityGuard(schema, placeholders, existence === 'present'));
  if (condition) terms.push(compileCondition(schema, condition, placeholders));
  return terms.length > 0 ? terms.join(' AND ') : undefined;
}

/**
 * What an entity's write requires of the stored item: none, or one whose entity attribute names the
 * writing entity, its parent entities or their subclasses (`lineageOf`: a `Vehicle` may be stored
 * again as a `Car`). Met again by the same request re-sent, so it keeps a write re-sendable.
 */
function entityGuard(schema: ModelSchema, placeholders: Placeholders, present: boolean): string {
  const entity = schema.entity as EntitySchema;
  const { names } = lineageOf(entity.table, entity.name, entity.cls);
  const attribute = placeholders.name(entity.entityAttribute);
  const values = names.map((name) => placeholders.value({ S: name }));
  let same = values.length === 1 ? `${attribute} = ${values[0] as string}` : `${attribute} IN (${values.join(', ')})`;
  // An entity that recognises items without the attribute (`match`: a table written before
  // Dynamodel) may replace one; its write stores the attribute from then on.
  if (entity.recognizes) same = `(${same} OR attribute_not_exists(${attribute}))`;
  return present ? same : `(attribute_not_exists(${placeholders.name(schema.hashKey.name)}) OR ${same})`;
}
