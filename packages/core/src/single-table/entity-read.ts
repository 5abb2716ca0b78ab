import type { Item } from '../codecs/object-codec';
import { buildCondition, type Condition, type ConditionBuilder } from '../expressions/condition';
import { isKeyObject } from '../operations/key';
import { modelValidationError } from '../operations/to-validation-error';
import type { ModelSchema } from '../schema/compile-model';
import type { EntitySchema, TemplateKey } from './compile-entity';
import { familyOf } from './entity-registry';

/** A read of an entity's items, as the general query and scan machinery takes it. */
export interface EntityRead {
  /**
   * The partition, as the table's partition key attribute holds it (`{ pk: 'USER#u1' }`), or for
   * an index keyed on attributes, the caller's key as given.
   */
  readonly partition: unknown;
  /** The sort key condition: the entity's sort key template, rendered as far as the key object goes. */
  readonly where: Condition | undefined;
  /** The caller's filter, and the entity attribute: items of other entities never come back. */
  readonly filter: Condition;
}

/**
 * An entity's query of one partition of its shared table: `key` holds the attributes of its
 * partition template (and, optionally, the leading attributes of its sort template), e.g.
 * `Order.query({ userId: 'u1' })` reads partition `USER#u1` where the sort key begins with
 * `ORDER#`. Only the entity's own items are returned (a filter on the entity attribute). Refused
 * before sending: a key that is not an object, a property no key template names, and a `where`
 * (the sort key condition comes from the template).
 */
export function entityQuery(
  schema: ModelSchema,
  key: unknown,
  where: Condition | undefined,
  filter: Condition | undefined,
  index?: string,
): EntityRead {
  const entity = schema.entity as NonNullable<ModelSchema['entity']>;
  const keyedOnAttributes = index === undefined ? undefined : entity.table.attributeIndexes.get(index);
  if (keyedOnAttributes) {
    // An index keyed on the entities' own attributes is queried as any model's index is.
    const missing = keyedOnAttributes.hash.filter(
      ([name]) => !schema.fields.some((field) => field.name === name && !field.compute),
    );
    if (missing.length > 0) {
      throw modelValidationError(
        schema,
        `is not in index "${index as string}": it declares no attribute stored as ${missing.map(([name]) => name).join(', ')}`,
        'unknown-index',
      );
    }
    return { partition: key, where, filter: entityFilter(schema, filter, 'query') };
  }
  const { hashKey, rangeKey } = index === undefined ? entity : indexKeys(schema, index);
  const named = new Set([...hashKey.template.properties, ...(rangeKey?.template.properties ?? [])]);
  if (!isKeyObject(key)) {
    throw modelValidationError(
      schema,
      `is an entity of table ${entity.table.name}: query it with an object holding ${hashKey.template.properties.join(', ') || 'nothing'} (the attributes of its ${index === undefined ? '' : `index ${index}'s `}partition key template)`,
      'key-arity',
    );
  }
  for (const property of Object.keys(key)) {
    if (!named.has(property)) {
      throw modelValidationError(
        schema,
        `"${property}" is in no key template of the entity (${[...named].join(', ')}); conditions on other attributes go in filter`,
        'key-arity',
        property,
      );
    }
  }
  if (where !== undefined) {
    throw modelValidationError(
      schema,
      "an entity's sort key condition comes from its template: give the leading sort key attributes in the key object instead of where",
      'entity-where',
    );
  }
  const partition = { [hashKey.name]: hashKey.template.render(key) };
  const start = rangeKey?.template.renderStart(key).text ?? '';
  return {
    partition,
    where: rangeKey && start !== '' ? condition((c) => c.beginsWith(rangeKey.name, start)) : undefined,
    filter: entityFilter(schema, filter, 'query'),
  };
}

/**
 * `filter`, and the entity attribute: what keeps another entity's items out of a read. The
 * entity's subclass entities are its own (a read through `Vehicle` yields `Car`s too).
 */
export function entityFilter(schema: ModelSchema, filter: Condition | undefined, read: 'query' | 'scan'): Condition {
  const entity = schema.entity as NonNullable<ModelSchema['entity']>;
  const { names } = familyOf(entity.table, entity.name, entity.cls);
  return condition((c) => {
    let own = names.length === 1 ? c.eq(entity.entityAttribute, entity.name) : c.in(entity.entityAttribute, [...names]);
    if (entity.recognizes) {
      // Items without the attribute the entity recognises (`match`): a scan narrows them by the key
      // prefixes (a query's filter may not name key attributes); each item read is then tested
      // (`entityKeep`).
      const prefixes = read === 'scan' ? [...(entity.keyPrefixes ?? [])] : [];
      const legacy = [
        c.notExists(entity.entityAttribute),
        ...prefixes.map(([name, prefix]) => c.beginsWith(name, prefix)),
      ];
      own = c.or(own, c.and(...legacy));
    }
    return filter ? c.and(own, filter) : own;
  });
}

/**
 * For an entity that recognises items without the entity attribute (`match`): which items a read
 * keeps (the filter lets every such item through; the entity's own test decides). `undefined`
 * otherwise: the filter alone decides.
 */
export function entityKeep(schema: ModelSchema): ((item: Item) => boolean) | undefined {
  const entity = schema.entity;
  const recognizes = entity?.recognizes;
  if (!entity || !recognizes) return undefined;
  const attribute = entity.entityAttribute;
  return (item) => item[attribute] !== undefined || recognizes(item);
}

/** A condition on the stored attributes the library computes (`pk`, `sk`, `_et`: their own paths). */
function condition(build: (c: ConditionBuilder<Record<string, string>>) => Condition): Condition {
  return buildCondition<Record<string, string>>(build);
}

/**
 * The key templates an entity's query of `index` uses: the entity's templates of the index's own
 * key attributes, or of the table's keys where the index keys on them (an inverted index: hash
 * `sk`, range `pk`). An index the entity has no partition template for holds none of its items.
 */
export function indexKeys(schema: ModelSchema, index: string): Pick<EntitySchema, 'hashKey' | 'rangeKey'> {
  const entity = schema.entity as EntitySchema;
  const definition = entity.table.indexes.get(index);
  if (!definition) {
    throw modelValidationError(
      schema,
      `table ${entity.table.name} has no index "${index}" (its indexes: ${[...entity.table.indexes.keys()].join(', ') || 'none'})`,
      'unknown-index',
    );
  }
  const own = entity.indexes.get(index);
  const templateOf = (attribute: string | undefined): TemplateKey | undefined => {
    if (attribute === undefined) return undefined;
    if (attribute === entity.hashKey.name) return entity.hashKey;
    if (attribute === entity.rangeKey?.name) return entity.rangeKey;
    return own?.hashKey?.name === attribute
      ? own.hashKey
      : own?.rangeKey?.name === attribute
        ? own.rangeKey
        : undefined;
  };
  // A local index shares the table's partition key.
  const hashKey = templateOf(definition.hash ?? entity.hashKey.name);
  if (!hashKey) {
    throw modelValidationError(
      schema,
      `is not in index "${index}": give @Entity({ indexes: { ${index}: { pk, sk } } }) templates to put its items there`,
      'unknown-index',
    );
  }
  return { hashKey, rangeKey: templateOf(definition.range) };
}
