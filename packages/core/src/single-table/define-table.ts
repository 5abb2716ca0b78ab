import type { BillingOption, IndexProjection, StreamViewType, TableSettings } from '../metadata/options';
import { ModelDefinitionError } from '../errors/model-definition-error';
import { checkTableName } from '../schema/table-schema';

/** A secondary index of a shared table: its key attributes (strings that entities' templates fill). */
export interface SharedIndexOptions {
  /** The partition key attribute (`gsi1pk`). Absent for a local index, which shares the table's. */
  readonly hash?: string;
  /** The sort key attribute (`gsi1sk`). */
  readonly range?: string;
  /** What the index copies besides the keys; default `'ALL'`. */
  readonly projection?: IndexProjection;
}

/**
 * A global index of a shared table keyed on the entities' own attributes (DynamoDB's multi-attribute
 * keys: up to four per key, each S, N or B), in key order. An entity is in it when it declares every
 * partition key attribute (by stored name, of the declared type); its items are indexed when they
 * hold them. Queried as `Model.query({ index, key: { tenantId, status } }, { where })`.
 */
export interface AttributeIndexOptions {
  readonly attributes: {
    readonly hash: Readonly<Record<string, KeyAttributeType>>;
    readonly range?: Readonly<Record<string, KeyAttributeType>>;
  };
  readonly projection?: IndexProjection;
}

/** A key attribute's stored type. */
export type KeyAttributeType = 'S' | 'N' | 'B';

/** An attribute-keyed index, checked: its key attributes in key order, with their types. */
export interface AttributeIndex {
  readonly hash: readonly (readonly [string, KeyAttributeType])[];
  readonly range: readonly (readonly [string, KeyAttributeType])[];
  readonly projection: IndexProjection;
}

/** A table several models share (single-table design): declared once, with generic key names. */
export interface SharedTableOptions extends TableSettings {
  /** The table name without the connection's prefix. */
  readonly name: string;
  readonly prefix?: string;
  /** The partition key attribute, e.g. `pk`. Keys of a shared table are strings, filled by templates. */
  readonly hash: string;
  /** The sort key attribute, e.g. `sk`. */
  readonly range?: string;
  /**
   * Secondary indexes by name: overloaded ones, keyed on string attributes each entity fills with
   * its templates (`{ gsi1: { hash: 'gsi1pk', range: 'gsi1sk' } }`), and ones keyed on the entities'
   * own attributes, up to four per key, with their stored types
   * (`{ byTenant: { attributes: { hash: { tenantId: 'S', status: 'S' }, range: { placed: 'S' } } } }`).
   */
  readonly indexes?: Readonly<Record<string, SharedIndexOptions | AttributeIndexOptions>>;
  /** The attribute every item carries its entity's name in; default `_et`. */
  readonly entityAttribute?: string;
  /** The attribute DynamoDB's TTL reads (epoch seconds); entities fill it with `@Ttl`. */
  readonly ttl?: string;
  readonly stream?: StreamViewType | true;
  readonly billing?: BillingOption;
}

/** A shared table's definition, checked. Pass it to `@Entity`. */
export class SharedTable {
  readonly name: string;
  readonly prefix: string;
  readonly hash: string;
  readonly range: string | undefined;
  /** The indexes whose keys entities fill with templates. */
  readonly indexes: ReadonlyMap<string, SharedIndexOptions>;
  /** The indexes keyed on the entities' own attributes. */
  readonly attributeIndexes: ReadonlyMap<string, AttributeIndex>;
  readonly entityAttribute: string;
  readonly options: SharedTableOptions;

  constructor(options: SharedTableOptions) {
    const where = `defineTable(${JSON.stringify(options.name)})`;
    const fail = (message: string): never => {
      throw new ModelDefinitionError(message, { model: where, rule: 'shared-table' });
    };
    checkTableName(`${options.prefix ?? ''}${options.name}`, where);
    const checked = (name: unknown, role: string): string => {
      if (typeof name !== 'string' || name === '' || Buffer.byteLength(name) > 255) {
        fail(`the ${role} attribute name must be 1–255 bytes, not ${JSON.stringify(name)}`);
      }
      return name as string;
    };
    // The table's keys, the entity attribute and the TTL attribute are four different attributes.
    const roles = new Map<string, string>();
    const claim = (name: unknown, role: string): string => {
      const attribute = checked(name, role);
      const other = roles.get(attribute);
      if (other !== undefined) fail(`"${attribute}" is both ${other} and ${role}`);
      roles.set(attribute, role);
      return attribute;
    };
    this.name = options.name;
    this.prefix = options.prefix ?? '';
    this.hash = claim(options.hash, 'the partition key');
    this.range = options.range === undefined ? undefined : claim(options.range, 'the sort key');
    this.entityAttribute = claim(options.entityAttribute ?? '_et', 'the entity attribute');
    if (options.ttl !== undefined) claim(options.ttl, 'the TTL attribute');
    const indexes = new Map<string, SharedIndexOptions>();
    const attributeIndexes = new Map<string, AttributeIndex>();
    for (const [indexName, given] of Object.entries(options.indexes ?? {})) {
      if (!/^[A-Za-z0-9_.-]{3,255}$/.test(indexName)) {
        fail(`index name "${indexName}" is invalid: 3 to 255 characters of A-Z, a-z, 0-9, "_", "." and "-"`);
      }
      if ('attributes' in given) {
        attributeIndexes.set(indexName, attributeIndex(indexName, given, roles, checked, fail));
        continue;
      }
      const index = given;
      if (index.hash === undefined && index.range === undefined) fail(`index ${indexName} names no key attribute`);
      if (index.hash === undefined && this.range === undefined) {
        fail(`index ${indexName} is local (no hash), which needs a table with a sort key`);
      }
      // An index may key on the table's keys (an inverted index: hash sk, range pk) or share an
      // attribute with another index (an overloaded key), but not on the entity or TTL attribute.
      for (const [role, name] of [
        ['partition', index.hash],
        ['sort', index.range],
      ] as const) {
        if (name === undefined) continue;
        const attribute = checked(name, `index ${indexName}'s ${role} key`);
        const other = roles.get(attribute);
        if (other === 'the entity attribute' || other === 'the TTL attribute') {
          fail(`"${attribute}" is both ${other} and index ${indexName}'s ${role} key`);
        }
      }
      if (index.hash !== undefined && index.hash === index.range) {
        fail(`index ${indexName} names "${index.hash}" as both its partition and its sort key`);
      }
      indexes.set(indexName, index);
    }
    this.indexes = indexes;
    this.attributeIndexes = attributeIndexes;
    this.options = options;
    Object.freeze(this);
  }
}

/** Declares a table several models share; models say which entity they are with `@Entity(table, …)`. */
export function defineTable(options: SharedTableOptions): SharedTable {
  return new SharedTable(options);
}

/** Checks an attribute-keyed index: 1–4 attributes per key, each S, N or B, none a role of the table. */
function attributeIndex(
  indexName: string,
  given: AttributeIndexOptions,
  roles: ReadonlyMap<string, string>,
  checked: (name: unknown, role: string) => string,
  fail: (message: string) => never,
): AttributeIndex {
  const keyOf = (part: 'hash' | 'range'): [string, KeyAttributeType][] => {
    const attributes = given.attributes[part];
    if (attributes === undefined) return [];
    const entries = Object.entries(attributes);
    if (entries.length === 0 || entries.length > 4) {
      fail(`index ${indexName}'s ${part} key has ${entries.length} attributes; a key has 1 to 4`);
    }
    return entries.map(([name, type]) => {
      checked(name, `index ${indexName}'s ${part} key`);
      if (type !== 'S' && type !== 'N' && type !== 'B') {
        fail(`index ${indexName}: ${name} is of type ${JSON.stringify(type)}; key attributes are 'S', 'N' or 'B'`);
      }
      const role = roles.get(name);
      if (role !== undefined) fail(`"${name}" is both ${role} and a key of index ${indexName}`);
      return [name, type];
    });
  };
  if (typeof given.attributes !== 'object' || typeof given.attributes.hash !== 'object') {
    fail(`index ${indexName}: attributes.hash names its partition key attributes ({ tenantId: 'S' })`);
  }
  const hash = keyOf('hash');
  const range = keyOf('range');
  const names = [...hash, ...range].map(([name]) => name);
  if (new Set(names).size !== names.length) fail(`index ${indexName} names an attribute twice`);
  return Object.freeze({ hash, range, projection: given.projection ?? 'ALL' });
}
