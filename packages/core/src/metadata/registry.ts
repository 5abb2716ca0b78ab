import 'reflect-metadata';
import type { AttributeOptions, IndexOptions, TableOptions } from './options';
import type { EntityOptions } from '../single-table/compile-entity';
import type { SharedTable } from '../single-table/define-table';

/** What the decorators on one property recorded. */
export interface AttributeDeclaration {
  readonly property: string | symbol;
  readonly options: AttributeOptions;
  readonly roles: readonly KeyRole[];
  /** TypeScript's `design:type` (experimentalDecorators + emitDecoratorMetadata); absent under TC39. */
  readonly designType: unknown;
  /** The secondary indexes this property is a key of (`@Index`). */
  readonly indexes: readonly IndexMembership[];
  /** What the library maintains in this attribute (`@Version`, `@CreatedAt`, `@UpdatedAt`, `@Ttl`). */
  readonly lifecycle: readonly LifecycleRole[];
}

/** An attribute the library writes itself on every write path. */
export type LifecycleRole = 'version' | 'createdAt' | 'updatedAt' | 'ttl';

/** One `@Index` on a property. */
export interface IndexMembership {
  readonly index: string;
  readonly options: IndexOptions;
}

export type KeyRole = 'hash' | 'range';

/** What the decorators on one class (not its parents) recorded. */
export interface ClassDeclaration {
  table?: TableOptions;
  /** `@Entity(table, options)`: the class is one entity of a shared table (single-table design). */
  entity?: { readonly table: SharedTable; readonly options: EntityOptions };
  /** Set by a class decorator; a class's fields may be declared before its name is known (TC39). */
  className?: string;
  readonly attributes: Map<string | symbol, AttributeDeclaration>;
}

// TC39 decorators hand metadata to `context.metadata`, which TypeScript and esbuild only create when
// `Symbol.metadata` exists. Node 20 lacks it; define the well-known symbol the way esbuild names it
// (`Symbol.for('Symbol.metadata')`) so both compilers, and any other polyfill, agree.
if (typeof (Symbol as { metadata?: symbol }).metadata !== 'symbol') {
  Object.defineProperty(Symbol, 'metadata', {
    value: Symbol.for('Symbol.metadata'),
    configurable: true,
    writable: true,
  });
}
export const METADATA_SYMBOL: symbol = (Symbol as unknown as { metadata: symbol }).metadata;

/** Keyed by constructor (experimentalDecorators) or by the TC39 metadata object. */
const declarations = new WeakMap<object, ClassDeclaration>();

export function declarationFor(owner: object): ClassDeclaration {
  let declaration = declarations.get(owner);
  if (!declaration) {
    declaration = { attributes: new Map() };
    declarations.set(owner, declaration);
  }
  return declaration;
}

/** Merges one decorator's contribution into a property's declaration. */
export function declareAttribute(
  owner: object,
  property: string | symbol,
  contribution: {
    options?: AttributeOptions;
    role?: KeyRole;
    designType?: unknown;
    index?: IndexMembership;
    lifecycle?: LifecycleRole;
  },
): void {
  const declaration = declarationFor(owner);
  const previous = declaration.attributes.get(property);
  declaration.attributes.set(property, {
    property,
    options: { ...previous?.options, ...contribution.options },
    roles: contribution.role ? [...(previous?.roles ?? []), contribution.role] : (previous?.roles ?? []),
    designType: previous?.designType ?? contribution.designType,
    indexes: contribution.index ? [...(previous?.indexes ?? []), contribution.index] : (previous?.indexes ?? []),
    lifecycle: contribution.lifecycle
      ? [...(previous?.lifecycle ?? []), contribution.lifecycle]
      : (previous?.lifecycle ?? []),
  });
}

/** The declarations a class made itself, under either decorator flavour. */
export function ownDeclarations(cls: object): ClassDeclaration[] {
  const found: ClassDeclaration[] = [];
  const legacy = declarations.get(cls);
  if (legacy) found.push(legacy);
  if (Object.prototype.hasOwnProperty.call(cls, METADATA_SYMBOL)) {
    const metadata = (cls as Record<symbol, unknown>)[METADATA_SYMBOL];
    const standard = typeof metadata === 'object' && metadata !== null ? declarations.get(metadata) : undefined;
    if (standard) found.push(standard);
  }
  return found;
}

/** The class and its ancestors, root first, stopping at (and excluding) `Function.prototype`. */
export function classChain(cls: object): object[] {
  const chain: object[] = [];
  for (let current: object | null = cls; current && current !== Function.prototype;) {
    chain.unshift(current);
    current = Object.getPrototypeOf(current) as object | null;
  }
  return chain;
}

/**
 * Whether `value` is a class decorated with `@Table` or `@Entity` itself (not only through a
 * parent): what a tool that loads a module, such as the `dynamodel` command, takes as its models.
 */
export function isDeclaredModel(value: unknown): value is abstract new (...args: never[]) => unknown {
  return (
    typeof value === 'function' &&
    ownDeclarations(value).some((declaration) => declaration.table !== undefined || declaration.entity !== undefined)
  );
}
