import 'reflect-metadata';
import { compileEntity, type EntityOptions } from '../src/single-table/compile-entity';
import { defineTable, type SharedTableOptions } from '../src/single-table/define-table';
import { collectDeclarations } from '../src/schema/collect-declarations';
import { compileFields } from '../src/schema/compile-fields';
import type { AnyClass } from '../src/metadata/options';
import { Attribute, HashKey, Index, ModelDefinitionError } from '../src';

// A table several models share, and the entities on it (src/single-table/), checked when compiled.

const app = defineTable({
  name: 'app',
  hash: 'pk',
  range: 'sk',
  indexes: {
    gsi1: { hash: 'gsi1pk', range: 'gsi1sk' },
    inverted: { hash: 'sk', range: 'pk' },
    byStatus: { range: 'lsi1sk' },
  },
});

class User {
  @Attribute() userId!: string;
  @Attribute() email!: string;
  @Attribute() joined!: Date;
}

const fieldsOf = (cls: object) => compileFields('User', collectDeclarations(cls).attributes);
const entity = (options: EntityOptions, cls: AnyClass = User) =>
  compileEntity('User', cls, app, options, fieldsOf(cls));

describe('defineTable', () => {
  it('keeps the names, with _et as the default entity attribute', () => {
    expect(app).toMatchObject({ name: 'app', hash: 'pk', range: 'sk', entityAttribute: '_et', prefix: '' });
    expect([...app.indexes.keys()]).toEqual(['gsi1', 'inverted', 'byStatus']);
    expect(Object.isFrozen(app)).toBe(true);
  });

  it.each<[string, SharedTableOptions, RegExp]>([
    ['a bad table name', { name: 'a b', hash: 'pk' }, /table name "a b" is invalid/],
    [
      'one attribute in two roles',
      { name: 'app', hash: 'pk', range: 'pk' },
      /"pk" is both the partition key and the sort key/,
    ],
    [
      'the entity attribute as a key',
      { name: 'app', hash: '_et' },
      /"_et" is both the partition key and the entity attribute/,
    ],
    [
      'an index on the entity attribute',
      { name: 'app', hash: 'pk', indexes: { gsi1: { hash: '_et' } } },
      /"_et" is both the entity attribute and index gsi1's partition key/,
    ],
    [
      'a local index without a sort key',
      { name: 'app', hash: 'pk', indexes: { lsi: { range: 'x' } } },
      /local \(no hash\), which needs a table with a sort key/,
    ],
    ['an index with no keys', { name: 'app', hash: 'pk', indexes: { gsi: {} } }, /names no key attribute/],
    ['a bad index name', { name: 'app', hash: 'pk', indexes: { g: { hash: 'x' } } }, /index name "g" is invalid/],
    ['an empty attribute name', { name: 'app', hash: '' }, /partition key attribute name must be 1–255 bytes/],
  ])('refuses %s', (_name, options, message) => {
    expect(() => defineTable(options)).toThrow(ModelDefinitionError);
    expect(() => defineTable(options)).toThrow(message);
  });
});

describe('compileEntity', () => {
  it('binds the key and index templates to the entity attributes', () => {
    const user = entity({
      keys: { pk: 'USER#{userId}', sk: 'PROFILE' },
      indexes: { gsi1: { pk: 'EMAIL#{email}', sk: 'USER#{joined}' }, inverted: {} },
    });
    expect(user.name).toBe('User');
    expect(user.entityAttribute).toBe('_et');
    expect(user.hashKey.name).toBe('pk');
    expect(user.hashKey.template.render({ userId: 'u1' })).toBe('USER#u1');
    expect(user.rangeKey?.template.render({})).toBe('PROFILE');
    const gsi1 = user.indexes.get('gsi1');
    expect(gsi1?.hashKey?.name).toBe('gsi1pk');
    expect(gsi1?.rangeKey?.template.render({ joined: new Date(0) })).toBe('USER#1970-01-01T00:00:00.000Z');
    expect(user.indexes.get('inverted')).toEqual({});
  });

  it.each<[string, EntityOptions, RegExp]>([
    [
      'no sort key template on a table with one',
      { keys: { pk: 'USER#{userId}' } },
      /has a sort key \(sk\): give keys.sk/,
    ],
    [
      'a template naming no attribute',
      { keys: { pk: 'USER#{id}', sk: 'P' } },
      /names \{id\}, which the model does not declare/,
    ],
    [
      'an index the table lacks',
      { keys: { pk: 'U#{userId}', sk: 'P' }, indexes: { gsi9: { pk: 'X' } } },
      /table app has no index gsi9 \(it has gsi1, inverted, byStatus\)/,
    ],
    [
      'a missing index template',
      { keys: { pk: 'U#{userId}', sk: 'P' }, indexes: { gsi1: { pk: 'E#{email}' } } },
      /indexes.gsi1: give sk, the template of gsi1sk/,
    ],
    [
      'a template for a table key through an index',
      { keys: { pk: 'U#{userId}', sk: 'P' }, indexes: { inverted: { pk: 'X' } } },
      /sk is a key of the table, filled by keys.sk/,
    ],
    [
      'a partition template for a local index',
      { keys: { pk: 'U#{userId}', sk: 'P' }, indexes: { byStatus: { pk: 'X', sk: 'Y' } } },
      /byStatus has no partition key of its own/,
    ],
  ])('refuses %s', (_name, options, message) => {
    expect(() => entity(options)).toThrow(ModelDefinitionError);
    expect(() => entity(options)).toThrow(message);
  });

  it('refuses keys and indexes declared on the class, and attributes stored under the table’s names', () => {
    class WithKey {
      @HashKey() userId!: string;
    }
    expect(() => entity({ keys: { pk: 'U#{userId}', sk: 'P' } }, WithKey)).toThrow(
      /@HashKey, but an entity's keys come from its key templates/,
    );
    class WithIndex {
      @Attribute() userId!: string;
      @Index('gsi1', { hash: true }) @Attribute() email!: string;
    }
    expect(() => entity({ keys: { pk: 'U#{userId}', sk: 'P' } }, WithIndex)).toThrow(/has @Index/);
    class Clash {
      @Attribute() userId!: string;
      @Attribute({ name: 'gsi1pk' }) email!: string;
    }
    expect(() => entity({ keys: { pk: 'U#{userId}', sk: 'P' } }, Clash)).toThrow(
      'User.email: is stored as "gsi1pk", which is a key of index gsi1 of table app: give it another name (@Attribute({ name })) [entity-attribute-name]',
    );
  });
});
