import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import {
  ConditionFailedError,
  DynamodelError,
  type CancellationReason,
  type ServiceErrorOptions,
} from '@dynamodel/executor';

/**
 * `create` found an item under the same key; nothing was overwritten. `current` is the stored item,
 * decoded into the model, and `item` the raw AttributeValues DynamoDB returned.
 */
export class ItemExistsError<T = unknown> extends ConditionFailedError {
  override name = 'ItemExistsError';
  readonly model: string;
  declare readonly current: T | undefined;

  constructor(
    message: string,
    options: ServiceErrorOptions & { model: string; item?: Record<string, AttributeValue>; current?: T },
  ) {
    super(message, options);
    this.model = options.model;
    if (options.current !== undefined) (this as { current: T | undefined }).current = options.current;
  }
}

/**
 * A versioned write met another version than it required (`@Version`): someone else wrote the item
 * since it was read, or it exists although this was its first write, or it is gone. Nothing was
 * written, and the instance keeps its version: read the item again and retry. `storedVersion` is
 * what is stored now (`undefined` when no item is, or it has no version); `current` the stored item.
 */
export class VersionConflictError<T = unknown> extends ConditionFailedError {
  override name = 'VersionConflictError';
  readonly model: string;
  readonly key: Readonly<Record<string, unknown>>;
  /** The version the write required; `undefined` when it required that none be stored yet. */
  readonly expectedVersion: number | undefined;
  readonly storedVersion: number | undefined;
  /** Whether an item is stored under the key now. */
  readonly exists: boolean;
  /**
   * For a transaction cancelled only by version conflicts: every action's reason (the conflict this
   * error describes is the first). Nothing of the transaction was written.
   */
  readonly reasons: readonly CancellationReason[] | undefined;
  declare readonly current: T | undefined;

  constructor(
    message: string,
    options: ServiceErrorOptions & {
      model: string;
      key: Record<string, unknown>;
      expectedVersion: number | undefined;
      storedVersion: number | undefined;
      item?: Record<string, AttributeValue>;
      current?: T;
      reasons?: readonly CancellationReason[];
    },
  ) {
    super(message, options);
    this.model = options.model;
    this.key = options.key;
    this.expectedVersion = options.expectedVersion;
    this.storedVersion = options.storedVersion;
    this.exists = options.item !== undefined;
    this.reasons = options.reasons;
    if (options.current !== undefined) (this as { current: T | undefined }).current = options.current;
  }
}

/**
 * An entity's write found an item of another entity under its key (single-table design: two
 * entities whose key templates can render the same key). Nothing was written. `found` is the
 * stored item's entity name (`undefined` when it has none); `item` the stored AttributeValues.
 */
export class EntityMismatchError extends ConditionFailedError {
  override name = 'EntityMismatchError';
  readonly model: string;
  /** The entity that tried to write. */
  readonly entity: string;
  readonly found: string | undefined;
  readonly key: Readonly<Record<string, unknown>>;

  constructor(
    message: string,
    options: ServiceErrorOptions & {
      model: string;
      entity: string;
      found: string | undefined;
      key: Record<string, unknown>;
      item: Record<string, AttributeValue>;
    },
  ) {
    super(message, options);
    this.model = options.model;
    this.entity = options.entity;
    this.found = options.found;
    this.key = options.key;
  }
}

/** `getOrFail` (or `reload`) found no item under the key. */
export class ItemNotFoundError extends DynamodelError {
  override name = 'ItemNotFoundError';
  readonly model: string;
  readonly key: Readonly<Record<string, unknown>>;

  constructor(message: string, options: { model: string; table: string; key: Record<string, unknown> }) {
    super(message, { operation: 'GetItem', table: options.table });
    this.model = options.model;
    this.key = options.key;
  }
}

/**
 * A stored item does not fit its model: an attribute holds another DynamoDB type than the model
 * declares, or a value the model's type cannot hold (`"1.5"` for a bigint, an unknown enum value).
 */
export class DecodeError extends DynamodelError {
  override name = 'DecodeError';
  readonly model: string;
  readonly attribute: string;
  readonly rule: string;
  /** The item's key, as text per key attribute (when the item had one). */
  readonly key: Readonly<Record<string, string>> | undefined;

  constructor(
    message: string,
    options: { model: string; attribute: string; rule: string; table?: string; key?: Record<string, string> },
  ) {
    super(message, { table: options.table });
    this.model = options.model;
    this.attribute = options.attribute;
    this.rule = options.rule;
    this.key = options.key;
  }
}

/** An existing table's keys, indexes or TTL differ from the model's; Dynamodel never rewrites a table. */
export class TableMismatchError extends DynamodelError {
  override name = 'TableMismatchError';
  readonly model: string;
  /** Each difference, in words (`index "byAuthor" projects KEYS_ONLY in the table, ALL in the model`). */
  readonly differences: readonly string[];

  constructor(message: string, options: { model: string; table: string; differences?: readonly string[] }) {
    super(message, { table: options.table, operation: 'DescribeTable' });
    this.model = options.model;
    this.differences = options.differences ?? [message];
  }
}
