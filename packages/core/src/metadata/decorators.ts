import { ModelDefinitionError } from '../errors/model-definition-error';
import type { AnyClass, AttributeOptions, IndexOptions, KeyOptions, TableOptions } from './options';
import type { EntityOptions } from '../single-table/compile-entity';
import { registerEntity } from '../single-table/entity-registry';
import type { SharedTable } from '../single-table/define-table';
import {
  type ClassDeclaration,
  declarationFor,
  declareAttribute,
  type AttributeDeclaration,
  type IndexMembership,
  type KeyRole,
  type LifecycleRole,
} from './registry';

/**
 * A property decorator that works under both decorator flavours: TypeScript's
 * `experimentalDecorators` (called with the prototype and the property name; the type comes from
 * `emitDecoratorMetadata`) and TC39 standard decorators, as TypeScript 5 without the flag, esbuild,
 * tsx and vitest compile them (called with `undefined` and a context; no type metadata, so the
 * attribute needs an explicit `type`).
 */
export interface PropertyDecorator {
  (target: object, propertyKey: string | symbol): void;
  <This, Value>(value: undefined, context: ClassFieldDecoratorContext<This, Value>): void;
}

/** A class decorator for both flavours. */
export interface ClassDecorator {
  <C extends AnyClass>(cls: C): void;
  <C extends AnyClass>(cls: C, context: ClassDecoratorContext<C>): void;
}

function isStandardContext(value: unknown): value is DecoratorContext {
  return typeof value === 'object' && value !== null && 'kind' in value;
}

function propertyDecorator(
  options: AttributeOptions,
  role?: KeyRole,
  index?: IndexMembership,
  lifecycle?: LifecycleRole,
  impliedType?: unknown,
): PropertyDecorator {
  return ((target: object | undefined, keyOrContext: string | symbol | DecoratorContext): void => {
    if (isStandardContext(keyOrContext)) {
      // No type metadata under TC39 decorators: a lifecycle attribute's type goes without saying.
      if (impliedType && options.type === undefined && options.codec === undefined) {
        options = { ...options, type: impliedType as AttributeOptions['type'] };
      }
      if ((keyOrContext.kind !== 'field' && keyOrContext.kind !== 'accessor') || keyOrContext.static) {
        throw new TypeError(`Dynamodel attribute decorators go on instance fields, not on a ${keyOrContext.kind}`);
      }
      const metadata = keyOrContext.metadata as object | undefined;
      if (!metadata) throw new TypeError('TC39 decorator metadata (Symbol.metadata) is not available');
      declareAttribute(metadata, keyOrContext.name, { options, role, index, lifecycle });
      return;
    }
    if (typeof target === 'function') {
      throw new TypeError(`static property ${String(keyOrContext)} cannot be a stored attribute`);
    }
    const cls = (target as { constructor: AnyClass }).constructor;
    const designType: unknown = Reflect.getMetadata('design:type', target as object, keyOrContext) ?? impliedType;
    declareAttribute(cls, keyOrContext, { options, role, designType, index, lifecycle });
  }) as PropertyDecorator;
}

/** Declares a stored attribute. The type comes from TypeScript's metadata unless `type` is given. */
export function Attribute<T = unknown>(options: AttributeOptions<T> = {}): PropertyDecorator {
  return propertyDecorator(options as AttributeOptions);
}

/** The partition (hash) key: always present, stored as S, N or B. */
export function HashKey<T = unknown>(options: KeyOptions<T> = {}): PropertyDecorator {
  return propertyDecorator(options as AttributeOptions, 'hash');
}

/** The sort (range) key: always present, stored as S, N or B. */
export function RangeKey<T = unknown>(options: KeyOptions<T> = {}): PropertyDecorator {
  return propertyDecorator(options as AttributeOptions, 'range');
}

/**
 * Makes the property a key of the secondary index `name`: `{ hash: true }` for a global index's
 * partition key, `{ range: true }` for a sort key (an index with no `hash` property is local: it
 * shares the table's partition key). Items without the attribute are left out of the index (a
 * sparse index). Stack it with `@Attribute` for the attribute's own options; alone, it declares the
 * attribute with defaults.
 */
export function Index(name: string, options: IndexOptions): PropertyDecorator {
  return propertyDecorator({}, undefined, { index: name, options });
}

/**
 * Optimistic locking: a number the library keeps. The first write of an item requires that no item
 * is stored under its key and writes 1; every later `put`, `save` and `update` requires the version
 * the instance holds (or `expectedVersion`) and writes the next one; `delete` of an instance checks
 * it. A write that meets another version fails with `VersionConflictError`, and the instance keeps
 * its old version (so the caller re-reads and tries again). Batch writes refuse versioned models:
 * `BatchWriteItem` cannot carry the check.
 */
export function Version(options: Omit<AttributeOptions<number>, 'default' | 'nullable'> = {}): PropertyDecorator {
  return propertyDecorator({ ...options, optional: true } as AttributeOptions, undefined, undefined, 'version', Number);
}

/** When the item was first written: set by `create`, `put` and batches when the instance has none, and kept by updates. */
export function CreatedAt(options: Omit<AttributeOptions<Date>, 'default'> = {}): PropertyDecorator {
  return propertyDecorator(options as AttributeOptions, undefined, undefined, 'createdAt', Date);
}

/** When the item was last written: set by every write (`create`, `put`, `save`, `update`, batches, transactions). */
export function UpdatedAt(options: Omit<AttributeOptions<Date>, 'default'> = {}): PropertyDecorator {
  return propertyDecorator(options as AttributeOptions, undefined, undefined, 'updatedAt', Date);
}

/**
 * The item's expiry time (a `Date`, or a number of epoch seconds), stored as epoch seconds;
 * `syncTables` turns DynamoDB's TTL on for it. The same as `@Table({ ttl: 'property' })`.
 */
export function Ttl(options: Omit<AttributeOptions, 'default'> = {}): PropertyDecorator {
  return propertyDecorator(options, undefined, undefined, 'ttl');
}

/** The declaration that gives this attribute its type, for the missing-type message. */
function typeExample(attribute: AttributeDeclaration): string {
  const { lifecycle, options } = attribute;
  if (lifecycle.includes('ttl')) return '@Ttl({ type: Date }) (or type: Number for epoch seconds)';
  const decorator = attribute.roles.includes('hash')
    ? '@HashKey'
    : attribute.roles.includes('range')
      ? '@RangeKey'
      : '@Attribute';
  if (options.nullable) return `${decorator}({ type: String, nullable: true }) (the type it holds besides null)`;
  return `${decorator}({ type: String }) (the type it holds: String, Number, Date, Boolean…)`;
}

/**
 * Marks a class as a model stored in its own table. The class is compiled into a schema and codecs
 * at first use; this decorator only records the options and checks that every attribute it
 * declared has a type (so a missing `type` under TC39 decorators fails at class definition).
 */
export function Table(options: TableOptions = {}): ClassDecorator {
  return modelDecorator((declaration) => {
    declaration.table = options;
  });
}

/**
 * Marks a class as one entity of a table several models share (single-table design): its items
 * live in `table`, keyed by `options.keys` templates built from its attributes, and carry its name
 * in the table's entity attribute. A subclass of an entity declared with its own `@Entity` on the
 * same table inherits its keys (polymorphism): reads through the parent yield subclass instances.
 */
export function Entity(table: SharedTable, options: EntityOptions = {}): ClassDecorator {
  return modelDecorator((declaration, cls) => {
    registerEntity(table, options.name ?? cls.name, cls);
    const { cache, unknownProperties, unknownAttributes, upgrades } = options;
    const { billing, stream, warmThroughput, pointInTimeRecovery, deletionProtection, tableClass, tags } =
      table.options;
    declaration.table = {
      name: table.name,
      prefix: table.prefix,
      ...(billing !== undefined ? { billing } : {}),
      ...(stream !== undefined ? { stream } : {}),
      ...(warmThroughput !== undefined ? { warmThroughput } : {}),
      ...(pointInTimeRecovery !== undefined ? { pointInTimeRecovery } : {}),
      ...(deletionProtection !== undefined ? { deletionProtection } : {}),
      ...(tableClass !== undefined ? { tableClass } : {}),
      ...(tags !== undefined ? { tags } : {}),
      ...(cache !== undefined ? { cache } : {}),
      ...(unknownProperties !== undefined ? { unknownProperties } : {}),
      ...(unknownAttributes !== undefined ? { unknownAttributes } : {}),
      ...(upgrades !== undefined ? { upgrades } : {}),
    };
    declaration.entity = { table, options };
  });
}

/**
 * A class decorator that records what `record` sets on the class's declaration (it is compiled at
 * first use) and checks that every attribute it declared has a type, so a missing `type` under
 * TC39 decorators fails at class definition.
 */
function modelDecorator(record: (declaration: ClassDeclaration, cls: AnyClass) => void): ClassDecorator {
  return (cls: AnyClass, context?: ClassDecoratorContext): void => {
    const owner = isStandardContext(context) ? (context.metadata as object | undefined) : cls;
    if (!owner) throw new TypeError('TC39 decorator metadata (Symbol.metadata) is not available');
    const declaration = declarationFor(owner);
    record(declaration, cls);
    declaration.className = cls.name;
    for (const attribute of declaration.attributes.values()) {
      const { options: declared, designType } = attribute;
      if (declared.type === undefined && declared.codec === undefined && declared.enum === undefined && !designType) {
        throw new ModelDefinitionError(
          'has no type: TypeScript emitted no type metadata (TC39 decorators, esbuild, tsx or vitest ' +
            `have no "emitDecoratorMetadata"), so declare it: ${typeExample(attribute)}`,
          { model: cls.name, attribute: String(attribute.property), rule: 'missing-type' },
        );
      }
    }
  };
}
