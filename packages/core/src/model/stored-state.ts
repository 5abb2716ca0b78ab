import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { Item } from '../codecs/object-codec';
import { sameValue } from '../operations/same-item';
import type { ModelSchema } from '../schema/compile-model';
import { InstanceSlots, WriteCounter } from './instance-slots';
import { keptValuesOf } from './kept-values';

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
 * What this process wrote for an instance (create, put, save): per declared field, the value kept
 * of it (`kept-values.ts`). The slot holds the bare array; this class wraps it when `save()` asks.
 */
class WrittenState implements StoredState {
  constructor(readonly values: readonly unknown[]) {}

  same(schema: ModelSchema, index: number, encoded: AttributeValue | undefined): boolean {
    return sameValue(keptValuesOf(schema).stored(index, this.values[index]), encoded);
  }
}

/** Records that `instance` was read as `item` (all of it) through `connection`. */
export function recordStored(instance: object, item: Item, connection: object): void {
  InstanceSlots.record(instance, item, connection);
}

/** Records that `instance` was read with `item` for the listed attributes only (a projected read). */
export function recordStoredPart(instance: object, item: Item, attributes: ReadonlySet<string>): void {
  InstanceSlots.writeState(instance, new PartialState(item, attributes));
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
  const kept = keptValuesOf(schema);
  const previous = InstanceSlots.readState(instance) as WrittenSnapshot;
  // The kept values are the bare array: one object fewer on every long-lived instance.
  if (assigned.length === 0 && Array.isArray(previous) && kept.matches(instance, previous, item)) return previous;
  const values = kept.capture(instance, item);
  for (const [property, value] of assigned) {
    const field = schema.byProperty.get(property);
    if (field) {
      const index = schema.fields.indexOf(field);
      values[index] = kept.keep(index, value, item[field.name]);
    }
  }
  return values;
}

/** What a projected instance will be known to hold once a save of it is stored. */
export function snapshotPart(item: Item, attributes: ReadonlySet<string>): WrittenSnapshot {
  return new PartialState(item, attributes);
}

const NOTHING: readonly never[] = Object.freeze([]);

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
    InstanceSlots.writeState(instance, snapshot);
    return;
  }
  InstanceSlots.writeState(instance, new DirtyState(stateOf(snapshot), 'all', true));
}

/**
 * Records that the attributes `names` (stored names) of `instance` may not hold what its state
 * says, on top of the state it has (the old values an update returned): `save()` writes them.
 */
export function recordDirty(instance: object, names: ReadonlySet<string> | 'all'): void {
  const base = storedStateOf(instance);
  InstanceSlots.writeState(instance, new DirtyState(base, names, false));
}

/** Records that `instance` is not stored (a deleted item's old values): `save()` stores it again. */
export function recordNotStored(instance: object): void {
  InstanceSlots.writeState(instance, undefined);
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
  InstanceSlots.writeState(instance, state);
}

/** What `instance` is known to hold in its table; `undefined` for an instance never read or written. */
export function storedStateOf(instance: object): StoredState | undefined {
  return stateOf(InstanceSlots.readState(instance) as WrittenSnapshot);
}

function stateOf(slot: WrittenSnapshot | undefined): StoredState | undefined {
  if (slot === undefined || slot instanceof ReadState || slot instanceof DirtyState) return slot;
  if (Array.isArray(slot)) return new WrittenState(slot);
  return new ReadState(slot as Item);
}
