import type {
  AttributeDefinition,
  GlobalSecondaryIndex,
  KeySchemaElement,
  LocalSecondaryIndex,
  Projection,
  ScalarAttributeType,
} from '@aws-sdk/client-dynamodb';
import type { IndexOptions } from '../metadata/options';
import type { CompiledField } from './compile-fields';

/** A secondary index, compiled: its key fields in key order and what it projects. */
export interface IndexSchema {
  readonly name: string;
  /** Global indexes have their own partition key; local ones share the table's. */
  readonly kind: 'global' | 'local';
  /** Partition key fields in key order (one, or up to 4 for a multi-attribute GSI key). */
  readonly hash: readonly CompiledField[];
  /** Sort key fields in key order (none, one, or up to 4 for a GSI). */
  readonly range: readonly CompiledField[];
  readonly keySchema: readonly KeySchemaElement[];
  readonly projection: Projection;
  /**
   * The stored names an item read through the index holds (the table's and the index's keys, plus
   * the projected attributes); `undefined` when the index projects every attribute.
   */
  readonly projected: ReadonlySet<string> | undefined;
}

/** DynamoDB's limits on indexes (docs/reliability.md §1). */
const MAX_KEY_ATTRIBUTES = 4;
const MAX_LOCAL_INDEXES = 5;
const MAX_INCLUDED_ATTRIBUTES = 100;
const MAX_INDEX_KEY_NAME_BYTES = 255;
const INDEX_NAME = /^[A-Za-z0-9_.-]{3,255}$/;

type Fail = (message: string, rule: string, attribute?: string) => never;

/** What `compileIndexes` adds to the table: the indexes, and the definitions of their key attributes. */
export interface CompiledIndexes {
  readonly indexes: ReadonlyMap<string, IndexSchema>;
  readonly globalIndexes: readonly GlobalSecondaryIndex[];
  readonly localIndexes: readonly LocalSecondaryIndex[];
  /** Key attributes of the indexes that the table's key schema does not already define. */
  readonly attributeDefinitions: readonly AttributeDefinition[];
  /** Every field that is a key of some index (its values must be valid key values when present). */
  readonly keyFields: readonly CompiledField[];
}

/**
 * Compiles the `@Index` declarations of a model's fields, checking every rule DynamoDB would
 * reject at `CreateTable` (and a few it would accept but that make no sense), naming model,
 * index and attribute.
 */
export function compileIndexes(
  fields: readonly CompiledField[],
  table: { hashKey: CompiledField; rangeKey: CompiledField | undefined },
  fail: Fail,
): CompiledIndexes {
  const members = new Map<string, { field: CompiledField; options: IndexOptions; order: number }[]>();
  let order = 0;
  for (const field of fields) {
    for (const membership of field.indexes) {
      const list = members.get(membership.index) ?? [];
      list.push({ field, options: membership.options, order: order++ });
      members.set(membership.index, list);
    }
  }

  const indexes = new Map<string, IndexSchema>();
  for (const [name, list] of members) indexes.set(name, compileIndex(name, list, table, fields, fail));

  const locals = [...indexes.values()].filter((index) => index.kind === 'local');
  if (locals.length > MAX_LOCAL_INDEXES) {
    fail(`declares ${locals.length} local indexes; DynamoDB allows ${MAX_LOCAL_INDEXES} per table`, 'index-count');
  }
  const included = [...indexes.values()].reduce(
    (sum, index) => sum + (index.projection.NonKeyAttributes?.length ?? 0),
    0,
  );
  if (included > MAX_INCLUDED_ATTRIBUTES) {
    fail(
      `projects ${included} named attributes over all its indexes; DynamoDB allows ${MAX_INCLUDED_ATTRIBUTES}`,
      'index-projection',
    );
  }

  const tableKeys = new Set([table.hashKey.name, table.rangeKey?.name]);
  const keyFields = [...new Set([...indexes.values()].flatMap((index) => [...index.hash, ...index.range]))];
  const attributeDefinitions = keyFields
    .filter((field) => !tableKeys.has(field.name))
    .map((field) => ({ AttributeName: field.name, AttributeType: field.codec.storedType as ScalarAttributeType }));
  const sdkShape = (index: IndexSchema) => ({
    IndexName: index.name,
    KeySchema: index.keySchema.map((element) => ({ ...element })),
    Projection: { ...index.projection },
  });
  return {
    indexes,
    globalIndexes: [...indexes.values()].filter((index) => index.kind === 'global').map(sdkShape),
    localIndexes: locals.map(sdkShape),
    attributeDefinitions,
    keyFields: keyFields.filter((field) => !field.role),
  };
}

function compileIndex(
  name: string,
  members: { field: CompiledField; options: IndexOptions; order: number }[],
  table: { hashKey: CompiledField; rangeKey: CompiledField | undefined },
  fields: readonly CompiledField[],
  fail: Fail,
): IndexSchema {
  const where = `index "${name}"`;
  if (!INDEX_NAME.test(name)) {
    fail(`${where}: index names are 3 to 255 characters of A-Z, a-z, 0-9, "_", "." and "-"`, 'index-name');
  }
  for (const { field, options } of members) {
    if (!options.hash === !options.range) {
      fail(
        `${where}: say whether the property is the index's hash or range key (exactly one)`,
        'index-role',
        field.property,
      );
    }
    const type = field.codec.storedType;
    if (type !== 'S' && type !== 'N' && type !== 'B') {
      fail(
        `${where}: a key of type ${field.codec.label} (stored as ${type}); index keys are strings, numbers or binary (S, N or B)`,
        'key-type',
        field.property,
      );
    }
    if (field.nullable) {
      fail(
        `${where}: an index key cannot be nullable (DynamoDB rejects NULL there); make it optional to leave items out of the index`,
        'optional-key',
        field.property,
      );
    }
    if (Buffer.byteLength(field.name) > MAX_INDEX_KEY_NAME_BYTES) {
      fail(`${where}: index key names are at most ${MAX_INDEX_KEY_NAME_BYTES} bytes`, 'name-too-long', field.property);
    }
  }
  const ordered = (role: 'hash' | 'range'): CompiledField[] => {
    const list = members.filter((member) => member.options[role]);
    const position = (member: (typeof list)[number]) =>
      typeof member.options[role] === 'number' ? member.options[role] : Number.POSITIVE_INFINITY;
    const sorted = [...list].sort((a, b) => position(a) - position(b) || a.order - b.order);
    const numbers = sorted.map(position).filter(Number.isFinite);
    if (new Set(numbers).size !== numbers.length) {
      fail(`${where}: two ${role} keys have the same position`, 'index-role');
    }
    if (sorted.length > MAX_KEY_ATTRIBUTES) {
      fail(
        `${where}: ${sorted.length} ${role} key attributes; DynamoDB allows ${MAX_KEY_ATTRIBUTES}`,
        'index-key-count',
      );
    }
    return sorted.map((member) => member.field);
  };
  let hash = ordered('hash');
  const range = ordered('range');
  const kind = hash.length === 0 ? 'local' : 'global';
  if (kind === 'local') {
    if (!table.rangeKey) {
      fail(
        `${where} has no hash key, so it would be a local index, and local indexes need a table with a range key; give it a hash key to make it global`,
        'local-index',
      );
    }
    if (range.length > 1)
      fail(
        `${where}: a local index has one range key (multi-attribute keys are for global indexes)`,
        'index-key-count',
      );
    if (range[0] === table.rangeKey)
      fail(`${where}: a local index needs a range key other than the table's`, 'local-index');
    hash = [table.hashKey];
  }
  const keySchema: KeySchemaElement[] = [
    ...hash.map((field) => ({ AttributeName: field.name, KeyType: 'HASH' as const })),
    ...range.map((field) => ({ AttributeName: field.name, KeyType: 'RANGE' as const })),
  ];

  const projections = [...new Set(members.map((member) => member.options.projection).filter((p) => p !== undefined))];
  if (projections.length > 1 && new Set(projections.map((p) => JSON.stringify(p))).size > 1) {
    fail(`${where}: its properties declare different projections; declare it once`, 'index-projection');
  }
  const declared = projections[0] ?? 'ALL';
  // Every index holds the table's keys and its own.
  const keyNames = new Set(
    [table.hashKey, ...(table.rangeKey ? [table.rangeKey] : []), ...hash, ...range].map((field) => field.name),
  );
  let projection: Projection;
  let projected: Set<string> | undefined;
  if (declared === 'ALL') {
    projection = { ProjectionType: 'ALL' };
  } else if (declared === 'KEYS_ONLY') {
    projection = { ProjectionType: 'KEYS_ONLY' };
    projected = keyNames;
  } else if (Array.isArray(declared)) {
    const names = declared.map((property: string) => {
      const field = fields.find((candidate) => candidate.property === property);
      if (!field)
        return fail(`${where}: projects "${property}", which is not a declared attribute`, 'index-projection');
      if (kind === 'local' && Buffer.byteLength(field.name) > MAX_INDEX_KEY_NAME_BYTES) {
        fail(
          `${where}: names projected by a local index are at most ${MAX_INDEX_KEY_NAME_BYTES} bytes`,
          'name-too-long',
          property,
        );
      }
      return field.name;
    });
    const nonKey = names.filter((stored) => !keyNames.has(stored));
    projection =
      nonKey.length > 0 ? { ProjectionType: 'INCLUDE', NonKeyAttributes: nonKey } : { ProjectionType: 'KEYS_ONLY' };
    projected = new Set([...keyNames, ...nonKey]);
  } else {
    return fail(`${where}: projection is 'ALL', 'KEYS_ONLY' or a list of properties`, 'index-projection');
  }
  return { name, kind, hash, range, keySchema, projection, projected };
}
