import type { AttributeDefinition, KeySchemaElement, ScalarAttributeType } from '@aws-sdk/client-dynamodb';
import { ObjectCodec } from '../codecs/object-codec';
import { dateCodec, isDateCodec } from '../codecs/date-codec';
import { ModelDefinitionError } from '../errors/model-definition-error';
import type { AnyClass, TableOptions } from '../metadata/options';
import type { ClassDeclaration } from '../metadata/registry';
import { collectDeclarations, type EntityDeclaration } from './collect-declarations';
import { compileFields, type CompiledField } from './compile-fields';
import { checkTableName, type TableSchema } from './table-schema';
import { compileIndexes, type IndexSchema } from './compile-indexes';
import { compileCache, type CacheSchema } from './compile-cache';
import { compileTableSettings } from './compile-table-settings';
import { compileUpgrades, versionAttributeField, type UpgradeSchema } from './compile-upgrades';
import { compileEntity, type EntitySchema } from '../single-table/compile-entity';
import { entityKeyFields, withAttributeIndexes } from '../single-table/entity-fields';

/** A model class compiled: its table, its fields and the codec for its items. Immutable. */
export interface ModelSchema<T extends object = object> {
  /** The class name, used in every message. */
  readonly model: string;
  readonly cls: AnyClass;
  readonly table: TableSchema;
  readonly hashKey: CompiledField;
  readonly rangeKey: CompiledField | undefined;
  readonly fields: readonly CompiledField[];
  readonly byProperty: ReadonlyMap<string, CompiledField>;
  /** The fields that have a default, so filling defaults looks at no other field. */
  readonly withDefaults: readonly CompiledField[];
  /** Secondary indexes by name. */
  readonly indexes: ReadonlyMap<string, IndexSchema>;
  /** Fields that are keys of an index but not of the table: present values must be valid key values. */
  readonly indexKeyFields: readonly CompiledField[];
  /** The attributes the library maintains on every write path. */
  readonly lifecycle: Lifecycle;
  /** `@Table({ cache })`; `undefined` when the model is not cached. */
  readonly cache: CacheSchema | undefined;
  /** What `build` does with input properties the model does not declare (`@Table({ unknownProperties })`). */
  readonly unknownProperties: 'refuse' | 'strip' | 'keep';
  readonly codec: ObjectCodec<T>;
  /** For an entity of a shared table (`@Entity`): its name, table and key templates. */
  readonly entity: EntitySchema | undefined;
  /** Migrate on read (`@Table({ upgrades })`): the item schema's version and the steps from older ones. */
  readonly upgrades: UpgradeSchema | undefined;
}

/** `@Version`, `@CreatedAt` and `@UpdatedAt`, when the model declares them. */
export interface Lifecycle {
  readonly version: CompiledField | undefined;
  readonly createdAt: CompiledField | undefined;
  readonly updatedAt: CompiledField | undefined;
}

const MAX_KEY_NAME_BYTES = 255;
const compiled = new WeakMap<AnyClass, ModelSchema>();

/**
 * Compiles a model class once (later calls return the same frozen schema). Every definition error
 * is raised here, with the class and property named, before anything is sent.
 */
export function compileModel<T extends object>(cls: AnyClass): ModelSchema<T> {
  let schema = compiled.get(cls);
  if (!schema) {
    schema = Object.freeze(compile(cls));
    compiled.set(cls, schema);
  }
  return schema as ModelSchema<T>;
}

function compile(cls: AnyClass): ModelSchema {
  const model = cls.name || 'anonymous model';
  const fail = (message: string, rule: string, attribute?: string): never => {
    throw new ModelDefinitionError(message, { model, rule, ...(attribute ? { attribute } : {}) });
  };
  const { attributes, table, tableClassName, entities } = collectDeclarations(cls);
  const declaredEntity = entityDeclaration(cls, entities, fail);
  if (!table) return fail('is not a model: decorate the class with @Table()', 'not-a-table');

  let fields = compileFields(model, attributes);
  // An entity of a shared table: its keys, index keys and entity name are computed attributes.
  const entity = declaredEntity
    ? compileEntity(model, cls, declaredEntity.table, declaredEntity.options, fields)
    : undefined;
  if (entity) fields = withAttributeIndexes(model, entity, [...entityKeyFields(entity), ...fields]);
  // Migrate on read: the item schema's version is a computed attribute every write stores.
  const upgrades = compileUpgrades(table.upgrades, fields, fail);
  if (upgrades) fields = [...fields, versionAttributeField(upgrades)];
  const hashKeys = fields.filter((field) => field.role === 'hash');
  const rangeKeys = fields.filter((field) => field.role === 'range');
  if (hashKeys.length === 0) fail('has no @HashKey: every DynamoDB table needs a partition key', 'missing-hash-key');
  if (hashKeys.length > 1) {
    fail(`has two @HashKeys (${hashKeys.map((f) => f.property).join(', ')}); a table has one`, 'two-hash-keys');
  }
  if (rangeKeys.length > 1) {
    fail(
      `has two @RangeKeys (${rangeKeys.map((f) => f.property).join(', ')}); a table has at most one`,
      'two-range-keys',
    );
  }
  // The library writes timestamps on every write, so an instance need not hold them before one.
  fields = fields.map((field) =>
    !field.role && field.lifecycle.some((role) => role === 'createdAt' || role === 'updatedAt')
      ? { ...field, required: false }
      : field,
  );
  // Before the key checks: `@Version` on a key is reported as what it is, not as an optional key.
  const lifecycle = compileLifecycle(fields, fail);
  for (const key of [...hashKeys, ...rangeKeys]) checkKeyField(key, fail);

  const ttl = compileTtl(table, fields, fail);
  if (entity && ttl && ttl.name !== entity.table.options.ttl) {
    fail(
      `is the TTL attribute, stored as "${ttl.name}", but table ${entity.table.name}'s TTL attribute is ` +
        (entity.table.options.ttl === undefined
          ? 'not defined (defineTable({ ttl }))'
          : `"${entity.table.options.ttl}"`),
      'ttl-attribute',
      ttl.property,
    );
  }
  if (ttl) fields = fields.map((field) => (field.property === ttl.property ? ttl : field));
  const hashKey = fields.find((field) => field.role === 'hash') as CompiledField;
  const rangeKey = fields.find((field) => field.role === 'range');

  const keySchema: KeySchemaElement[] = [{ AttributeName: hashKey.name, KeyType: 'HASH' }];
  const attributeDefinitions: AttributeDefinition[] = [
    { AttributeName: hashKey.name, AttributeType: hashKey.codec.storedType as ScalarAttributeType },
  ];
  if (rangeKey) {
    keySchema.push({ AttributeName: rangeKey.name, KeyType: 'RANGE' });
    attributeDefinitions.push({
      AttributeName: rangeKey.name,
      AttributeType: rangeKey.codec.storedType as ScalarAttributeType,
    });
  }

  const indexes = compileIndexes(fields, { hashKey, rangeKey }, fail);
  attributeDefinitions.push(...indexes.attributeDefinitions);

  const baseName = `${table.prefix ?? ''}${table.name ?? tableClassName ?? model}`;
  if (baseName.length > 255 || !/^[A-Za-z0-9_.-]*$/.test(baseName)) checkTableName(baseName, model);

  return {
    model,
    cls,
    table: Object.freeze({
      baseName,
      keySchema: Object.freeze(keySchema),
      attributeDefinitions: Object.freeze(attributeDefinitions),
      ...compileTableSettings(table, fail),
      ttlAttribute: entity ? entity.table.options.ttl : ttl?.name,
      globalIndexes: Object.freeze(indexes.globalIndexes),
      localIndexes: Object.freeze(indexes.localIndexes),
    }),
    hashKey,
    rangeKey,
    fields: Object.freeze(fields),
    byProperty: new Map(fields.map((field) => [field.property, field])),
    withDefaults: Object.freeze(fields.filter((field) => field.makeDefault)),
    indexes: indexes.indexes,
    indexKeyFields: indexes.keyFields,
    lifecycle,
    cache: compileCache(table.cache, fail),
    unknownProperties: compileUnknownProperties(table.unknownProperties, fail),
    codec: new ObjectCodec(cls.prototype as object, fields, { keepUnknown: table.unknownAttributes === 'keep' }),
    entity,
    upgrades,
  };
}

type Fail = (message: string, rule: string, attribute?: string) => never;

/**
 * The `@Entity` a class is compiled as: its own. An entity's subclass declares its own (with its
 * own name), or its items would be written and read back as its parent's; it may leave out the
 * keys and inherit its parent's templates (polymorphism), on the parent's table only.
 */
function entityDeclaration(cls: AnyClass, chain: readonly EntityDeclaration[], fail: Fail): ClassDeclaration['entity'] {
  const nearest = chain[chain.length - 1];
  if (!nearest) return undefined;
  const parentName = (owner: object) => (owner as { name?: string }).name ?? 'its parent';
  if (nearest.owner !== cls) {
    return fail(
      `extends entity ${parentName(nearest.owner)} without an @Entity of its own, so its items would be stored and read back as ${parentName(nearest.owner)}: declare it with @Entity(table, { name })`,
      'entity-subclass',
    );
  }
  for (const ancestor of chain) {
    if (ancestor.entity.table !== nearest.entity.table) {
      return fail(
        `is an entity of table ${nearest.entity.table.name}, but it extends ${parentName(ancestor.owner)}, an entity of table ${ancestor.entity.table.name}: a class hierarchy lives in one table`,
        'entity-subclass',
      );
    }
  }
  if (nearest.entity.options.keys !== undefined) return nearest.entity;
  const keyed = [...chain].reverse().find((ancestor) => ancestor.entity.options.keys !== undefined);
  if (!keyed) return nearest.entity; // compileEntity says keys are missing
  const { keys, indexes } = keyed.entity.options;
  return {
    table: nearest.entity.table,
    options: {
      ...nearest.entity.options,
      keys,
      ...(indexes !== undefined && nearest.entity.options.indexes === undefined ? { indexes } : {}),
    },
  };
}

function compileUnknownProperties(value: unknown, fail: Fail): ModelSchema['unknownProperties'] {
  if (value === undefined) return 'refuse';
  if (value === 'refuse' || value === 'strip' || value === 'keep') return value;
  return fail(
    `@Table({ unknownProperties }) is 'refuse', 'strip' or 'keep', not ${JSON.stringify(value)}`,
    'table-option',
  );
}

function checkKeyField(key: CompiledField, fail: Fail): void {
  const type = key.codec.storedType;
  if (type !== 'S' && type !== 'N' && type !== 'B') {
    fail(
      `is a key of type ${key.codec.label} (stored as ${type}); DynamoDB keys are strings, numbers or binary ` +
        '(S, N or B) — store it as one with a codec or dateFormat',
      'key-type',
      key.property,
    );
  }
  if (key.options.optional || key.options.nullable) {
    fail('is a key, so it cannot be optional or nullable', 'optional-key', key.property);
  }
  if (key.options.default === null) fail('is a key, so its default cannot be null', 'optional-key', key.property);
  if (Buffer.byteLength(key.name) > MAX_KEY_NAME_BYTES) {
    fail(`key attribute name is over ${MAX_KEY_NAME_BYTES} bytes, DynamoDB's limit`, 'name-too-long', key.property);
  }
}

/** One attribute per role, of the right type: a number version, Date timestamps; none of them a key but `@CreatedAt`. */
function compileLifecycle(fields: readonly CompiledField[], fail: Fail): Lifecycle {
  const one = (role: 'version' | 'createdAt' | 'updatedAt', decorator: string): CompiledField | undefined => {
    const found = fields.filter((field) => field.lifecycle.includes(role));
    if (found.length > 1) {
      fail(
        `has two ${decorator}s (${found.map((field) => field.property).join(', ')}); a model has at most one`,
        `two-${role}`,
      );
    }
    const field = found[0];
    if (!field) return undefined;
    if (field.lifecycle.length > 1) {
      fail(
        `cannot be ${field.lifecycle.map((r) => `@${r[0]?.toUpperCase()}${r.slice(1)}`).join(' and ')} at once`,
        'lifecycle-roles',
        field.property,
      );
    }
    if (role === 'version') {
      if (field.codec.label !== 'number') {
        fail(
          `is the @Version attribute, so it must be a number, not ${field.codec.label}`,
          'version-type',
          field.property,
        );
      }
    } else if (!isDateCodec(field.codec)) {
      fail(
        `is the ${decorator} attribute, so it must be a Date, not ${field.codec.label}`,
        'timestamp-type',
        field.property,
      );
    }
    if (field.nullable)
      fail(`is the ${decorator} attribute, so it cannot be nullable`, 'lifecycle-nullable', field.property);
    if (field.role && role !== 'createdAt') {
      fail(
        `is part of the key, so it cannot be the ${decorator} attribute (a key never changes)`,
        'lifecycle-key',
        field.property,
      );
    }
    if (field.makeDefault)
      fail(
        `is the ${decorator} attribute, which the library sets: it takes no default`,
        'lifecycle-default',
        field.property,
      );
    return field;
  };
  return Object.freeze({
    version: one('version', '@Version'),
    createdAt: one('createdAt', '@CreatedAt'),
    updatedAt: one('updatedAt', '@UpdatedAt'),
  });
}

/** The TTL attribute must hold epoch seconds: a number, or a Date stored as epoch seconds. */
function compileTtl(table: TableOptions, fields: CompiledField[], fail: Fail): CompiledField | undefined {
  const marked = fields.filter((field) => field.lifecycle.includes('ttl'));
  if (marked.length > 1)
    fail(
      `has two @Ttls (${marked.map((field) => field.property).join(', ')}); a table has one TTL attribute`,
      'two-ttl',
    );
  const decorated = marked[0]?.property;
  if (decorated !== undefined && table.ttl !== undefined && table.ttl !== decorated) {
    fail(
      `@Table({ ttl: '${table.ttl}' }) and @Ttl() on ${decorated} name two TTL attributes; a table has one`,
      'two-ttl',
    );
  }
  const property = decorated ?? table.ttl;
  if (property === undefined) return undefined;
  const field = fields.find((candidate) => candidate.property === property);
  if (!field) return fail(`ttl names "${property}", which is not a declared attribute`, 'ttl-attribute');
  if (field.role) fail('is part of the key, so it cannot be the TTL attribute', 'ttl-key', field.property);
  if (isDateCodec(field.codec)) {
    const format = field.options.dateFormat;
    if (format !== undefined && format !== 'epochSeconds') {
      fail(`is the TTL attribute, so it must be stored as epochSeconds, not ${format}`, 'ttl-type', field.property);
    }
    return { ...field, codec: dateCodec('epochSeconds') };
  }
  if (field.codec.storedType === 'N') return field;
  return fail(
    `is the TTL attribute, so it must be a number of epoch seconds or a Date, not ${field.codec.label}`,
    'ttl-type',
    field.property,
  );
}
