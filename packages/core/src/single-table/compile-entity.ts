import { ModelDefinitionError } from '../errors/model-definition-error';
import type { Item } from '../codecs/object-codec';
import type { AnyClass, ModelCacheOptions, TableOptions } from '../metadata/options';
import { compileTemplate, type CompiledTemplate, type TemplateField } from './compile-template';
import type { SharedTable } from './define-table';

/** Key templates by key position: `pk` fills the partition key, `sk` the sort key. */
export interface KeyTemplates {
  readonly pk?: string;
  readonly sk?: string;
}

/** What `@Entity(table, options)` takes. */
export interface EntityOptions {
  /**
   * The entity's name, written in the table's entity attribute on every item and read back to tell
   * entities apart; default the class name. Unique within a table.
   */
  readonly name?: string;
  /**
   * The table key's templates: `{ pk: 'USER#{userId}', sk: 'PROFILE' }` (`sk` exactly when the table
   * has a sort key). A subclass of an entity may leave them out: it inherits its parent's, and its
   * parent's index templates with them.
   */
  readonly keys?: KeyTemplates & { readonly pk: string };
  /** Templates of the shared table's indexes this entity is in: `{ gsi1: { pk: 'EMAIL#{email}', sk: 'USER' } }`. */
  readonly indexes?: Readonly<Record<string, KeyTemplates>>;
  /**
   * How to recognise the entity's items that lack the entity attribute (a table written before
   * Dynamodel): `'keys'`, by the literal starts of its key templates (`USER#`, `ORDER#`), or a
   * predicate of the stored item. Its writes still store the entity attribute. Without it, an item
   * without the entity attribute is no entity's item.
   */
  readonly match?: 'keys' | ((item: Item) => boolean);
  /** As in `@Table`. */
  readonly cache?: ModelCacheOptions;
  readonly unknownProperties?: TableOptions['unknownProperties'];
  /** As in `@Table`: migrate on read. */
  readonly upgrades?: TableOptions['upgrades'];
  readonly unknownAttributes?: TableOptions['unknownAttributes'];
}

/** One key attribute of a shared table and the template that fills it for this entity. */
export interface TemplateKey {
  /** The stored attribute (`pk`, `gsi1sk`). */
  readonly name: string;
  readonly template: CompiledTemplate;
}

/** An entity compiled: its table, its name, and the templates of its keys and index keys. */
export interface EntitySchema {
  readonly table: SharedTable;
  /** The entity's class (a read dispatches to its subclasses by the stored name, `entity-registry.ts`). */
  readonly cls: AnyClass;
  readonly name: string;
  /** The attribute holding the entity's name on every item. */
  readonly entityAttribute: string;
  readonly hashKey: TemplateKey;
  readonly rangeKey: TemplateKey | undefined;
  /** The indexes the entity is in, with the templates of their keys. */
  readonly indexes: ReadonlyMap<string, { readonly hashKey?: TemplateKey; readonly rangeKey?: TemplateKey }>;
  /**
   * For an entity declared with `match`: whether an item without the entity attribute is its own
   * (`keys`: its table keys start with the templates' literal prefixes).
   */
  readonly recognizes: ((item: Item) => boolean) | undefined;
  /** With `match: 'keys'`: the literal starts its table keys have (what a scan's filter checks). */
  readonly keyPrefixes: ReadonlyMap<string, string> | undefined;
}

/** A model field, as an entity sees it: its stored name and whether it is a key the class declared itself. */
export interface EntityField extends TemplateField {
  readonly name: string;
  readonly role: 'hash' | 'range' | undefined;
  readonly indexes: readonly unknown[];
}

/**
 * Checks an entity against its table and binds its templates to its fields. Errors are
 * `ModelDefinitionError`s naming the model: a key declared on the class (an entity's keys come from
 * its templates), a template missing or given where the table has no such key, an index the table
 * does not define, an attribute stored under one of the table's own names.
 */
export function compileEntity(
  model: string,
  cls: AnyClass,
  table: SharedTable,
  options: EntityOptions,
  fields: readonly EntityField[],
): EntitySchema {
  const fail = (message: string, rule: string, attribute?: string): never => {
    throw new ModelDefinitionError(message, { model, rule, ...(attribute ? { attribute } : {}) });
  };
  const name = options.name ?? model;
  if (typeof name !== 'string' || name === '') fail('the entity name must be a non-empty string', 'entity-name');
  for (const field of fields) {
    if (field.role) {
      fail(
        `is declared with @${field.role === 'hash' ? 'HashKey' : 'RangeKey'}, but an entity's keys come from its key templates (@Entity({ keys }))`,
        'entity-keys',
        field.property,
      );
    }
    if (field.indexes.length > 0) {
      fail(
        "has @Index, but an entity's index keys come from its templates (@Entity({ indexes }))",
        'entity-keys',
        field.property,
      );
    }
  }
  const reserved = new Map<string, string>([[table.entityAttribute, 'the entity attribute']]);
  reserved.set(table.hash, 'the partition key');
  if (table.range !== undefined) reserved.set(table.range, 'the sort key');
  for (const [indexName, index] of table.indexes) {
    if (index.hash !== undefined && !reserved.has(index.hash)) reserved.set(index.hash, `a key of index ${indexName}`);
    if (index.range !== undefined && !reserved.has(index.range))
      reserved.set(index.range, `a key of index ${indexName}`);
  }
  for (const field of fields) {
    const role = reserved.get(field.name);
    if (role !== undefined) {
      fail(
        `is stored as "${field.name}", which is ${role} of table ${table.name}: give it another name (@Attribute({ name }))`,
        'entity-attribute-name',
        field.property,
      );
    }
  }
  const byProperty = new Map(fields.map((field) => [field.property, field]));
  const bind = (attribute: string, source: string): TemplateKey => ({
    name: attribute,
    template: compileTemplate(model, attribute, source, byProperty),
  });

  const keys = (options as { keys?: KeyTemplates }).keys;
  if (!keys || typeof keys.pk !== 'string')
    fail('@Entity needs keys: { pk } (and sk when the table has a sort key)', 'entity-keys');
  const templates = keys as KeyTemplates & { pk: string };
  if (table.range === undefined && templates.sk !== undefined) {
    fail(`keys.sk is given, but table ${table.name} has no sort key`, 'entity-keys');
  }
  if (table.range !== undefined && templates.sk === undefined) {
    fail(`table ${table.name} has a sort key (${table.range}): give keys.sk`, 'entity-keys');
  }
  const hashKey = bind(table.hash, templates.pk);
  const rangeKey = table.range !== undefined ? bind(table.range, templates.sk as string) : undefined;

  const indexes = new Map<string, { hashKey?: TemplateKey; rangeKey?: TemplateKey }>();
  for (const [indexName, given] of Object.entries(options.indexes ?? {})) {
    const index = table.indexes.get(indexName);
    if (!index && table.attributeIndexes.has(indexName)) {
      fail(
        `indexes.${indexName}: index ${indexName} is keyed on the entities' own attributes, so it takes no templates: the entity is in it when it declares them`,
        'entity-index',
      );
    }
    if (!index) {
      const known = [...table.indexes.keys()];
      fail(
        `indexes.${indexName}: table ${table.name} has no index ${indexName}` +
          (known.length > 0 ? ` (it has ${known.join(', ')})` : ' (it defines none)'),
        'entity-index',
      );
    }
    const entry: { hashKey?: TemplateKey; rangeKey?: TemplateKey } = {};
    for (const [position, attribute, template] of [
      ['pk', index?.hash, given.pk],
      ['sk', index?.range, given.sk],
    ] as const) {
      if (template !== undefined && attribute === undefined) {
        fail(
          `indexes.${indexName}.${position} is given, but index ${indexName} has no ${position === 'pk' ? 'partition' : 'sort'} key of its own`,
          'entity-index',
        );
      }
      if (template === undefined && attribute !== undefined && attribute !== table.hash && attribute !== table.range) {
        fail(`indexes.${indexName}: give ${position}, the template of ${attribute}`, 'entity-index');
      }
      if (template !== undefined && attribute !== undefined) {
        if (attribute === table.hash || attribute === table.range) {
          fail(
            `indexes.${indexName}.${position}: ${attribute} is a key of the table, filled by keys.${attribute === table.hash ? 'pk' : 'sk'}`,
            'entity-index',
          );
        }
        entry[position === 'pk' ? 'hashKey' : 'rangeKey'] = bind(attribute, template);
      }
    }
    indexes.set(indexName, entry);
  }
  const { recognizes, keyPrefixes } = compileMatch(options.match, hashKey, rangeKey, fail);
  return Object.freeze({
    table,
    cls,
    name,
    recognizes,
    keyPrefixes,
    entityAttribute: table.entityAttribute,
    hashKey,
    rangeKey,
    indexes,
  });
}

/** How an entity recognises its items that lack the entity attribute (`EntityOptions.match`). */
function compileMatch(
  match: EntityOptions['match'],
  hashKey: TemplateKey,
  rangeKey: TemplateKey | undefined,
  fail: (message: string, rule: string) => never,
): Pick<EntitySchema, 'recognizes' | 'keyPrefixes'> {
  if (match === undefined) return { recognizes: undefined, keyPrefixes: undefined };
  if (typeof match === 'function') return { recognizes: match, keyPrefixes: undefined };
  if (match !== 'keys')
    return fail(`match is 'keys' or a function of the stored item, not ${JSON.stringify(match)}`, 'entity-match');
  const prefixes = new Map<string, string>();
  const checks: ((item: Item) => boolean)[] = [];
  for (const key of [hashKey, rangeKey]) {
    const prefix = key?.template.prefix ?? '';
    if (!key || prefix === '') continue;
    prefixes.set(key.name, prefix);
    // A template without values (`PROFILE`) is the whole key, not its start.
    const exact = key.template.properties.length === 0;
    checks.push((item) => {
      const text = item[key.name]?.S;
      return text !== undefined && (exact ? text === prefix : text.startsWith(prefix));
    });
  }
  if (prefixes.size === 0) {
    return fail(
      "match: 'keys' needs a key template that starts with literal text (USER#{userId}) to recognise items by",
      'entity-match',
    );
  }
  return { recognizes: (item) => checks.every((check) => check(item)), keyPrefixes: prefixes };
}
