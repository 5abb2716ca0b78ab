import { ConditionBuilder, type Condition } from '../expressions/condition';
import type { UpdateAction } from '../expressions/update';
import { parsePath, type PathInput } from '../expressions/path';
import type { ModelSchema } from '../schema/compile-model';
import { modelValidationError } from './to-validation-error';

// The attributes the library maintains (`@Version`, `@CreatedAt`, `@UpdatedAt`), applied the same
// way by every write path: whole-item writes (create, put, batches, transaction puts) and
// update-path writes (save, update, transaction updates). See docs/locking-timestamps-ttl.md.

const conditions = new ConditionBuilder<Record<string, unknown>>();

/**
 * The version an instance holds: `undefined` when it was never written (or read from an item
 * without one), else a whole number ≥ 0. Anything else would make the check meaningless.
 */
export function heldVersion(schema: ModelSchema, instance: object): number | undefined {
  const field = schema.lifecycle.version;
  if (!field) return undefined;
  return checkedVersion(schema, (instance as Record<string, unknown>)[field.property]);
}

/** A version given by the caller (`expectedVersion`) or held by an instance, checked. */
export function checkedVersion(schema: ModelSchema, value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw modelValidationError(
      schema,
      `holds ${typeof value === 'number' ? value : typeof value}; a version is a whole number of at least 0 (or absent before the first write)`,
      'version-value',
      schema.lifecycle.version?.property,
    );
  }
  return value;
}

/** Whole-item writes: `updatedAt` is now, `createdAt` is now unless the instance has one. Set on the instance. */
export function stampTimestamps(schema: ModelSchema, instance: object, now?: Date): void {
  const { createdAt, updatedAt } = schema.lifecycle;
  if (!createdAt && !updatedAt) return;
  // The clock is read only for a model with timestamps (a `new Date()` is ~70 ns of every write).
  const time = (now ?? new Date()).getTime();
  const target = instance as Record<string, unknown>;
  if (createdAt && target[createdAt.property] === undefined) target[createdAt.property] = new Date(time);
  if (updatedAt) target[updatedAt.property] = new Date(time);
}

/** The version a write required: `expected`, or when that is undefined, `absent` (no item, or no version). */
export interface VersionCheck {
  readonly expected: number | undefined;
  readonly absent: 'item' | 'version';
}

/**
 * The version check of a write: the stored item must hold `expected`; with `expected` undefined,
 * `absent` says what "never written" means — no item under the key (`'item'`: a first write must
 * not overwrite a legacy item, docs/reliability.md §5) or an item without a version (`'version'`:
 * an instance read from a legacy item).
 */
export function versionCondition(schema: ModelSchema, check: VersionCheck | undefined): Condition | undefined {
  const field = schema.lifecycle.version;
  if (!field || !check) return undefined;
  if (check.expected !== undefined) return conditions.eq(field.property, check.expected);
  return conditions.notExists(check.absent === 'item' ? schema.hashKey.property : field.property);
}

/** The check of a write told which version to expect (`expectedVersion`, or an instance's): none without one. */
export function expectedCheck(expected: number | undefined): VersionCheck | undefined {
  return expected === undefined ? undefined : { expected, absent: 'item' };
}

/** The caller's condition and the library's, joined. */
export function bothConditions(a: Condition | undefined, b: Condition | undefined): Condition | undefined {
  return a && b ? conditions.and(a, b) : (a ?? b);
}

/**
 * What an update-path write adds to the caller's actions: `updatedAt` set to now and `createdAt`
 * set where absent (unless the caller names them: a migration may set them itself), and the
 * version set to `next` — or incremented where the version read is not known. The caller may not
 * write the version: the library owns it.
 */
export function lifecycleActions(
  schema: ModelSchema,
  actions: readonly UpdateAction[],
  now: Date | undefined,
  version: { readonly next: number } | 'increment' | undefined,
): readonly UpdateAction[] {
  const { createdAt, updatedAt, version: versionField } = schema.lifecycle;
  if (!createdAt && !updatedAt && !versionField) return actions; // nothing to add, nothing to refuse
  const time = (now ?? new Date()).getTime();
  const named = new Set(actions.map((action) => topLevel(action.path)));
  if (versionField && named.has(versionField.property)) {
    throw modelValidationError(
      schema,
      'is the @Version attribute, which the library writes; pass expectedVersion to check it',
      'version-attribute',
      versionField.property,
    );
  }
  const added: UpdateAction[] = [...actions];
  if (updatedAt && !named.has(updatedAt.property)) {
    added.push({ kind: 'set', path: updatedAt.property, value: new Date(time) });
  }
  if (createdAt && !createdAt.role && !named.has(createdAt.property)) {
    added.push({ kind: 'ifNotExists', path: createdAt.property, value: new Date(time) });
  }
  if (versionField && version) {
    added.push(
      version === 'increment'
        ? { kind: 'increment', path: versionField.property, by: 1 }
        : { kind: 'set', path: versionField.property, value: version.next },
    );
  }
  return added;
}

/** The stored names of the attributes an update's actions write (the top level of each path). */
export function writtenAttributeNames(schema: ModelSchema, actions: readonly UpdateAction[]): Set<string> {
  const names = new Set<string>();
  for (const action of actions) {
    const field = schema.byProperty.get(topLevel(action.path));
    if (field) names.add(field.name);
  }
  return names;
}

function topLevel(path: PathInput): string {
  try {
    return String(parsePath(path)[0]);
  } catch {
    return ''; // not a path at all: compiling the update says so, naming it
  }
}
