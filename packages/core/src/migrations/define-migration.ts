import { MigrationError } from '../errors/migration-error';

/** A stored item as plain values (`@aws-sdk/util-dynamodb`'s `unmarshall`): what a migration transforms. */
export type PlainItem = Record<string, unknown>;

/**
 * One direction of a migration: the item as stored, to the item to store, or `undefined` to leave
 * this item out of the migration (nothing written, its version unchanged). It may be async.
 */
export type MigrationStep = (item: PlainItem) => PlainItem | undefined | Promise<PlainItem | undefined>;

export interface MigrationDefinition {
  /**
   * The item-schema version this migration brings items to: a whole number of at least 2 (an item
   * without a version attribute is of version 1, as for `@Table({ upgrades })`).
   */
  readonly version: number;
  readonly description: string;
  /** From an item of an older version to one of `version`. The item's key must stay as it is. */
  readonly up: MigrationStep;
  /** From an item of `version` back to the previous version; without it the migration cannot be reverted. */
  readonly down?: MigrationStep;
}

const MIGRATION = Symbol('dynamodel.migration');

/** A checked migration, as `defineMigration` returns it. */
export interface Migration extends MigrationDefinition {
  readonly [MIGRATION]: true;
}

/**
 * Declares a versioned data migration. Checked at once: a whole `version` of at least 2, a
 * non-empty `description`, `up` (and `down`, when given) functions. Run it with `migrator`.
 *
 * ```ts
 * export const splitName = defineMigration({
 *   version: 2,
 *   description: 'split name into first and last',
 *   up: ({ name, ...item }) => ({ ...item, first: String(name).split(' ')[0], last: String(name).split(' ')[1] }),
 *   down: ({ first, last, ...item }) => ({ ...item, name: `${first} ${last}` }),
 * });
 * ```
 */
export function defineMigration(definition: MigrationDefinition): Migration {
  const version: unknown = definition?.version;
  const label = typeof version === 'number' ? `migration ${version}` : 'a migration';
  const fail = (message: string): never => {
    throw new MigrationError(`${label}: ${message}`, { model: 'defineMigration', code: 'definition' });
  };
  if (typeof definition !== 'object' || definition === null) fail('give { version, description, up, down }');
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 2) {
    fail(
      `version must be a whole number of at least 2 (items without a version attribute are version 1), got ${JSON.stringify(version)}`,
    );
  }
  if (typeof definition.description !== 'string' || definition.description.trim() === '') {
    fail('description must be a non-empty string');
  }
  if (typeof definition.up !== 'function') fail('up must be a function from an item to the migrated item');
  if (definition.down !== undefined && typeof definition.down !== 'function') {
    fail('down, when given, must be a function from a migrated item to the previous shape');
  }
  return Object.freeze({ ...definition, [MIGRATION]: true as const });
}

/** Whether `value` came from `defineMigration`. */
export function isMigration(value: unknown): value is Migration {
  return typeof value === 'object' && value !== null && (value as Partial<Migration>)[MIGRATION] === true;
}

/**
 * The migrations of one model in version order, checked: each from `defineMigration`, no version
 * twice. `model` names the model in errors.
 */
export function orderMigrations(model: string, migrations: readonly unknown[]): readonly Migration[] {
  if (!Array.isArray(migrations)) {
    throw new MigrationError('give the migrations as an array', { model, code: 'definition' });
  }
  const seen = new Map<number, Migration>();
  for (const [index, migration] of migrations.entries()) {
    if (!isMigration(migration)) {
      throw new MigrationError(`migrations[${index}] was not made by defineMigration`, { model, code: 'definition' });
    }
    if (seen.has(migration.version)) {
      throw new MigrationError('two migrations have this version', {
        model,
        version: migration.version,
        code: 'definition',
      });
    }
    seen.set(migration.version, migration);
  }
  return [...seen.values()].sort((a, b) => a.version - b.version);
}
