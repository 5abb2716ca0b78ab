import type { Path, PathValue } from './condition';
import type { PathInput } from './path';

/** One action of an update: small and immutable, compiled only when the request is built. */
export type UpdateAction =
  | { readonly kind: 'set'; readonly path: PathInput; readonly value: unknown }
  | { readonly kind: 'ifNotExists'; readonly path: PathInput; readonly value: unknown }
  | { readonly kind: 'remove'; readonly path: PathInput }
  | { readonly kind: 'add'; readonly path: PathInput; readonly value: unknown }
  | { readonly kind: 'delete'; readonly path: PathInput; readonly value: unknown }
  | { readonly kind: 'increment'; readonly path: PathInput; readonly by: number | bigint }
  | { readonly kind: 'append' | 'prepend'; readonly path: PathInput; readonly values: readonly unknown[] };

/**
 * Describes an update, typed by the model: `(u) => u.set('text', 'hi').increment('likes')`. Each
 * method returns a new builder (they are immutable), so a partial update can be reused.
 */
export class UpdateBuilder<T> {
  constructor(readonly actions: readonly UpdateAction[] = []) {}

  private with(action: UpdateAction): UpdateBuilder<T> {
    return new UpdateBuilder<T>([...this.actions, action]);
  }

  /** Sets the attribute or nested element; `undefined` (or an empty set) removes it. */
  set<P extends Path<T>>(path: P, value: PathValue<T, P> | undefined): UpdateBuilder<T> {
    return this.with({ kind: 'set', path, value });
  }
  /** Sets it only where it is absent (`if_not_exists`): a default that never overwrites. */
  ifNotExists<P extends Path<T>>(path: P, value: PathValue<T, P>): UpdateBuilder<T> {
    return this.with({ kind: 'ifNotExists', path, value });
  }
  remove(path: Path<T>): UpdateBuilder<T> {
    return this.with({ kind: 'remove', path });
  }
  /** Adds the elements of a set to a set attribute (DynamoDB's `ADD`). */
  add<P extends Path<T>>(path: P, elements: PathValue<T, P>): UpdateBuilder<T> {
    return this.with({ kind: 'add', path, value: elements });
  }
  /** Removes the elements of a set from a set attribute (DynamoDB's `DELETE`). */
  delete<P extends Path<T>>(path: P, elements: PathValue<T, P>): UpdateBuilder<T> {
    return this.with({ kind: 'delete', path, value: elements });
  }
  /** Adds `by` (default 1) to a number, starting from 0 where it is absent. */
  increment(path: Path<T>, by: number | bigint = 1): UpdateBuilder<T> {
    return this.with({ kind: 'increment', path, by });
  }
  decrement(path: Path<T>, by: number | bigint = 1): UpdateBuilder<T> {
    return this.with({ kind: 'increment', path, by: -by });
  }
  /** Appends to a list (an absent list counts as empty). */
  append(path: Path<T>, values: readonly unknown[]): UpdateBuilder<T> {
    return this.with({ kind: 'append', path, values });
  }
  /** Puts values at the front of a list (an absent list counts as empty). */
  prepend(path: Path<T>, values: readonly unknown[]): UpdateBuilder<T> {
    return this.with({ kind: 'prepend', path, values });
  }
}

/** What `update` accepts: a function of the builder, a builder, or an object of attributes to set. */
export type UpdateInput<T> =
  ((u: UpdateBuilder<T>) => UpdateBuilder<T>) | UpdateBuilder<T> | Partial<Record<Path<T>, unknown>>;

export function buildUpdate<T>(input: UpdateInput<T>): readonly UpdateAction[] {
  if (typeof input === 'function') return input(new UpdateBuilder<T>()).actions;
  if (input instanceof UpdateBuilder) return input.actions;
  return Object.entries(input).map(([path, value]) => ({ kind: 'set', path, value }));
}
