import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { CodecError } from '../codecs/codec';
import type { Item } from '../codecs/object-codec';
import { MigrationError } from '../errors/migration-error';
import type { AnyClass } from '../metadata/options';
import { upgradeItem } from '../model/upgrade-item';
import { formatPath } from '../operations/to-validation-error';
import { compileModel } from '../schema/compile-model';
import { defineMigration, type Migration } from './define-migration';

/**
 * The backfill of a model's migrate-on-read upgrades (`@Table({ upgrades })`): a migration to the
 * model's current version whose `up` upgrades each older item exactly as a read does (the same
 * steps, from the item's own version), then checks that the model reads the result, so a backfill
 * never writes an item the application cannot decode (that item is a dead letter instead). It has
 * no `down`: upgrade steps go one way. Run it like any migration:
 *
 * ```ts
 * await migrator(Person, [upgradeBackfill(Person)]).apply();
 * ```
 */
export function upgradeBackfill(model: AnyClass): Migration {
  const schema = compileModel(model);
  const upgrades = schema.upgrades;
  if (!upgrades) {
    throw new MigrationError('declares no upgrades (@Table({ upgrades })): there is nothing to backfill', {
      model: schema.entity?.name ?? schema.model,
      code: 'definition',
    });
  }
  return defineMigration({
    version: upgrades.version,
    description: `backfill: items upgraded to version ${upgrades.version} as reads upgrade them`,
    up: (plain) => {
      const stored = marshall(plain, { removeUndefinedValues: true, convertClassInstanceToMap: true }) as Item;
      try {
        const upgraded = upgradeItem(upgrades, stored, false);
        schema.codec.decode(upgraded);
        return unmarshall(upgraded);
      } catch (error) {
        // The attribute at fault named, as a DecodeError names it.
        if (error instanceof CodecError && error.path.length > 0) {
          throw new Error(`${formatPath(error.path)}: ${error.message} [${error.rule}]`, { cause: error });
        }
        throw error;
      }
    },
  });
}
