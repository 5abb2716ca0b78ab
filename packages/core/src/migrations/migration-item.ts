import type { AttributeValue, UpdateItemCommandInput } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { Item } from '../codecs/object-codec';
import type { MigrationStep, PlainItem } from './define-migration';

/** The items a migration run visits, and how their version is stored. */
export interface MigrationTarget {
  /** The model or entity, for messages. */
  readonly model: string;
  /** The table's key attributes (hash first): a transform must leave them as they are. */
  readonly keyNames: readonly string[];
  /** Where each item's schema version is stored (the model's `upgrades.attribute`, default `_v`). */
  readonly versionAttribute: string;
  /** Whether a scanned item is one of the model's (on a shared table, one of the entity's). */
  readonly owns: (item: Item) => boolean;
}

/** One run of one migration, one way. */
export interface MigrationStepPlan {
  /** The migration's version. */
  readonly version: number;
  readonly direction: 'up' | 'down';
  readonly transform: MigrationStep;
  /** The version the run leaves an item at: `version` going up, the previous one going down (1: attribute removed). */
  readonly resultVersion: number;
}

/** What a run does with one item. */
export type ItemMigration =
  /** Not this run's: already of the version (up), or not of it (down). */
  | { readonly kind: 'not-due' }
  /** The transform returned `undefined`: left as it is, version unchanged. */
  | { readonly kind: 'left-out' }
  /** To be stored as `item`; `unchanged` when only the version attribute differs. */
  | { readonly kind: 'write'; readonly item: Item; readonly unchanged: boolean }
  /** The transform failed, or what it returned cannot be stored: for the dead-letter report. */
  | { readonly kind: 'failed'; readonly reason: string; readonly cause?: unknown };

/** An item's schema version: its version attribute, 1 when it has none; `NaN` when it holds no number. */
export function itemVersion(item: Item, attribute: string): number {
  const stored = item[attribute];
  if (stored === undefined) return 1;
  return stored.N === undefined ? Number.NaN : Number(stored.N);
}

/** Transforms one stored item for `plan`. Never throws: a failure is a result for the dead-letter report. */
export async function migrateItem(
  plan: MigrationStepPlan,
  target: MigrationTarget,
  item: Item,
): Promise<ItemMigration> {
  const attribute = target.versionAttribute;
  const version = itemVersion(item, attribute);
  if (!Number.isInteger(version) || version < 1) {
    return { kind: 'failed', reason: `its version attribute ${attribute} holds no whole number of at least 1` };
  }
  if (plan.direction === 'up' ? version >= plan.version : version !== plan.version) return { kind: 'not-due' };
  let plain: PlainItem;
  try {
    plain = unmarshall(item);
  } catch (error) {
    return { kind: 'failed', reason: `it cannot be read as plain values: ${message(error)}`, cause: error };
  }
  let next: unknown;
  try {
    next = await plan.transform(plain);
  } catch (error) {
    return { kind: 'failed', reason: `${plan.direction} threw: ${message(error)}`, cause: error };
  }
  if (next === undefined) return { kind: 'left-out' };
  if (typeof next !== 'object' || next === null || Array.isArray(next)) {
    return { kind: 'failed', reason: `${plan.direction} returned ${describe(next)}, not an item (or undefined)` };
  }
  let stored: Item;
  try {
    stored = marshall(next, { removeUndefinedValues: true, convertClassInstanceToMap: true });
  } catch (error) {
    return {
      kind: 'failed',
      reason: `what ${plan.direction} returned cannot be stored: ${message(error)}`,
      cause: error,
    };
  }
  for (const name of target.keyNames) {
    if (!sameValue(stored[name], item[name])) {
      return {
        kind: 'failed',
        reason: `${plan.direction} changed the key attribute ${name}: a migration keeps each item's key (a key template change is moveEntityKeys' job)`,
      };
    }
  }
  if (plan.resultVersion > 1) stored[attribute] = { N: String(plan.resultVersion) };
  else delete stored[attribute];
  return { kind: 'write', item: stored, unchanged: sameAttributesBesides(item, stored, attribute) };
}

export type WriteGuard = 'item' | 'version';

/**
 * The `UpdateItem` that stores a migrated item: only the attributes that changed are set or removed
 * (attributes another writer adds meanwhile survive), conditioned on the item still being as read
 * — every attribute (`guard: 'item'`), or its version attribute alone (`'version'`). Either way a
 * second run, or a second worker, finds the version changed and writes nothing: each item is
 * migrated once.
 */
export function migrationUpdate(
  tableName: string,
  target: MigrationTarget,
  read: Item,
  next: Item,
  guard: WriteGuard,
): UpdateItemCommandInput {
  const keyNames = new Set(target.keyNames);
  const names: Record<string, string> = {};
  const values: Record<string, AttributeValue> = {};
  const nameOf = (attribute: string): string => {
    const placeholder = `#a${Object.keys(names).length}`;
    names[placeholder] = attribute;
    return placeholder;
  };
  const placeholders = new Map<string, string>();
  const name = (attribute: string): string => {
    let placeholder = placeholders.get(attribute);
    if (placeholder === undefined) placeholders.set(attribute, (placeholder = nameOf(attribute)));
    return placeholder;
  };
  const value = (prefix: string, attributeValue: AttributeValue): string => {
    const placeholder = `:${prefix}${Object.keys(values).length}`;
    values[placeholder] = attributeValue;
    return placeholder;
  };

  const set: string[] = [];
  const remove: string[] = [];
  for (const [attribute, attributeValue] of Object.entries(next)) {
    if (keyNames.has(attribute) || attributeValue === undefined) continue;
    if (!sameValue(read[attribute], attributeValue)) set.push(`${name(attribute)} = ${value('n', attributeValue)}`);
  }
  for (const attribute of Object.keys(read)) {
    if (!keyNames.has(attribute) && next[attribute] === undefined) remove.push(name(attribute));
  }

  const conditions = [`attribute_exists(${name(target.keyNames[0] as string)})`];
  const guarded = guard === 'item' ? Object.keys(read) : [target.versionAttribute];
  for (const attribute of guarded) {
    if (keyNames.has(attribute)) continue;
    const readValue = read[attribute];
    conditions.push(
      readValue === undefined
        ? `attribute_not_exists(${name(attribute)})`
        : `${name(attribute)} = ${value('o', readValue)}`,
    );
  }
  const update = [set.length > 0 ? `SET ${set.join(', ')}` : '', remove.length > 0 ? `REMOVE ${remove.join(', ')}` : '']
    .filter(Boolean)
    .join(' ');
  const key: Item = {};
  for (const keyName of target.keyNames) key[keyName] = read[keyName] as AttributeValue;
  return {
    TableName: tableName,
    Key: key,
    UpdateExpression: update,
    ConditionExpression: conditions.join(' AND '),
    ExpressionAttributeNames: names,
    ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
  };
}

/** The item's key attributes. */
export function keyOf(target: MigrationTarget, item: Item): Item {
  const key: Item = {};
  for (const name of target.keyNames) key[name] = item[name] as AttributeValue;
  return key;
}

function sameAttributesBesides(a: Item, b: Item, ignored: string): boolean {
  const names = new Set([...Object.keys(a), ...Object.keys(b)]);
  names.delete(ignored);
  for (const attribute of names) if (!sameValue(a[attribute], b[attribute])) return false;
  return true;
}

/** The same stored value, as far as a migration needs to know (numbers spelled differently count as changed: a harmless write). */
function sameValue(a: AttributeValue | undefined, b: AttributeValue | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  return JSON.stringify(a, binaryAsText) === JSON.stringify(b, binaryAsText);
}

function binaryAsText(_key: string, value: unknown): unknown {
  return value instanceof Uint8Array ? Buffer.from(value).toString('base64') : value;
}

const describe = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));
