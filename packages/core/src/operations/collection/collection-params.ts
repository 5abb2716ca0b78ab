import type { Item } from '../../codecs/object-codec';
import { compileCondition } from '../../expressions/compile-condition';
import type { Condition } from '../../expressions/condition';
import { Placeholders } from '../../expressions/placeholders';
import { compileProjection, entityProjected } from '../../expressions/projection';
import { isKeyObject } from '../key';
import { ModelDefinitionError } from '../../errors/model-definition-error';
import type { ModelSchema } from '../../schema/compile-model';
import type { EntitySchema, TemplateKey } from '../../single-table/compile-entity';
import { familyOf } from '../../single-table/entity-registry';
import { indexKeys } from '../../single-table/entity-read';
import { queryParams } from '../query/query-params';
import { allowedNames, checkedReadTarget, type ReadPlan } from '../read/read-plan';
import { modelValidationError } from '../to-validation-error';

/** One model of a collection, under the name its items are grouped by. */
export interface CollectionMember {
  readonly name: string;
  readonly schema: ModelSchema;
}

/** A collection query before encoding: the partition by its template attributes, and per-member filters and projections. */
export interface CollectionRequest {
  readonly key: unknown;
  readonly index?: string | undefined;
  readonly reverse?: boolean | undefined;
  readonly consistent?: boolean | undefined;
  readonly limit?: number | undefined;
  readonly pageSize?: number | undefined;
  /** Member name → what its items must meet; members without one are read whole. */
  readonly filters: ReadonlyMap<string, Condition>;
  /** Member name → the properties to read of its items (the keys always come back). */
  readonly projections: ReadonlyMap<string, readonly string[]>;
}

/** A collection query's plan, and how each item it returns finds its member. */
export interface CollectionPlan {
  readonly plan: ReadPlan;
  /** The table's entity attribute, which every item is dispatched on. */
  readonly entityAttribute: string;
  /** Stored entity name → member name (a member's subclass entities included). */
  readonly memberOf: ReadonlyMap<string, string>;
  /** Member name → the stored names its items hold when partial (`undefined`: whole items). */
  readonly partial: ReadonlyMap<string, ReadonlySet<string> | undefined>;
  /** Which items of a page are the members' (`ReadIO.keep`), where the request's filter does not say. */
  readonly keep: ((item: Item) => boolean) | undefined;
}

/**
 * The members of a collection, checked: entities of one shared table whose families (each with its
 * subclass entities, `entity-registry.ts`) do not overlap, so every stored entity name belongs to
 * one member. A `ModelDefinitionError` naming the collection otherwise.
 */
export function collectionMembers(label: string, members: readonly CollectionMember[]): Map<string, string> {
  const fail = (message: string): never => {
    throw new ModelDefinitionError(message, { model: label, rule: 'collection' });
  };
  if (members.length === 0) fail('names no model');
  const first = members[0] as CollectionMember;
  const memberOf = new Map<string, string>();
  for (const member of members) {
    const entity = member.schema.entity;
    if (!entity) return fail(`${member.name}: ${member.schema.model} is not an entity of a shared table (@Entity)`);
    const table = (first.schema.entity as EntitySchema).table;
    if (entity.table !== table) {
      fail(`${member.name}: ${member.schema.model} lives in table ${entity.table.name}, the others in ${table.name}`);
    }
    for (const name of familyOf(entity.table, entity.name, entity.cls).names) {
      const other = memberOf.get(name);
      if (other !== undefined) {
        fail(
          `entity ${name} belongs to two members (${other} and ${member.name}): a subclass is read through its parent already`,
        );
      }
      memberOf.set(name, member.name);
    }
  }
  return memberOf;
}

/**
 * A query of one partition of a shared table (or of an overloaded index) that returns the items of
 * several entities. Every member renders the partition from `key` with its own partition template;
 * they must agree (the collection's members share that partition). Only the members' items come
 * back: told by the entity attribute as pages are read, or, when a member has a filter of its own
 * (or recognises items without the attribute), by a filter on the entity attribute with each
 * member's filter joined to its names.
 * Refused before sending: a key that is not an object, a property no member's partition template
 * names, members that render different partitions, a member not in the index.
 */
export function collectionParams(
  label: string,
  members: readonly CollectionMember[],
  memberOf: ReadonlyMap<string, string>,
  tableName: string,
  request: CollectionRequest,
): CollectionPlan {
  const first = members[0] as CollectionMember;
  const entity = first.schema.entity as EntitySchema;
  const refuse = (schema: ModelSchema, message: string, rule: string, attribute?: string): never => {
    throw modelValidationError(schema, `in collection ${label}: ${message}`, rule, attribute);
  };
  if (!isKeyObject(request.key)) {
    return refuse(first.schema, 'query it with an object of the partition template attributes', 'key-arity');
  }
  const key = request.key;
  const keyedOnAttributes = request.index === undefined ? undefined : entity.table.attributeIndexes.get(request.index);
  let partition: unknown;
  if (keyedOnAttributes) {
    // An index keyed on the entities' own attributes: every member must hold them; the key is
    // encoded by the first member's fields (the attributes are matched by stored name).
    for (const member of members) {
      const missing = keyedOnAttributes.hash.filter(
        ([name]) => !member.schema.fields.some((field) => field.name === name && !field.compute),
      );
      if (missing.length > 0) {
        refuse(
          member.schema,
          `is not in index "${request.index as string}": it declares no attribute stored as ${missing.map(([name]) => name).join(', ')}`,
          'unknown-index',
        );
      }
    }
    partition = key;
  } else {
    partition = templatePartition(members, key, request.index, refuse);
  }

  const target = checkedReadTarget(first.schema, request);
  const partial = new Map<string, ReadonlySet<string> | undefined>();
  let projectedNames: string[] | undefined;
  if (request.projections.size > 0) {
    const names = new Set(target.keyNames);
    for (const member of members) {
      const properties = request.projections.get(member.name);
      // A member without a projection is read whole: every attribute it declares.
      const own = properties
        ? compileProjection(member.schema, properties, target.keyNames, new Placeholders(), allowedNames(target)).names
        : new Set([...target.keyNames, ...entityProjected(member.schema), ...member.schema.fields.map((f) => f.name)]);
      for (const name of own) names.add(name);
      partial.set(member.name, properties ? own : target.projected);
    }
    projectedNames = [...names];
  } else {
    for (const member of members) partial.set(member.name, target.projected);
  }

  // Items without the entity attribute cannot be told apart by the request's filter (it may not name
  // the key attributes a member recognises them by), so a member's filter can apply to them only
  // when one member alone recognises such items.
  const recognizing = members.filter((member) => member.schema.entity?.recognizes);
  const filteredRecognizing = recognizing.filter((member) => request.filters.has(member.name));
  if (recognizing.length > 1 && filteredRecognizing.length > 0) {
    const member = filteredRecognizing[0] as CollectionMember;
    refuse(
      member.schema,
      `${member.name} has a filter, but ${recognizing.map((m) => m.name).join(' and ')} all recognise items without ${entity.entityAttribute} (match), which a filter cannot tell apart: filter those members' items after reading them`,
      'collection-filter',
    );
  }
  const whole = request.filters.size === 0 && recognizing.length === 0;
  const plan = queryParams(first.schema, tableName, {
    index: request.index,
    partition,
    reverse: request.reverse,
    consistent: request.consistent,
    limit: request.limit,
    pageSize: request.pageSize,
    projectedNames,
    // Without member filters, which items are the members' is told as they are read (a filter does
    // not save capacity in DynamoDB: it reads the items either way), sparing the server the filter.
    ...(whole
      ? {}
      : {
          compileFilter: (placeholders: Placeholders) =>
            memberFilter(entity.entityAttribute, members, memberOf, request.filters, placeholders),
        }),
  });
  return {
    // A cursor of this collection is refused by any other read of the partition, and the reverse.
    plan: { ...plan, scope: { ...plan.scope, model: label } },
    entityAttribute: entity.entityAttribute,
    memberOf,
    partial,
    keep: whole ? memberItems(entity.entityAttribute, memberOf) : collectionKeep(entity.entityAttribute, members),
  };
}

/** The members' items: those whose entity attribute names a member (or a member's subclass entity). */
function memberItems(entityAttribute: string, memberOf: ReadonlyMap<string, string>): (item: Item) => boolean {
  return (item) => {
    const name = item[entityAttribute]?.S;
    return name !== undefined && memberOf.has(name);
  };
}

/**
 * Which items a collection read keeps when a member recognises items without the entity attribute
 * (`@Entity({ match })`): those with it, and those a member recognises. `undefined` otherwise.
 */
export function collectionKeep(
  entityAttribute: string,
  members: readonly CollectionMember[],
): ((item: Item) => boolean) | undefined {
  const tests = members.flatMap((member) =>
    member.schema.entity?.recognizes ? [member.schema.entity.recognizes] : [],
  );
  if (tests.length === 0) return undefined;
  return (item) => item[entityAttribute] !== undefined || tests.some((test) => test(item));
}

/** The partition every member renders from `key` with its own partition template; they must agree. */
function templatePartition(
  members: readonly CollectionMember[],
  key: Readonly<Record<string, unknown>>,
  index: string | undefined,
  refuse: (schema: ModelSchema, message: string, rule: string, attribute?: string) => never,
): Record<string, string> {
  const first = members[0] as CollectionMember;
  const partitions = members.map((member) => ({ member, hashKey: partitionKey(member.schema, index) }));
  const named = new Set(partitions.flatMap(({ hashKey }) => hashKey.template.properties));
  for (const property of Object.keys(key)) {
    if (!named.has(property)) {
      refuse(
        first.schema,
        `"${property}" is in no member's partition template (${[...named].join(', ')})`,
        'key-arity',
        property,
      );
    }
  }
  let partition: { name: string; text: string; member: string } | undefined;
  for (const { member, hashKey } of partitions) {
    const text = hashKey.template.render(key);
    if (partition && (partition.text !== text || partition.name !== hashKey.name)) {
      refuse(
        member.schema,
        `its partition is ${hashKey.name} ${JSON.stringify(text)}, ${partition.member}'s is ${partition.name} ${JSON.stringify(partition.text)}: a collection reads one partition`,
        'collection-partition',
      );
    }
    partition ??= { name: hashKey.name, text, member: member.name };
  }
  const { name: hashName, text } = partition as { name: string; text: string };
  return { [hashName]: text };
}

/** The template a member's items are partitioned by on the table or `index`. */
function partitionKey(schema: ModelSchema, index: string | undefined): TemplateKey {
  return index === undefined ? (schema.entity as EntitySchema).hashKey : indexKeys(schema, index).hashKey;
}

/**
 * `_et IN (every member's names)`, or, for members with a filter of their own,
 * `(_et IN (the member's names) AND its filter)`, joined by OR.
 */
function memberFilter(
  entityAttribute: string,
  members: readonly CollectionMember[],
  memberOf: ReadonlyMap<string, string>,
  filters: ReadonlyMap<string, Condition>,
  placeholders: Placeholders,
): string {
  const attribute = placeholders.name(entityAttribute);
  const isOneOf = (names: readonly string[]): string => {
    const values = names.map((name) => placeholders.value({ S: name }));
    return values.length === 1 ? `${attribute} = ${values[0] as string}` : `${attribute} IN (${values.join(', ')})`;
  };
  const namesOf = (member: string) => [...memberOf].filter(([, owner]) => owner === member).map(([name]) => name);
  const terms: string[] = [];
  const unfiltered = members.filter((member) => !filters.has(member.name)).flatMap((member) => namesOf(member.name));
  if (unfiltered.length > 0) terms.push(isOneOf(unfiltered));
  for (const member of members) {
    const filter = filters.get(member.name);
    const own = filter ? ` AND ${compileCondition(member.schema, filter, placeholders)}` : '';
    if (filter) terms.push(`(${isOneOf(namesOf(member.name))}${own})`);
    // Items without the attribute a member recognises (`match`) pass, under its own filter; each
    // item read is then tested (`collectionKeep`): a query's filter may not name key attributes.
    if (member.schema.entity?.recognizes) terms.push(`(attribute_not_exists(${attribute})${own})`);
  }
  return terms.length === 1 ? (terms[0] as string) : terms.join(' OR ');
}
