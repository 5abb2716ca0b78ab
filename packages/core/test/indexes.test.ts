import 'reflect-metadata';
import {
  Attribute,
  compileModel,
  createTableInput,
  HashKey,
  Index,
  Model,
  RangeKey,
  Table,
  ValidationError,
} from '../src';
import { definitionError } from './support/definition-error';
import { encodeItem } from '../src/operations/encode-item';

// Issue 11 §4: @Index compiles into the exact CreateTable input, and every definition mistake is a
// ModelDefinitionError naming the model, the index and the attribute (docs/reliability.md §11, 12, 13, 14).

@Table({ name: 'posts' })
class Post extends Model {
  @HashKey() userId!: string;
  @RangeKey() postId!: string;
  @Index('byStatus', { hash: true, projection: ['title'] }) @Attribute({ name: 'status' }) state!: string;
  @Index('byStatus', { range: true })
  @Index('byLikes', { range: true, projection: 'KEYS_ONLY' })
  @Attribute()
  likes!: number;
  @Attribute() title!: string;
  // Sparse: only featured posts have it, so only they are in the index.
  @Index('featured', { hash: true }) @Attribute({ optional: true }) featuredOn?: string;
}

@Table({ name: 'events' })
class Event extends Model {
  @HashKey() id!: string;
  @Index('byPlace', { hash: 2 }) @Attribute() city!: string;
  @Index('byPlace', { hash: 1 }) @Attribute() country!: string;
  @Index('byPlace', { range: true }) @Attribute() day!: string;
  @Index('byPlace', { range: true }) @Attribute() hour!: number;
}

describe('@Index', () => {
  it('emits global, local, sparse and projected indexes in the CreateTable input', () => {
    const schema = compileModel(Post);
    expect(createTableInput(schema.table, 'posts')).toEqual({
      TableName: 'posts',
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'userId', KeyType: 'HASH' },
        { AttributeName: 'postId', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'userId', AttributeType: 'S' },
        { AttributeName: 'postId', AttributeType: 'S' },
        { AttributeName: 'status', AttributeType: 'S' },
        { AttributeName: 'likes', AttributeType: 'N' },
        { AttributeName: 'featuredOn', AttributeType: 'S' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'byStatus',
          KeySchema: [
            { AttributeName: 'status', KeyType: 'HASH' },
            { AttributeName: 'likes', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['title'] },
        },
        {
          IndexName: 'featured',
          KeySchema: [{ AttributeName: 'featuredOn', KeyType: 'HASH' }],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
      LocalSecondaryIndexes: [
        {
          IndexName: 'byLikes',
          KeySchema: [
            { AttributeName: 'userId', KeyType: 'HASH' },
            { AttributeName: 'likes', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        },
      ],
    });
    expect(schema.indexes.get('byStatus')?.projected).toEqual(
      new Set(['userId', 'postId', 'status', 'likes', 'title']),
    );
    expect(schema.indexes.get('featured')?.projected).toBeUndefined();
  });

  it('emits multi-attribute GSI keys in the declared order (numbers first, then declaration order)', () => {
    const schema = compileModel(Event);
    expect(createTableInput(schema.table, 'events').GlobalSecondaryIndexes).toEqual([
      {
        IndexName: 'byPlace',
        KeySchema: [
          { AttributeName: 'country', KeyType: 'HASH' },
          { AttributeName: 'city', KeyType: 'HASH' },
          { AttributeName: 'day', KeyType: 'RANGE' },
          { AttributeName: 'hour', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
    ]);
  });

  it('gives a provisioned table capacity for its GSIs', () => {
    @Table({ name: 'prov', billing: { read: 2, write: 3 } })
    class Provisioned extends Model {
      @HashKey() id!: string;
      @Index('byX', { hash: true }) @Attribute() x!: string;
    }
    expect(createTableInput(compileModel(Provisioned).table, 'prov').GlobalSecondaryIndexes?.[0]).toMatchObject({
      ProvisionedThroughput: { ReadCapacityUnits: 2, WriteCapacityUnits: 3 },
    });
  });

  it('refuses index definitions DynamoDB would reject, naming the model, index and attribute', () => {
    class BadName extends Model {
      @HashKey() id!: string;
      @Index('g', { hash: true }) @Attribute() x!: string;
    }
    Table()(BadName);
    expect(definitionError(BadName)).toMatchObject({ model: 'BadName', rule: 'index-name' });

    class NoRole extends Model {
      @HashKey() id!: string;
      @Index('byX', {}) @Attribute() x!: string;
    }
    Table()(NoRole);
    expect(definitionError(NoRole)).toMatchObject({ attribute: 'x', rule: 'index-role' });

    class BoolKey extends Model {
      @HashKey() id!: string;
      @Index('byFlag', { hash: true }) @Attribute() flag!: boolean;
    }
    Table()(BoolKey);
    expect(definitionError(BoolKey)).toMatchObject({ attribute: 'flag', rule: 'key-type' });

    class NullableKey extends Model {
      @HashKey() id!: string;
      @Index('byX', { hash: true }) @Attribute({ nullable: true, type: String }) x!: string | null;
    }
    Table()(NullableKey);
    expect(definitionError(NullableKey).message).toMatch(/cannot be nullable.*make it optional/);

    class LocalOnHashOnly extends Model {
      @HashKey() id!: string;
      @Index('byX', { range: true }) @Attribute() x!: string;
    }
    Table()(LocalOnHashOnly);
    expect(definitionError(LocalOnHashOnly)).toMatchObject({ rule: 'local-index' });

    class FiveHashes extends Model {
      @HashKey() id!: string;
      @Index('wide', { hash: true }) @Attribute() a!: string;
      @Index('wide', { hash: true }) @Attribute() b!: string;
      @Index('wide', { hash: true }) @Attribute() c!: string;
      @Index('wide', { hash: true }) @Attribute() d!: string;
      @Index('wide', { hash: true }) @Attribute() e!: string;
    }
    Table()(FiveHashes);
    expect(definitionError(FiveHashes)).toMatchObject({ rule: 'index-key-count' });

    class TwoProjections extends Model {
      @HashKey() id!: string;
      @Index('byX', { hash: true, projection: 'ALL' }) @Attribute() x!: string;
      @Index('byX', { range: true, projection: 'KEYS_ONLY' }) @Attribute() y!: string;
    }
    Table()(TwoProjections);
    expect(definitionError(TwoProjections)).toMatchObject({ rule: 'index-projection' });

    class UnknownProjected extends Model {
      @HashKey() id!: string;
      @Index('byX', { hash: true, projection: ['nope'] }) @Attribute() x!: string;
    }
    Table()(UnknownProjected);
    expect(definitionError(UnknownProjected).message).toMatch(/projects "nope", which is not a declared attribute/);

    class SixLocals extends Model {
      @HashKey() id!: string;
      @RangeKey() sk!: string;
      @Index('local1', { range: true }) @Attribute() a!: string;
      @Index('local2', { range: true }) @Attribute() b!: string;
      @Index('local3', { range: true }) @Attribute() c!: string;
      @Index('local4', { range: true }) @Attribute() d!: string;
      @Index('local5', { range: true }) @Attribute() e!: string;
      @Index('local6', { range: true }) @Attribute() f!: string;
    }
    Table()(SixLocals);
    expect(definitionError(SixLocals)).toMatchObject({ rule: 'index-count' });
  });

  it('checks index key values before sending: empty or too long is refused, absent is a sparse index', () => {
    const schema = compileModel(Post);
    const post = (featuredOn?: string) =>
      Post.build({ userId: 'u', postId: 'p', state: 'live', likes: 1, title: 't', featuredOn });
    expect(() => encodeItem(schema, post())).not.toThrow();
    expect(() => encodeItem(schema, post(''))).toThrow(
      expect.objectContaining({ name: 'ValidationError', attribute: 'featuredOn', rule: 'empty-key' }),
    );
    expect(() => encodeItem(schema, post('€'.repeat(683)))).toThrow(ValidationError);
    expect(() => encodeItem(schema, post('€'.repeat(682)))).not.toThrow();
  });
});
