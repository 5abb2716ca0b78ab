import type { Item } from '../codecs/object-codec';

/**
 * What an instance is known to hold in its table: the item it was read as or last written as, so
 * `save()` can send only what changed. `attributes` lists the stored names the read returned when it
 * was a projection (or `UPDATED_*` values): the others are unknown, never "removed".
 */
export interface StoredState {
  readonly item: Item;
  readonly attributes?: ReadonlySet<string> | undefined;
}

/** The state of a projected read (a whole item is kept as the bare item: no allocation per decode). */
class PartialState implements StoredState {
  constructor(
    readonly item: Item,
    readonly attributes: ReadonlySet<string>,
  ) {}
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
  #state: Item | PartialState | undefined;

  private constructor(target: object) {
    super(target);
  }

  static write(target: object, state: Item | PartialState | undefined): void {
    if (!(#state in target)) new StoredStateSlot(target);
    (target as StoredStateSlot).#state = state;
  }

  static read(target: object): Item | PartialState | undefined {
    return #state in target ? target.#state : undefined;
  }
}

/** Records that `instance` is stored as `item` (all of it). */
export function recordStored(instance: object, item: Item): void {
  StoredStateSlot.write(instance, item);
}

/** Records that `instance` is stored with `item` for the listed attributes only (a projected read). */
export function recordStoredPart(instance: object, item: Item, attributes: ReadonlySet<string>): void {
  StoredStateSlot.write(instance, new PartialState(item, attributes));
}

/** Records `state` as it is (a copy from another instance, as `reload` makes). */
export function recordState(instance: object, state: StoredState | undefined): void {
  StoredStateSlot.write(instance, state?.attributes ? new PartialState(state.item, state.attributes) : state?.item);
}

/** What `instance` is known to hold in its table; `undefined` for an instance never read or written. */
export function storedStateOf(instance: object): StoredState | undefined {
  const state = StoredStateSlot.read(instance);
  if (state === undefined || state instanceof PartialState) return state;
  return { item: state };
}
