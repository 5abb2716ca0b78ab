import { uint8ArrayCodec } from '../codecs/binary-codec';
import type { Codec } from '../codecs/codec';
import { numberCodec, stringCodec } from '../codecs/scalar-codecs';
import { ModelDefinitionError } from '../errors/model-definition-error';
import type { IndexMembership } from '../metadata/registry';
import type { CompiledField } from '../schema/compile-fields';
import type { EntitySchema, TemplateKey } from './compile-entity';
import type { KeyAttributeType } from './define-table';

/**
 * The attributes the library computes on every item of an entity (`FieldCodec.compute`): the
 * table's keys and the entity's index keys, rendered from its templates, and its name in the
 * table's entity attribute. They carry the table's index memberships, so the table definition
 * (every index of the shared table, whichever entity compiles it) comes out of the same index
 * compiler as for a model of its own table. An index key the entity has no template for is never
 * written by it (the entity's items are not in that index).
 */
export function entityKeyFields(entity: EntitySchema): CompiledField[] {
  const { table } = entity;
  const memberships = new Map<string, IndexMembership[]>();
  const member = (attribute: string | undefined, membership: IndexMembership): void => {
    if (attribute === undefined) return;
    memberships.set(attribute, [...(memberships.get(attribute) ?? []), membership]);
  };
  for (const [index, options] of table.indexes) {
    const projection = options.projection ?? 'ALL';
    member(options.hash, { index, options: { hash: true, projection } });
    member(options.range, { index, options: { range: true, projection } });
  }
  const field = (
    name: string,
    role: CompiledField['role'],
    compute: (source: object) => unknown,
    required: boolean,
    computedFrom: readonly string[] = [],
  ): CompiledField => ({
    property: name,
    name,
    codec: stringCodec,
    role,
    required,
    nullable: false,
    makeDefault: undefined,
    options: {},
    indexes: memberships.get(name) ?? [],
    lifecycle: [],
    compute,
    computedFrom,
  });
  const rendered = (key: TemplateKey) => (source: object) => key.template.render(source);
  const fields = [
    field(entity.hashKey.name, 'hash', rendered(entity.hashKey), true, entity.hashKey.template.properties),
  ];
  if (entity.rangeKey) {
    fields.push(
      field(entity.rangeKey.name, 'range', rendered(entity.rangeKey), true, entity.rangeKey.template.properties),
    );
  }
  const indexKeys = new Map<string, TemplateKey | undefined>();
  for (const options of table.indexes.values()) {
    for (const attribute of [options.hash, options.range]) {
      if (attribute !== undefined && attribute !== table.hash && attribute !== table.range)
        indexKeys.set(attribute, undefined);
    }
  }
  for (const keys of entity.indexes.values()) {
    for (const key of [keys.hashKey, keys.rangeKey]) if (key) indexKeys.set(key.name, key);
  }
  for (const [attribute, key] of indexKeys) {
    fields.push(field(attribute, undefined, key ? rendered(key) : () => undefined, false, key?.template.properties));
  }
  const name = entity.name;
  fields.push(field(entity.entityAttribute, undefined, () => name, true));
  return fields;
}

const CODEC_OF_TYPE: Readonly<Record<KeyAttributeType, Codec>> = {
  S: stringCodec,
  N: numberCodec,
  B: uint8ArrayCodec,
};

/**
 * The entity's fields with the memberships of the shared table's attribute-keyed indexes
 * (`AttributeIndexOptions`): a field stored under a key attribute's name is that key (of the
 * declared type, or a `ModelDefinitionError`); a key attribute the entity does not declare is a
 * field it never writes (so the table definition, whichever entity compiles it, has every index;
 * the entity's items are simply not in that index).
 */
export function withAttributeIndexes(model: string, entity: EntitySchema, fields: CompiledField[]): CompiledField[] {
  const { attributeIndexes } = entity.table;
  if (attributeIndexes.size === 0) return fields;
  const result = [...fields];
  for (const [index, definition] of attributeIndexes) {
    for (const role of ['hash', 'range'] as const) {
      definition[role].forEach(([name, type], position) => {
        const membership: IndexMembership = {
          index,
          options: { [role]: position + 1, projection: definition.projection },
        };
        const at = result.findIndex((field) => field.name === name);
        const field = result[at];
        const clash = result.find((candidate) => candidate.property === name && candidate.name !== name);
        if (clash) {
          throw new ModelDefinitionError(
            `is stored as "${clash.name}", but "${name}" is a key of index ${index} of table ${entity.table.name}: store it as "${name}" or rename the property`,
            { model, attribute: clash.property, rule: 'entity-index' },
          );
        }
        if (!field) {
          result.push({
            property: name,
            name,
            codec: CODEC_OF_TYPE[type],
            role: undefined,
            required: false,
            nullable: false,
            makeDefault: undefined,
            options: {},
            indexes: [membership],
            lifecycle: [],
            compute: () => undefined,
          });
          return;
        }
        if (field.codec.storedType !== type) {
          throw new ModelDefinitionError(
            `is stored as "${name}", a ${role} key of index ${index} of table ${entity.table.name}, declared of type ${type}, but it is a ${field.codec.label} (${field.codec.storedType})`,
            { model, attribute: field.property, rule: 'key-type' },
          );
        }
        result[at] = { ...field, indexes: [...field.indexes, membership] };
      });
    }
  }
  return result;
}
