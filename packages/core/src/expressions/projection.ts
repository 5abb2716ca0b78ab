import type { Placeholders } from './placeholders';
import { modelValidationError } from '../operations/to-validation-error';
import type { ModelSchema } from '../schema/compile-model';

/** A compiled projection: the expression, and every stored name it asks for. */
export interface CompiledProjection {
  readonly expression: string;
  readonly names: ReadonlySet<string>;
}

/**
 * A `ProjectionExpression` of the given properties plus `always` (the key attributes, so a projected
 * instance can still be saved, reloaded and used as a cursor) and, for an entity, its entity
 * attribute (what a read dispatches on) and its key templates' attributes, every name through
 * `placeholders`.
 * `allowed`, when given, is what an index holds: asking it for more is refused, since a global
 * index would silently return nothing for it.
 */
export function compileProjection(
  schema: ModelSchema,
  properties: readonly string[],
  always: readonly string[],
  placeholders: Placeholders,
  allowed?: { readonly names: ReadonlySet<string>; readonly label: string },
): CompiledProjection {
  if (properties.length === 0) throw modelValidationError(schema, 'projection names no attribute', 'projection');
  const names = new Set(always);
  for (const name of entityProjected(schema)) names.add(name);
  for (const property of properties) {
    const field = schema.byProperty.get(property);
    if (!field) {
      throw modelValidationError(
        schema,
        `projection names "${property}", which is not a declared attribute`,
        'projection',
      );
    }
    if (allowed && !allowed.names.has(field.name)) {
      throw modelValidationError(schema, `is not projected into ${allowed.label}`, 'projection', property);
    }
    names.add(field.name);
  }
  return { expression: [...names].map((name) => placeholders.name(name)).join(', '), names };
}

/**
 * What every projection includes besides the keys: an item's schema version, for a model that
 * migrates on read (whether it must be upgraded); for an entity, the entity attribute (what tells
 * its items from its subclasses' and other entities') and the attributes its key templates name
 * (what its key is computed from, so a partial instance can be saved and reloaded).
 */
export function entityProjected(schema: ModelSchema): readonly string[] {
  const { entity, upgrades } = schema;
  // An item's schema version decides whether it is upgraded (`@Table({ upgrades })`).
  const version = upgrades ? [upgrades.attribute] : [];
  if (!entity) return version;
  const names = [...version, entity.entityAttribute];
  for (const property of [...entity.hashKey.template.properties, ...(entity.rangeKey?.template.properties ?? [])]) {
    const field = schema.byProperty.get(property);
    if (field) names.push(field.name);
  }
  return names;
}
