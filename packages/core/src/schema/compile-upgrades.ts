import { numberCodec } from '../codecs/scalar-codecs';
import type { ItemUpgrades } from '../metadata/options';
import type { CompiledField } from './compile-fields';

/** Migrate on read, compiled: the current version, its attribute, and the step from each older version (index n − 1). */
export interface UpgradeSchema {
  readonly version: number;
  readonly attribute: string;
  readonly steps: readonly ((item: Record<string, unknown>) => Record<string, unknown>)[];
}

type Fail = (message: string, rule: string, attribute?: string) => never;

/**
 * Checks `@Table({ upgrades })`: a whole version of at least 1, a step for every older version, and
 * an attribute no field is stored under. `undefined` when the model declares none.
 */
export function compileUpgrades(
  upgrades: ItemUpgrades | undefined,
  fields: readonly CompiledField[],
  fail: Fail,
): UpgradeSchema | undefined {
  if (upgrades === undefined) return undefined;
  const { version, steps } = upgrades;
  if (!Number.isInteger(version) || version < 1) {
    fail(`upgrades.version is a whole number of at least 1, got ${JSON.stringify(version)}`, 'upgrades');
  }
  const attribute = upgrades.attribute ?? '_v';
  if (typeof attribute !== 'string' || attribute === '')
    fail('upgrades.attribute must be a non-empty name', 'upgrades');
  const clash = fields.find((field) => field.name === attribute);
  if (clash) {
    fail(
      `upgrades.attribute "${attribute}" is where ${clash.property} is stored: give it another name`,
      'upgrades',
      clash.property,
    );
  }
  const compiled: ((item: Record<string, unknown>) => Record<string, unknown>)[] = [];
  for (let from = 1; from < version; from++) {
    const step = (steps as Record<number, unknown> | undefined)?.[from];
    if (typeof step !== 'function') {
      fail(
        `upgrades.steps[${from}] must be a function from a version ${from} item to a version ${from + 1} one`,
        'upgrades',
      );
    }
    compiled.push(step as (item: Record<string, unknown>) => Record<string, unknown>);
  }
  for (const key of Object.keys(steps ?? {})) {
    const from = Number(key);
    if (!Number.isInteger(from) || from < 1 || from >= version) {
      fail(`upgrades.steps[${key}] is not a version older than ${version}`, 'upgrades');
    }
  }
  return Object.freeze({ version, attribute, steps: Object.freeze(compiled) });
}

/** The version attribute as a computed field: every write stores the current version. */
export function versionAttributeField(upgrades: UpgradeSchema): CompiledField {
  const { version } = upgrades;
  return {
    property: upgrades.attribute,
    name: upgrades.attribute,
    codec: numberCodec,
    role: undefined,
    required: true,
    nullable: false,
    makeDefault: undefined,
    options: {},
    indexes: [],
    lifecycle: [],
    compute: () => version,
  };
}
