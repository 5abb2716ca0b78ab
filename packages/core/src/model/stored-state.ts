import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { Item } from '../codecs/object-codec';
import { copyStored, sameValue } from '../operations/same-item';
import type { ModelSchema } from '../schema/compile-model';

/**
 * What an instance is known to hold in its table, so `save()` can send only what changed: the item
 * it was read as, or what this process last wrote for it.
 */
export interface StoredState {
  /** Whether declared field `index` of `schema` is stored as `encoded` (`undefined`: absent). */
  same(schema: ModelSchema, index: number, encoded: AttributeValue | undefined): boolean;
  /**
   * The stored names a projected read (or an `UPDATED_*` update) returned, with their values in
   * `item`; the other attributes are unknown, never "removed". `undefined` for a whole item.
   */
  readonly attributes?: ReadonlySet<string> | undefined;
  readonly item?: Item | undefined;
}

/** A whole item as read (kept as the response's own item: nothing is allocated per decode). */
class ReadState implements StoredState {
  constructor(readonly item: Item) {}

  same(schema: ModelSchema, index: number, encoded: AttributeValue | undefined): boolean {
    return sameValue(this.item[(schema.fields[index] as ModelSchema['fields'][number]).name], encoded);
  }
}

/** Part of an item, as a projected read returned it. */
class PartialState extends ReadState {
  constructor(
    item: Item,
    readonly attributes: ReadonlySet<string>,
  ) {
    super(item);
  }
}

/**
 * What this process wrote for an instance (create, put, save), per declared field: a primitive
 * value itself (a string, number, bigint, boolean, `null` or `undefined`: immutable, and already
 * held by the instance, so keeping it costs a slot), a `Date` as a copy, and any other object (a
 * `Set`, list, map or embedded object, which can change in place) as a copy of its stored form.
 * Keeping the encoded item itself made V8 pretenure the codecs' allocations (see `copyStored`).
 * The slot holds the bare array; this class wraps it when `save()` asks.
 */
class WrittenState implements StoredState {
  constructor(readonly values: readonly unknown[]) {}

  same(schema: ModelSchema, index: number, encoded: AttributeValue | undefined): boolean {
    const kept = this.values[index];
    if (kept === undefined) return encoded === undefined;
    if (encoded === undefined) return false;
    if (kept === null) return encoded.NULL === true;
    if (typeof kept === 'object' && !(kept instanceof Date)) return sameValue(kept as AttributeValue, encoded);
    // A primitive or a Date: encoded again by its codec (codecs are deterministic).
    const field = schema.fields[index] as ModelSchema['fields'][number];
    return sameValue(field.codec.encode(kept, 0), encoded);
  }
}

/** What is kept of one field's value: the primitive, a copy of the Date, or a copy of the stored form. */
function keptValue(value: unknown, encoded: AttributeValue | undefined): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (value instanceof Date) return new Date(value.getTime());
  return encoded === undefined ? undefined : copyStored(encoded);
}

/** Whether a field's value (written as `encoded`) is what was kept of it. */
function keptMatches(value: unknown, kept: unknown, encoded: AttributeValue | undefined): boolean {
  if (typeof value !== 'object' || value === null) return value === kept;
  if (value instanceof Date) return kept instanceof Date && kept.getTime() === value.getTime();
  return (
    typeof kept === 'object' && kept !== null && !(kept instanceof Date) && sameValue(kept as AttributeValue, encoded)
  );
}

/** Captures and compares the kept values of one model's fields. */
interface WrittenValueFunctions {
  capture(instance: object, item: Item): unknown[];
  matches(instance: object, kept: readonly unknown[], item: Item): boolean;
}

const writtenValueFunctions = new WeakMap<ModelSchema, WrittenValueFunctions>();

/**
 * Generated per model like its codec (constant property names, so V8 loads each field through its
 * own inline cache: the loop below reads properties by a variable name, megamorphically, and cost
 * ~0.45 µs per put of a 6-field book), with the loop as the fallback where code generation is
 * not allowed.
 */
function functionsFor(schema: ModelSchema): WrittenValueFunctions {
  let functions = writtenValueFunctions.get(schema);
  if (!functions) {
    functions = generatedFunctions(schema) ?? loopFunctions(schema);
    writtenValueFunctions.set(schema, functions);
  }
  return functions;
}

function generatedFunctions(schema: ModelSchema): WrittenValueFunctions | undefined {
  const access = schema.fields.map((field) => ({
    value: `s[${JSON.stringify(field.property)}]`,
    stored: `item[${JSON.stringify(field.name)}]`,
  }));
  const source = `
    "use strict";
    return {
      capture: (s, item) => [${access.map((a) => `keptValue(${a.value}, ${a.stored})`).join(', ')}],
      matches: (s, k, item) => ${access.map((a, i) => `keptMatches(${a.value}, k[${i}], ${a.stored})`).join(' && ') || 'true'},
    };`;
  try {
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- generated from our own field list; names are JSON-escaped
    return (new Function('keptValue', 'keptMatches', source) as (...args: unknown[]) => WrittenValueFunctions)(
      keptValue,
      keptMatches,
    );
  } catch (error) {
    if (error instanceof EvalError) return undefined; // code generation refused (a CSP, an edge runtime)
    throw error;
  }
}

function loopFunctions(schema: ModelSchema): WrittenValueFunctions {
  const fields = schema.fields;
  const valueOf = (instance: object, i: number): unknown =>
    (instance as Record<string, unknown>)[(fields[i] as ModelSchema['fields'][number]).property];
  const storedOf = (item: Item, i: number) => item[(fields[i] as ModelSchema['fields'][number]).name];
  return {
    capture: (instance, item) => fields.map((_, i) => keptValue(valueOf(instance, i), storedOf(item, i))),
    matches: (instance, kept, item) =>
      fields.every((_, i) => keptMatches(valueOf(instance, i), kept[i], storedOf(item, i))),
  };
}

/** A base class whose constructor returns the object it is given, so a subclass can stamp it. */
class ReturnsTarget {
  constructor(target: object) {
    return target;
  }
}

/**
 * Keeps the stored state in a private field stamped onto the instance. Every decoded item records
 * one, so the cost matters: a private field is added like an ordinary property (~3 ns), where a
 * WeakMap entry or a non-enumerable property costs ~160 ns (measured on Node 20), as much as the
 * rest of the decode. Unlike a symbol property, it is invisible to `Object.keys`, spreads, JSON,
 * `Reflect.ownKeys` and jest's `toEqual`, so an instance read back still equals one built by hand.
 */
class StoredStateSlot extends ReturnsTarget {
  /** An item as read, a partial read, or (an array) the values kept of a write. */
  #state: Item | StoredState | unknown[] | undefined;

  private constructor(target: object) {
    super(target);
  }

  static write(target: object, state: Item | StoredState | unknown[] | undefined): void {
    if (!(#state in target)) new StoredStateSlot(target);
    (target as StoredStateSlot).#state = state;
  }

  static read(target: object): Item | StoredState | unknown[] | undefined {
    return #state in target ? target.#state : undefined;
  }
}

/** Records that `instance` was read as `item` (all of it). */
export function recordStored(instance: object, item: Item): void {
  StoredStateSlot.write(instance, item);
}

/** Records that `instance` was read with `item` for the listed attributes only (a projected read). */
export function recordStoredPart(instance: object, item: Item, attributes: ReadonlySet<string>): void {
  StoredStateSlot.write(instance, new PartialState(item, attributes));
}

/** Records that `instance` was just written as `item`; an instance written again unchanged keeps its state. */
export function recordWritten(schema: ModelSchema, instance: object, item: Item): void {
  const functions = functionsFor(schema);
  const previous = StoredStateSlot.read(instance);
  // The kept values are stored as the bare array: one object fewer on every long-lived instance.
  if (Array.isArray(previous) && functions.matches(instance, previous, item)) return;
  StoredStateSlot.write(instance, functions.capture(instance, item));
}

/** The state of an instance read as `item` (for builders and tests that have no instance). */
export function readState(item: Item): StoredState {
  return new ReadState(item);
}

/** Records another instance's state (as `reload` does). */
export function recordState(instance: object, state: StoredState | undefined): void {
  StoredStateSlot.write(instance, state);
}

/** What `instance` is known to hold in its table; `undefined` for an instance never read or written. */
export function storedStateOf(instance: object): StoredState | undefined {
  const state = StoredStateSlot.read(instance);
  if (state === undefined || state instanceof ReadState) return state;
  if (Array.isArray(state)) return new WrittenState(state);
  return new ReadState(state as Item);
}
