import type { Connection } from '../connection/connection';

/**
 * What the library remembers about one instance, kept in private fields stamped onto the instance
 * itself. Every decoded item and every written instance gets them, so the cost matters: a private
 * field is added like an ordinary property (~3 ns), where a WeakMap entry or a non-enumerable
 * property costs ~160 ns (measured on Node 20), as much as the rest of a decode. Unlike a symbol
 * property, a private field is invisible to `Object.keys`, spreads, JSON, `Reflect.ownKeys` and
 * jest's `toEqual`, so an instance read back still equals one built by hand.
 */

/** A base class whose constructor returns the object it is given, so a subclass can stamp it. */
class ReturnsTarget {
  constructor(target: object) {
    return target;
  }
}

/**
 * The instance's stored state (an item as read, a partial read, or the values kept of a write; see
 * `stored-state.ts`) and the connection it was read or written through (what `save()`, `reload()`
 * and `delete()` use). Both are stamped at once: every instance that has one has the other.
 */
export class InstanceSlots extends ReturnsTarget {
  #state: unknown;
  #connection: unknown;

  private constructor(target: object) {
    super(target);
  }

  /** Records the instance's stored state. */
  static writeState(target: object, state: unknown): void {
    if (!(#state in target)) new InstanceSlots(target);
    (target as InstanceSlots).#state = state;
  }

  static readState(target: object): unknown {
    return #state in target ? target.#state : undefined;
  }

  /** Records the connection the instance belongs to (read or written through). */
  static setConnection(target: object, connection: object): void {
    if (!(#state in target)) new InstanceSlots(target);
    (target as InstanceSlots).#connection = connection;
  }

  /** Records both, for an instance just decoded. */
  static record(target: object, state: unknown, connection: object): void {
    if (!(#state in target)) new InstanceSlots(target);
    (target as InstanceSlots).#state = state;
    (target as InstanceSlots).#connection = connection;
  }

  static connectionOf(target: object): unknown {
    return #state in target ? target.#connection : undefined;
  }
}

/**
 * Counts the writes of one instance, so that two in flight at once are noticed: DynamoDB may apply
 * them in either order, so neither one's snapshot can be trusted afterwards. Stamped only on
 * instances that are written (a read instance carries `InstanceSlots` alone).
 */
export class WriteCounter extends ReturnsTarget {
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

/** Records that `instance` was read or written through `connection` (what its `save()` uses). */
export function bindConnection(instance: object, connection: Connection): void {
  InstanceSlots.setConnection(instance, connection);
}

/** The connection `instance` was last read or written through; `undefined` for one never stored or read. */
export function boundConnection(instance: object): Connection | undefined {
  return InstanceSlots.connectionOf(instance) as Connection | undefined;
}
