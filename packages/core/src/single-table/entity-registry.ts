import { ModelDefinitionError } from '../errors/model-definition-error';
import type { AnyClass } from '../metadata/options';
import type { SharedTable } from './define-table';

/**
 * The entities declared on each shared table, by entity name, recorded when `@Entity` runs (at
 * class definition). A read dispatches on the stored entity name through it: an item of `Car` read
 * through `Vehicle` becomes a `Car`.
 */
interface TableEntities {
  readonly byName: Map<string, AnyClass>;
  /** Bumped on every registration: families computed before it are computed again. */
  version: number;
}

const registries = new WeakMap<SharedTable, TableEntities>();

function registryOf(table: SharedTable): TableEntities {
  let registry = registries.get(table);
  if (!registry) {
    registry = { byName: new Map(), version: 0 };
    registries.set(table, registry);
  }
  return registry;
}

/**
 * Records `cls` as entity `name` of `table`. Two classes under one name would make every read of
 * that name ambiguous: a `ModelDefinitionError` at the second class's definition.
 */
export function registerEntity(table: SharedTable, name: string, cls: AnyClass): void {
  const registry = registryOf(table);
  const other = registry.byName.get(name);
  if (other !== undefined && other !== cls) {
    throw new ModelDefinitionError(
      `is entity "${name}" of table ${table.name}, but ${other.name || 'another class'} already is: give one of them another name (@Entity(table, { name }))`,
      { model: cls.name || 'anonymous model', rule: 'entity-name' },
    );
  }
  registry.byName.set(name, cls);
  registry.version++;
}

/** The entity registered under `name` on `table`, if any. */
export function entityClass(table: SharedTable, name: string): AnyClass | undefined {
  return registries.get(table)?.byName.get(name);
}

/** Every entity declared on `table`, in declaration order. */
export function entityClasses(table: SharedTable): readonly AnyClass[] {
  return [...(registries.get(table)?.byName.values() ?? [])];
}

/** An entity and its subclasses declared on the same table: what a read through the entity yields. */
export interface EntityFamily {
  /** Entity name → class, the entity itself first. */
  readonly classes: ReadonlyMap<string, AnyClass>;
  /** The names, for the filter of a read and the guard of a write. */
  readonly names: readonly string[];
}

const families = new WeakMap<AnyClass, { readonly version: number; readonly family: EntityFamily }>();

/**
 * `cls` (entity `name` of `table`) and every entity of the table whose class extends it. Computed
 * again only after a new entity was declared, so it costs a lookup on the write path.
 */
export function familyOf(table: SharedTable, name: string, cls: AnyClass): EntityFamily {
  const registry = registryOf(table);
  const known = families.get(cls);
  if (known && known.version === registry.version) return known.family;
  const classes = new Map<string, AnyClass>([[name, cls]]);
  for (const [other, otherClass] of registry.byName) {
    if (otherClass !== cls && Object.prototype.isPrototypeOf.call(cls.prototype, otherClass.prototype)) {
      classes.set(other, otherClass);
    }
  }
  const family = Object.freeze({ classes, names: Object.freeze([...classes.keys()]) });
  families.set(cls, { version: registry.version, family });
  return family;
}

/**
 * The family of the topmost entity `cls` descends from on the same table (`Vehicle` for `Car`):
 * the entities one key may hold in turn. A write replaces an item of any of them (a `Vehicle`
 * stored again as a `Car`), never an item of an unrelated entity.
 */
export function lineageOf(table: SharedTable, name: string, cls: AnyClass): EntityFamily {
  const registry = registryOf(table);
  const known = lineages.get(cls);
  if (known && known.version === registry.version) return known.family;
  const registered = new Map([...registry.byName].map(([entity, entityClass]) => [entityClass, entity]));
  let root: AnyClass = cls;
  let rootName = name;
  for (
    let link = Object.getPrototypeOf(cls) as unknown;
    typeof link === 'function';
    link = Object.getPrototypeOf(link)
  ) {
    const entity = registered.get(link as AnyClass);
    if (entity !== undefined) {
      root = link as AnyClass;
      rootName = entity;
    }
  }
  const family = familyOf(table, rootName, root);
  lineages.set(cls, { version: registry.version, family });
  return family;
}

const lineages = new WeakMap<AnyClass, { readonly version: number; readonly family: EntityFamily }>();
