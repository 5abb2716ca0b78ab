import type { KeyValue } from '../operations/key';

/** Function-valued members (methods) are not attributes. */
type DataKeys<T> = {
  [K in keyof T]-?: T[K] extends (...args: never[]) => unknown ? never : K extends symbol ? never : K;
}[keyof T];

/** The data properties of a model instance. */
export type Attributes<T> = { [K in DataKeys<T>]: T[K] };

/**
 * What `create` and `build` accept: any subset of the attributes. Which ones are required (no
 * `optional`, no `default`) is only known to the decorators, so it is checked at run time, before
 * sending, with a `ValidationError` naming the attribute.
 */
export type CreateAttributes<T> = Partial<Attributes<T>>;

/** A key: one value (hash-only tables) or an object holding the key properties (an instance works). */
export type KeyInput<T> = KeyValue | Partial<Attributes<T>>;

export interface GetOptions {
  /** A strongly consistent read (never on a global secondary index). */
  readonly consistent?: boolean;
  readonly signal?: AbortSignal;
}

export interface WriteOptions {
  readonly signal?: AbortSignal;
}

export interface DeleteOptions<T> extends WriteOptions {
  /** Delete only if the stored item has these attribute values; otherwise `ConditionFailedError`. */
  readonly condition?: Partial<Attributes<T>>;
  /** Delete only if the item exists; otherwise `ConditionFailedError`. */
  readonly mustExist?: boolean;
}
