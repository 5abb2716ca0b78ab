import { CodecError } from '../codecs/codec';
import type { Item } from '../codecs/object-codec';
import { setOwn } from '../codecs/own-property';
import type { Connection } from '../connection/connection';
import type { AnyClass } from '../metadata/options';
import { familyOf } from '../single-table/entity-registry';
import { DecodeError } from '../errors/item-errors';
import { keyOfItem } from '../operations/key';
import { formatPath } from '../operations/to-validation-error';
import type { ModelSchema } from '../schema/compile-model';
import { bindConnection } from './instance-slots';
import { upgradeItem } from './upgrade-item';
import { describeKey } from './item-error-messages';
import { recordStored, recordStoredPart } from './stored-state';

/**
 * Turns the stored items of one model on one connection into instances, recording on each what it
 * was read as (what `save()` compares with) and the connection it belongs to. Every read path
 * (get, query, scan, batches, transactions, update results) decodes through it.
 */
export class ItemDecoder<T extends object> {
  constructor(
    private readonly schema: ModelSchema<T>,
    private readonly connection: Connection,
    /** The table name, for error messages (known once the connection's prefix is applied). */
    private readonly tableName: () => string,
    /** The decoder of another model on the same connection: an entity's subclass entity. */
    private readonly decoderOf?: (cls: AnyClass) => ItemDecoder<object>,
  ) {}

  /**
   * An instance from a stored item; `DecodeError` (naming the model, the attribute and the item's
   * key) when the item does not fit the model, a required attribute it lacks included.
   */
  decode(item: Item): T {
    const subclass = this.subclassDecoder(item);
    if (subclass) return subclass.decode(item) as T;
    const instance = this.instance(item, false);
    recordStored(instance, item, this.connection);
    return instance;
  }

  /** An instance from part of a stored item (a projection): the other attributes are unknown, not absent. */
  decodePart(item: Item, attributes: ReadonlySet<string>): T {
    const subclass = this.subclassDecoder(item);
    if (subclass) return subclass.decodePart(item, attributes) as T;
    const instance = this.instance(item, true);
    for (const field of this.schema.fields) {
      // An attribute the read did not return is unknown: not the codec's value for "absent" (an empty set).
      if (field.codec.whenAbsent && !attributes.has(field.name)) setOwn(instance, field.property, undefined);
    }
    recordStoredPart(instance, item, attributes);
    bindConnection(instance, this.connection);
    return instance;
  }

  /** The item decoded, or `undefined` when it does not fit the model (for errors that carry it). */
  decodeQuietly(item: Item): T | undefined {
    try {
      return this.decode(item);
    } catch {
      return undefined;
    }
  }

  /**
   * For an entity's item of one of its subclass entities (a `Car` read through `Vehicle`), the
   * subclass's decoder: the instance is a `Car`, with every field of `Car`.
   */
  private subclassDecoder(item: Item): ItemDecoder<object> | undefined {
    const { entity } = this.schema;
    if (!entity || !this.decoderOf) return undefined;
    const found = item[entity.entityAttribute]?.S;
    if (found === undefined || found === entity.name) return undefined;
    const cls = familyOf(entity.table, entity.name, entity.cls).classes.get(found);
    return cls ? this.decoderOf(cls) : undefined;
  }

  private instance(item: Item, partial: boolean): T {
    const { entity } = this.schema;
    // An entity never decodes another entity's item (nor one with no entity attribute) as its own.
    if (entity) {
      const found = item[entity.entityAttribute];
      // An item without it is this entity's when the entity recognises it (`@Entity({ match })`).
      const recognized = found === undefined && (partial || entity.recognizes?.(item) === true);
      if (found?.S !== entity.name && !recognized) {
        this.failed(
          new CodecError(
            found === undefined
              ? `the item has no ${entity.entityAttribute} attribute, so it is not a ${entity.name}`
              : `the item is a ${JSON.stringify(found.S ?? found)} (its ${entity.entityAttribute}), not a ${entity.name}`,
            'entity',
            found,
          ).withPath(entity.entityAttribute),
          item,
        );
      }
    }
    try {
      // Migrate on read: an item of an older item-schema version is decoded as upgraded; what
      // save() compares with stays the item as stored, so it writes what the upgrade changed.
      const current = this.schema.upgrades ? upgradeItem(this.schema.upgrades, item, partial) : item;
      return this.schema.codec.decode(current, undefined, partial);
    } catch (error) {
      return this.failed(error, item);
    }
  }

  private failed(error: unknown, item: Item): never {
    if (!(error instanceof CodecError)) throw error;
    const key = describeKey(keyOfItem(this.schema, item));
    const table = this.tableName();
    throw new DecodeError(
      `${this.schema.model}.${formatPath(error.path)}: ${error.message} [${error.rule}] ` +
        `(item ${JSON.stringify(key)} in table ${table})`,
      { model: this.schema.model, attribute: formatPath(error.path), rule: error.rule, table, key },
    );
  }
}
