import type { Attributes } from '../model/attributes';
import type { PathInput } from './path';

/** The DynamoDB types `attributeType` checks for. */
export type StoredTypeName = 'S' | 'SS' | 'N' | 'NS' | 'B' | 'BS' | 'BOOL' | 'NULL' | 'L' | 'M';

export type Comparator = '=' | '<>' | '<' | '<=' | '>' | '>=';

/** One term of a condition: small, immutable, and compiled only when a request is built. */
export type Condition =
  | {
      readonly kind: 'compare';
      readonly op: Comparator;
      readonly path: PathInput;
      readonly value: unknown;
      readonly size?: boolean;
    }
  | {
      readonly kind: 'between';
      readonly path: PathInput;
      readonly low: unknown;
      readonly high: unknown;
      readonly size?: boolean;
    }
  | { readonly kind: 'in'; readonly path: PathInput; readonly values: readonly unknown[] }
  | { readonly kind: 'exists' | 'notExists'; readonly path: PathInput }
  | { readonly kind: 'attributeType'; readonly path: PathInput; readonly type: StoredTypeName }
  | { readonly kind: 'beginsWith'; readonly path: PathInput; readonly prefix: string }
  | { readonly kind: 'contains'; readonly path: PathInput; readonly value: unknown }
  | { readonly kind: 'and' | 'or'; readonly terms: readonly Condition[] }
  | { readonly kind: 'not'; readonly term: Condition };

type DataKey<T> = keyof Attributes<T> & string;

/** Values with no paths below them. */
type Leaf = string | number | bigint | boolean | Date | Uint8Array | ReadonlySet<unknown> | null | undefined;

/** One less, for the depth of nested paths the type checker follows (deeper ones are checked at run time). */
type Shallower = [never, 0, 1, 2, 3];

/**
 * What may follow a path whose value is `V`: `.property` of an embedded class (checked), `[n]` of a
 * list, and anything below a record, a `Map`, `Json` or `unknown` (their keys are data, so they are
 * checked at run time against the codecs).
 */
type SubPath<V, Depth extends number> = [Depth] extends [never]
  ? `.${string}` | `[${number}]${string}`
  : unknown extends V
    ? `.${string}` | `[${number}]${string}`
    : SubPathOf<NonNullable<V>, Depth>;

type SubPathOf<V, Depth extends number> = V extends Leaf
  ? never
  : V extends readonly (infer E)[]
    ? `[${number}]` | `[${number}]${SubPath<E, Shallower[Depth]>}`
    : V extends ReadonlyMap<unknown, unknown>
      ? `.${string}`
      : V extends object
        ? string extends keyof V
          ? `.${string}`
          : { [K in DataKey<V>]: `.${K}` | `.${K}${SubPath<V[K], Shallower[Depth]>}` }[DataKey<V>]
        : never;

/**
 * A path of `T`: a declared property, or a path below one (`'address.city'`, `'tags[0]'`), checked by
 * the compiler through embedded classes and lists up to 4 levels deep, and against the model's
 * codecs when the request is built.
 */
export type Path<T> = DataKey<T> | { [K in DataKey<T>]: `${K}${SubPath<T[K], 4>}` }[DataKey<T>];

/** The value type at a path: the property's type for a top-level path, `unknown` deeper down (checked by the codecs). */
export type PathValue<T, P> = P extends DataKey<T> ? Attributes<T>[P] : unknown;

/**
 * What the model API accepts as a condition: a function of the builder (`(c) => c.gt('likes', 3)`),
 * a condition it built, or, as a shorthand for equality of every entry, an object of attribute values.
 */
export type ConditionInput<T> = Condition | ((c: ConditionBuilder<T>) => Condition) | Partial<Attributes<T>>;

/** `c.size(path)`: compares the size of a string, binary, set, list or map. */
export interface SizeOperand {
  eq(value: number): Condition;
  ne(value: number): Condition;
  lt(value: number): Condition;
  le(value: number): Condition;
  gt(value: number): Condition;
  ge(value: number): Condition;
  between(low: number, high: number): Condition;
}

/**
 * Builds conditions on a model's attributes, typed by the model: `(c) => c.and(c.eq('author',
 * 'ana'), c.gt('likes', 10))`. Values are encoded through the attributes' own codecs when the
 * request is built, so they compare with what is stored. `undefined` (and an empty set, which
 * DynamoDB never stores) compares as "absent": `eq(path, undefined)` is `notExists(path)`,
 * `ne(path, undefined)` is `exists(path)`; any other use of them is refused, never dropped.
 */
export class ConditionBuilder<T> {
  /** `path` equals `value`; `undefined` or an empty set: the attribute is absent. */
  eq<P extends Path<T>>(path: P, value: PathValue<T, P> | undefined): Condition {
    return term({ kind: 'compare', op: '=', path, value });
  }
  /** `path` differs from `value`; `undefined` or an empty set: the attribute is present. */
  ne<P extends Path<T>>(path: P, value: PathValue<T, P> | undefined): Condition {
    return term({ kind: 'compare', op: '<>', path, value });
  }
  lt<P extends Path<T>>(path: P, value: PathValue<T, P>): Condition {
    return term({ kind: 'compare', op: '<', path, value });
  }
  le<P extends Path<T>>(path: P, value: PathValue<T, P>): Condition {
    return term({ kind: 'compare', op: '<=', path, value });
  }
  gt<P extends Path<T>>(path: P, value: PathValue<T, P>): Condition {
    return term({ kind: 'compare', op: '>', path, value });
  }
  ge<P extends Path<T>>(path: P, value: PathValue<T, P>): Condition {
    return term({ kind: 'compare', op: '>=', path, value });
  }
  between<P extends Path<T>>(path: P, low: PathValue<T, P>, high: PathValue<T, P>): Condition {
    return term({ kind: 'between', path, low, high });
  }
  in<P extends Path<T>>(path: P, values: readonly PathValue<T, P>[]): Condition {
    return term({ kind: 'in', path, values });
  }
  beginsWith(path: Path<T>, prefix: string): Condition {
    return term({ kind: 'beginsWith', path, prefix });
  }
  /** A string holding a substring, or a set or list holding an element. */
  contains(path: Path<T>, value: unknown): Condition {
    return term({ kind: 'contains', path, value });
  }
  exists(path: Path<T>): Condition {
    return term({ kind: 'exists', path });
  }
  notExists(path: Path<T>): Condition {
    return term({ kind: 'notExists', path });
  }
  attributeType(path: Path<T>, type: StoredTypeName): Condition {
    return term({ kind: 'attributeType', path, type });
  }
  size(path: Path<T>): SizeOperand {
    const compare =
      (op: Comparator) =>
      (value: number): Condition => ({ kind: 'compare', op, path, value, size: true });
    return {
      eq: compare('='),
      ne: compare('<>'),
      lt: compare('<'),
      le: compare('<='),
      gt: compare('>'),
      ge: compare('>='),
      between: (low, high) => term({ kind: 'between', path, low, high, size: true }),
    };
  }
  and(...terms: Condition[]): Condition {
    return term({ kind: 'and', terms });
  }
  or(...terms: Condition[]): Condition {
    return term({ kind: 'or', terms });
  }
  not(condition: Condition): Condition {
    return term({ kind: 'not', term: condition });
  }
}

const builder = new ConditionBuilder<never>();

/** Marks the conditions the builder makes, so a plain object of attribute values is never taken for one. */
const CONDITION = Symbol('dynamodel.condition');

function term<C extends Condition>(condition: C): C {
  Object.defineProperty(condition, CONDITION, { value: true });
  return condition;
}

export function isCondition(value: unknown): value is Condition {
  return typeof value === 'object' && value !== null && (value as { [CONDITION]?: boolean })[CONDITION] === true;
}

/** The condition a model API option holds: built if it is a function, an `and` of equalities if an object. */
export function buildCondition<T>(input: ConditionInput<T>): Condition {
  if (typeof input === 'function') return input(builder as unknown as ConditionBuilder<T>);
  if (isCondition(input)) return input;
  const terms = Object.entries(input).map(
    ([path, value]) => term({ kind: 'compare', op: '=', path, value }) as Condition,
  );
  return term({ kind: 'and', terms });
}

/** An option's condition, built; `undefined` when the option is absent. */
export function optionalCondition<T>(input: ConditionInput<T> | undefined): Condition | undefined {
  return input === undefined ? undefined : buildCondition(input);
}
