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
  /**
   * The item may not be stored at all (a write whose outcome is unknown): `save()` then writes
   * without requiring the item, so it stores the instance whatever happened.
   */
  readonly mayBeAbsent?: boolean | undefined;
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
 * A state in which some attributes (or every one that is not a key) are not known to hold what
 * `base` says: `save()` writes them whatever the instance holds (`SET`, or `REMOVE` when absent).
 * Used for the old values an update returned, an outcome that is unknown, two writes of one
 * instance in flight at once, and `save({ attributes })`.
 */
class DirtyState implements StoredState {
  constructor(
    private readonly base: StoredState | undefined,
    /** Stored names written regardless; `'all'` for every attribute but the key. */
    private readonly dirty: ReadonlySet<string> | 'all',
    readonly mayBeAbsent: boolean,
  ) {}

  /** A projected state's attributes, with the dirty ones: those are written, so they become known. */
  get attributes(): ReadonlySet<string> | undefined {
    const known = this.base?.attributes;
    if (!known || this.dirty === 'all') return known;
    return new Set([...known, ...this.dirty]);
  }

  get item(): Item | undefined {
    return this.base?.item;
  }

  same(schema: ModelSchema, index: number, encoded: AttributeValue | undefined): boolean {
    const field = schema.fields[index] as ModelSchema['fields'][number];
    // A key is never dirty: it says which item this is.
    if (field.role) return this.base ? this.base.same(schema, index, encoded) : true;
    if (this.dirty === 'all' || this.dirty.has(field.name)) return false;
    // Without a base the instance was never stored: what it holds is written, nothing is removed.
    return this.base ? this.base.same(schema, index, encoded) : encoded === undefined;
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

/**
 * What a write leaves an instance known to hold, captured from what the write sends (see
 * `snapshotWritten`); `undefined` for a delete: the instance is then not stored.
 */
export type WrittenSnapshot = Item | StoredState | unknown[] | undefined;

/**
 * What `instance` will be known to hold once `item`, encoded from it just now, is stored; taken
 * when the write is planned, before anything is awaited, so a change made while the write is in
 * flight is still a change afterwards. `assigned` are the values the library writes besides the
 * instance's own (a new version, `updatedAt`), which the instance takes only once stored. An
 * instance written again unchanged keeps the values it kept (nothing is allocated).
 */
export function snapshotWritten(
  schema: ModelSchema,
  instance: object,
  item: Item,
  assigned: readonly (readonly [property: string, value: unknown])[] = NOTHING,
): WrittenSnapshot {
  const functions = functionsFor(schema);
  const previous = StoredStateSlot.read(instance);
  // The kept values are the bare array: one object fewer on every long-lived instance.
  if (assigned.length === 0 && Array.isArray(previous) && functions.matches(instance, previous, item)) return previous;
  const kept = functions.capture(instance, item);
  for (const [property, value] of assigned) {
    const field = schema.byProperty.get(property);
    if (field) kept[schema.fields.indexOf(field)] = keptValue(value, item[field.name]);
  }
  return kept;
}

/** What a projected instance will be known to hold once a save of it is stored. */
export function snapshotPart(item: Item, attributes: ReadonlySet<string>): WrittenSnapshot {
  return new PartialState(item, attributes);
}

const NOTHING: readonly never[] = Object.freeze([]);

/**
 * Counts the writes of one instance, so that two in flight at once are noticed: DynamoDB may apply
 * them in either order, so neither one's snapshot can be trusted afterwards. Stamped only on
 * instances that are written (a read instance carries the state slot alone).
 */
class WriteCounter extends ReturnsTarget {
  /** Writes begun. */
  #begun = 0;
  /** Writes begun and not yet ended. */
  #inFlight = 0;

  private constructor(target: object) {
    super(target);
  }

  /** A ticket: the write's number, doubled, plus one when another write was in flight as it began. */
  static begin(target: object): number {
    if (!(#begun in target)) new WriteCounter(target);
    const counter = target as WriteCounter;
    const overlapped = counter.#inFlight > 0 ? 1 : 0;
    counter.#inFlight++;
    return ++counter.#begun * 2 + overlapped;
  }

  /** Whether the write of `ticket` overlapped another (begun while one was in flight, or one began since). */
  static end(target: object, ticket: number): boolean {
    const counter = target as WriteCounter;
    counter.#inFlight--;
    return ticket % 2 === 1 || counter.#begun !== Math.floor(ticket / 2);
  }
}

/** A write of an instance is being sent: keep the ticket, and pass it to `endWrite` however it ends. */
export function beginWrite(instance: object): number {
  return WriteCounter.begin(instance);
}

/**
 * A write begun with `beginWrite` ended: `'stored'` records `snapshot`; `'failed'` (certainly not
 * applied) leaves the state as it was; `'unknown'` (the answer was lost: maybe applied) makes every
 * attribute dirty and the item possibly absent, so the next `save()` stores the whole instance. A
 * write that overlapped another of the same instance ends the same way when it was stored.
 */
export function endWrite(
  instance: object,
  ticket: number,
  snapshot: WrittenSnapshot,
  outcome: 'stored' | 'failed' | 'unknown',
): void {
  const overlapped = WriteCounter.end(instance, ticket);
  if (outcome === 'failed') return;
  if (outcome === 'stored' && !overlapped) {
    StoredStateSlot.write(instance, snapshot);
    return;
  }
  StoredStateSlot.write(instance, new DirtyState(stateOf(snapshot), 'all', true));
}

/**
 * Records that the attributes `names` (stored names) of `instance` may not hold what its state
 * says, on top of the state it has (the old values an update returned): `save()` writes them.
 */
export function recordDirty(instance: object, names: ReadonlySet<string> | 'all'): void {
  const base = storedStateOf(instance);
  StoredStateSlot.write(instance, new DirtyState(base, names, false));
}

/** Records that `instance` is not stored (a deleted item's old values): `save()` stores it again. */
export function recordNotStored(instance: object): void {
  StoredStateSlot.write(instance, undefined);
}

/** `state` with the attributes `names` (stored names) written by the next save whatever they hold. */
export function withDirty(state: StoredState | undefined, names: ReadonlySet<string>): StoredState {
  return new DirtyState(state, names, state === undefined || state.mayBeAbsent === true);
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
  return stateOf(StoredStateSlot.read(instance));
}

function stateOf(slot: WrittenSnapshot | undefined): StoredState | undefined {
  if (slot === undefined || slot instanceof ReadState || slot instanceof DirtyState) return slot;
  if (Array.isArray(slot)) return new WrittenState(slot);
  return new ReadState(slot as Item);
}
