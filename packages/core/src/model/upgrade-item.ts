import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { CodecError } from '../codecs/codec';
import type { Item } from '../codecs/object-codec';
import type { UpgradeSchema } from '../schema/compile-upgrades';

/**
 * An item of an older item-schema version brought to the current one (`@Table({ upgrades })`): its
 * version read from the version attribute (absent: 1), each step applied in turn to the item as
 * plain values, and the result stored back as AttributeValues. The item itself when it is current.
 * A `CodecError` (rule `upgrade`) for an item of a newer version than the model's, a step that
 * throws or returns no object, or a partial item (a projection: a step may need what it lacks).
 */
export function upgradeItem(upgrades: UpgradeSchema, item: Item, partial: boolean): Item {
  const stored = item[upgrades.attribute];
  const version = stored?.N !== undefined ? Number(stored.N) : 1;
  if (version === upgrades.version) return item;
  if (!Number.isInteger(version) || version < 1 || version > upgrades.version) {
    throw new CodecError(
      `the item is of version ${stored?.N ?? JSON.stringify(stored)}, and the model knows versions 1 to ${upgrades.version} (written by a newer deploy?)`,
      'upgrade',
      stored,
    ).withPath(upgrades.attribute);
  }
  if (partial) {
    throw new CodecError(
      `the item is of version ${version} and must be upgraded to ${upgrades.version}, which needs the whole item: read it without a projection`,
      'upgrade',
      stored,
    ).withPath(upgrades.attribute);
  }
  let plain: Record<string, unknown>;
  try {
    plain = unmarshall(item);
  } catch (error) {
    throw new CodecError(
      `the version ${version} item cannot be read as plain values for its upgrade: ${message(error)}`,
      'upgrade',
      stored,
    ).withPath(upgrades.attribute);
  }
  for (let from = version; from < upgrades.version; from++) {
    const step = upgrades.steps[from - 1] as (item: Record<string, unknown>) => Record<string, unknown>;
    let next: unknown;
    try {
      next = step(plain);
    } catch (error) {
      throw new CodecError(`upgrades.steps[${from}] failed: ${message(error)}`, 'upgrade', stored).withPath(
        upgrades.attribute,
      );
    }
    if (typeof next !== 'object' || next === null || Array.isArray(next)) {
      throw new CodecError(
        `upgrades.steps[${from}] returned ${next === null ? 'null' : typeof next}, not the upgraded item`,
        'upgrade',
        stored,
      ).withPath(upgrades.attribute);
    }
    plain = next as Record<string, unknown>;
  }
  try {
    const upgraded = marshall(plain, { removeUndefinedValues: true, convertClassInstanceToMap: true }) as Item;
    upgraded[upgrades.attribute] = { N: String(upgrades.version) };
    return upgraded;
  } catch (error) {
    throw new CodecError(`the upgraded item cannot be stored: ${message(error)}`, 'upgrade', stored).withPath(
      upgrades.attribute,
    );
  }
}

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));
