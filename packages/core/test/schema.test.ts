import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import 'reflect-metadata';
import {
  Attribute,
  CreatedAt,
  Ttl,
  UpdatedAt,
  Version,
  compileModel,
  createTableInput,
  HashKey,
  Json,
  Model,
  RangeKey,
  Table,
  type AnyClass,
} from '../src';
import { definitionError } from './support/definition-error';
import { ObjectCodec } from '../src/codecs/object-codec';
import { Message, Tweet, User } from './support/models';

describe('compiled schemas', () => {
  it('compiles once into a frozen schema with the exact CreateTable input', () => {
    const schema = compileModel(Message);
    expect(compileModel(Message)).toBe(schema);
    expect(Object.isFrozen(schema)).toBe(true);
    expect(createTableInput(schema.table, 'dev_messages')).toEqual({
      TableName: 'dev_messages',
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'channel', KeyType: 'HASH' },
        { AttributeName: 'sentAt', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'channel', AttributeType: 'S' },
        { AttributeName: 'sentAt', AttributeType: 'N' },
      ],
    });
  });

  it('takes the table name, prefix, billing, TTL and stream from @Table', () => {
    @Table({ name: 'sessions', prefix: 'auth.', billing: { read: 5, write: 2 }, ttl: 'expires', stream: true })
    class Session extends Model {
      @HashKey() id!: string;
      @Attribute() expires!: Date;
    }
    const schema = compileModel(Session);
    expect(schema.table.baseName).toBe('auth.sessions');
    expect(schema.table.ttlAttribute).toBe('expires');
    // A TTL Date is stored as epoch seconds, which is what DynamoDB's TTL reads.
    expect(schema.codec.encode(Object.assign(new Session(), { id: 'a', expires: new Date(5_000) }))).toEqual({
      id: { S: 'a' },
      expires: { N: '5' },
    });
    expect(createTableInput(schema.table, 'auth.sessions')).toMatchObject({
      BillingMode: 'PROVISIONED',
      ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 2 },
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
    });
  });

  it('maps properties to stored names and infers types from TypeScript metadata', () => {
    const schema = compileModel(User);
    expect(schema.byProperty.get('name')?.name).toBe('display_name');
    expect(schema.byProperty.get('balance')?.codec.label).toBe('bigint');
    expect(schema.byProperty.get('address')?.codec.label).toBe('Address');
    expect(compileModel(Tweet).byProperty.get('created')?.codec.label).toBe('Date');
  });

  it('subclasses inherit attributes and table', () => {
    class Retweet extends Tweet {
      @Attribute({ optional: true }) original?: string;
    }
    const schema = compileModel(Retweet);
    expect(schema.fields.map((field) => field.property)).toEqual([
      ...compileModel(Tweet).fields.map((f) => f.property),
      'original',
    ]);
    expect(schema.table.baseName).toBe('tweets');
  });

  it('allows an embedded class that contains itself', () => {
    class Comment {
      @Attribute() text!: string;
      @Attribute({ type: Array, of: Comment, optional: true }) replies?: Comment[];
    }
    @Table()
    class Thread extends Model {
      @HashKey() id!: string;
      @Attribute({ type: Comment }) root!: Comment;
    }
    const schema = compileModel<Thread>(Thread);
    const root = { text: 'a', replies: [{ text: 'b', replies: [{ text: 'c' }] }] };
    const item = schema.codec.encode(Object.assign(new Thread(), { id: 't', root }));
    const decoded = schema.codec.decode(item);
    expect(decoded.root).toBeInstanceOf(Comment);
    expect(decoded.root.replies?.[0]?.replies?.[0]?.text).toBe('c');
  });
});

describe('definition errors', () => {
  const cases: [string, () => AnyClass, string, string?][] = [
    [
      'no @Table',
      () => {
        class NoTable extends Model {
          @HashKey() id!: string;
        }
        return NoTable;
      },
      'not-a-table',
    ],
    [
      'no @HashKey',
      () => {
        @Table()
        class NoKey extends Model {
          @Attribute() a!: string;
        }
        return NoKey;
      },
      'missing-hash-key',
    ],
    [
      'two @HashKeys',
      () => {
        @Table()
        class TwoHash extends Model {
          @HashKey() a!: string;
          @HashKey() b!: string;
        }
        return TwoHash;
      },
      'two-hash-keys',
    ],
    [
      'two @RangeKeys',
      () => {
        @Table()
        class TwoRange extends Model {
          @HashKey() a!: string;
          @RangeKey() b!: string;
          @RangeKey() c!: string;
        }
        return TwoRange;
      },
      'two-range-keys',
    ],
    [
      'a boolean key',
      () => {
        @Table()
        class BoolKey extends Model {
          @HashKey() a!: boolean;
        }
        return BoolKey;
      },
      'key-type',
      'a',
    ],
    [
      'a Set key',
      () => {
        @Table()
        class SetKey extends Model {
          @HashKey({ type: Set, of: String }) a!: Set<string>;
        }
        return SetKey;
      },
      'key-type',
      'a',
    ],
    [
      'an optional key',
      () => {
        @Table()
        class OptKey extends Model {
          @HashKey() @Attribute({ optional: true }) a!: string;
        }
        return OptKey;
      },
      'optional-key',
      'a',
    ],
    [
      'a key with a null default',
      () => {
        @Table()
        class NullKey extends Model {
          @HashKey({ default: null as unknown as string }) a!: string;
        }
        return NullKey;
      },
      'optional-key',
      'a',
    ],
    [
      'one property as both keys',
      () => {
        @Table()
        class BothKeys extends Model {
          @HashKey() @RangeKey() a!: string;
        }
        return BothKeys;
      },
      'key-roles',
      'a',
    ],
    [
      'two properties stored under one name',
      () => {
        @Table()
        class Dup extends Model {
          @HashKey() id!: string;
          @Attribute({ name: 'x' }) a!: string;
          @Attribute({ name: 'x' }) b!: string;
        }
        return Dup;
      },
      'duplicate-name',
      'b',
    ],
    [
      'an empty stored name',
      () => {
        @Table()
        class EmptyName extends Model {
          @HashKey() id!: string;
          @Attribute({ name: '' }) a!: string;
        }
        return EmptyName;
      },
      'empty-name',
      'a',
    ],
    [
      'a stored name over 64 KB',
      () => {
        @Table()
        class LongName extends Model {
          @HashKey() id!: string;
          @Attribute({ name: 'n'.repeat(65_536) }) a!: string;
        }
        return LongName;
      },
      'name-too-long',
      'a',
    ],
    [
      'a key name over 255 bytes',
      () => {
        @Table()
        class LongKey extends Model {
          @HashKey({ name: 'k'.repeat(256) }) id!: string;
        }
        return LongKey;
      },
      'name-too-long',
      'id',
    ],
    [
      'an invalid table name',
      () => {
        @Table({ name: 'no spaces' })
        class BadName extends Model {
          @HashKey() id!: string;
        }
        return BadName;
      },
      'table-name',
    ],
    [
      'an interface-typed property (design:type Object)',
      () => {
        @Table()
        class Loose extends Model {
          @HashKey() id!: string;
          @Attribute() meta!: { a: string } | null;
        }
        return Loose;
      },
      'unknown-type',
      'meta',
    ],
    [
      'an Array without `of`',
      () => {
        @Table()
        class NoOf extends Model {
          @HashKey() id!: string;
          @Attribute() tags!: string[];
        }
        return NoOf;
      },
      'missing-element-type',
      'tags',
    ],
    [
      'a Set<boolean>',
      () => {
        @Table()
        class BoolSet extends Model {
          @HashKey() id!: string;
          @Attribute({ type: Set, of: Boolean }) flags!: Set<boolean>;
        }
        return BoolSet;
      },
      'set-element-type',
      'flags',
    ],
    [
      'an enum with a duplicate value',
      () => {
        @Table()
        class DupEnum extends Model {
          @HashKey() id!: string;
          @Attribute({ enum: { A: 'x', B: 'x' } }) e!: string;
        }
        return DupEnum;
      },
      'enum-duplicates',
      'e',
    ],
    [
      'TTL on a string',
      () => {
        @Table({ ttl: 'expires' })
        class TtlString extends Model {
          @HashKey() id!: string;
          @Attribute() expires!: string;
        }
        return TtlString;
      },
      'ttl-type',
      'expires',
    ],
    [
      'TTL on an undeclared property',
      () => {
        @Table({ ttl: 'nope' })
        class TtlMissing extends Model {
          @HashKey() id!: string;
        }
        return TtlMissing;
      },
      'ttl-attribute',
    ],
    [
      'TTL on a Date stored in milliseconds',
      () => {
        @Table({ ttl: 'at' })
        class TtlMillis extends Model {
          @HashKey() id!: string;
          @Attribute({ dateFormat: 'epochMillis' }) at!: Date;
        }
        return TtlMillis;
      },
      'ttl-type',
      'at',
    ],
    [
      'bad provisioned billing',
      () => {
        @Table({ billing: { read: 0, write: 1 } })
        class Billing extends Model {
          @HashKey() id!: string;
        }
        return Billing;
      },
      'billing',
    ],
    [
      'an embedded class with no attributes',
      () => {
        class Empty {}
        @Table()
        class HasEmpty extends Model {
          @HashKey() id!: string;
          @Attribute({ type: Empty }) e!: Empty;
        }
        return HasEmpty;
      },
      'unknown-type',
    ],
    [
      'a nullable union without a type (emitted as Object)',
      () => {
        @Table()
        class Nick extends Model {
          @HashKey() id!: string;
          @Attribute({ nullable: true }) nick!: string | null;
        }
        return Nick;
      },
      'unknown-type',
      'nick',
    ],
    [
      'an unstorable type',
      () => {
        @Table()
        class Fn extends Model {
          @HashKey() id!: string;
          @Attribute({ type: Promise }) p!: Promise<void>;
        }
        return Fn;
      },
      'unknown-type',
      'p',
    ],
    [
      'a codec without fromDynamo',
      () => {
        @Table()
        class BadCodec extends Model {
          @HashKey() id!: string;
          @Attribute({ codec: { toDynamo: () => ({ S: '' }) } as never }) a!: string;
        }
        return BadCodec;
      },
      'codec',
      'a',
    ],
    [
      '@Version on a string',
      () => {
        @Table()
        class VersionString extends Model {
          @HashKey() id!: string;
          @Version() version!: string;
        }
        return VersionString;
      },
      'version-type',
      'version',
    ],
    [
      '@Version on a bigint',
      () => {
        @Table()
        class VersionBig extends Model {
          @HashKey() id!: string;
          @Version() version!: bigint;
        }
        return VersionBig;
      },
      'version-type',
      'version',
    ],
    [
      'two @Versions',
      () => {
        @Table()
        class TwoVersions extends Model {
          @HashKey() id!: string;
          @Version() a!: number;
          @Version() b!: number;
        }
        return TwoVersions;
      },
      'two-version',
    ],
    [
      '@Version on a key',
      () => {
        @Table()
        class KeyVersion extends Model {
          @HashKey() id!: string;
          @RangeKey() @Version() v!: number;
        }
        return KeyVersion;
      },
      'lifecycle-key',
      'v',
    ],
    [
      '@UpdatedAt on a number',
      () => {
        @Table()
        class UpdatedNumber extends Model {
          @HashKey() id!: string;
          @UpdatedAt() at!: number;
        }
        return UpdatedNumber;
      },
      'timestamp-type',
      'at',
    ],
    [
      '@CreatedAt with a default',
      () => {
        @Table()
        class CreatedDefault extends Model {
          @HashKey() id!: string;
          @CreatedAt({ default: () => new Date() } as object) at!: Date;
        }
        return CreatedDefault;
      },
      'lifecycle-default',
      'at',
    ],
    [
      'one attribute as @CreatedAt and @UpdatedAt',
      () => {
        @Table()
        class BothStamps extends Model {
          @HashKey() id!: string;
          @CreatedAt() @UpdatedAt() at!: Date;
        }
        return BothStamps;
      },
      'lifecycle-roles',
      'at',
    ],
    [
      'two @Ttls',
      () => {
        @Table()
        class TwoTtls extends Model {
          @HashKey() id!: string;
          @Ttl() a!: Date;
          @Ttl() b!: Date;
        }
        return TwoTtls;
      },
      'two-ttl',
    ],
    [
      '@Ttl and a different @Table ttl',
      () => {
        @Table({ ttl: 'a' })
        class TtlTwice extends Model {
          @HashKey() id!: string;
          @Attribute() a!: Date;
          @Ttl() b!: Date;
        }
        return TtlTwice;
      },
      'two-ttl',
    ],
    [
      '@Ttl on a string',
      () => {
        @Table()
        class TtlText extends Model {
          @HashKey() id!: string;
          @Ttl() expires!: string;
        }
        return TtlText;
      },
      'ttl-type',
      'expires',
    ],
  ];

  // Rows padded to four values: jest passes a `done` callback to a test with more parameters than values.
  const rows = cases.map(([name, define, rule, attribute]) => [name, define, rule, attribute ?? ''] as const);
  it.each(rows)('%s', (_name, define, rule, attribute) => {
    const cls = define();
    const error = definitionError(cls);
    expect(error.rule).toBe(rule);
    // An embedded class's own error names that class, and the message says where it is used.
    expect([cls.name, 'Empty']).toContain(error.model);
    expect(error.message).toContain(cls.name);
    if (attribute) {
      expect(error.attribute).toBe(attribute);
      expect(error.message).toContain(`${cls.name}.${attribute.slice(0, 20)}`);
    }
    // A nullable union's message names the type it needs.
    if (attribute === 'nick') expect(error.message).toContain('@Attribute({ type: String, nullable: true })');
  });

  it('@Ttl is the same as the @Table ttl option; lifecycle attributes are compiled once, by role', () => {
    @Table()
    class Expiring extends Model {
      @HashKey() id!: string;
      @Ttl() expires!: Date;
      @Version() version?: number;
      @CreatedAt({ name: 'created_at', dateFormat: 'epochMillis' }) created!: Date;
      @UpdatedAt() updated!: Date;
    }
    const schema = compileModel(Expiring);
    expect(schema.table.ttlAttribute).toBe('expires');
    expect(schema.byProperty.get('expires')?.codec.encode(new Date(1_800_000_000_500), 0)).toEqual({ N: '1800000000' });
    expect(schema.lifecycle.version?.property).toBe('version');
    expect(schema.lifecycle.version?.required).toBe(false); // absent until the first write
    expect(schema.lifecycle.createdAt?.name).toBe('created_at');
    expect(schema.lifecycle.updatedAt?.property).toBe('updated');
  });

  it('Json is a free-form escape hatch for an interface-typed property', () => {
    @Table()
    class Free extends Model {
      @HashKey() id!: string;
      @Attribute({ type: Json }) meta!: { a: string } | null;
    }
    expect(() => compileModel(Free)).not.toThrow();
  });
});

describe('generated codecs', () => {
  const schema = compileModel<User>(User);
  const interpreted = new ObjectCodec<User>(User.prototype, schema.fields, { interpreted: true, keepUnknown: true });
  const outcome = (encode: () => unknown): unknown => {
    try {
      return encode();
    } catch (error) {
      return { error: (error as Error).message, path: (error as { path?: string[] }).path };
    }
  };
  const user = (attributes: Partial<User>): User => Object.assign(new User(), attributes);

  it.each([
    ['a full item', user({ email: 'a@b', name: 'A', nickname: null, balance: 5n, address: { street: 's' } as never })],
    ['a minimal item', user({ email: 'a@b', name: 'A' })],
    ['a missing required attribute', user({ email: 'a@b' })],
    ['a wrong type deep inside', user({ email: 'a@b', name: 'A', pastAddresses: [{ street: 1 }] as never })],
    ['null where not nullable', user({ email: 'a@b', name: null as never })],
  ])('agree with the loop on %s', (_name, value) => {
    const generated = outcome(() => schema.codec.encode(value));
    expect(generated).toEqual(outcome(() => interpreted.encode(value)));
    if (!('error' in (generated as object))) {
      const item = generated as Record<string, never>;
      expect(schema.codec.decode(item)).toEqual(interpreted.decode(item));
    }
  });

  it('run as generated code here, and the loop only when asked', () => {
    expect(schema.codec.mode).toBe('generated');
    expect(interpreted.mode).toBe('interpreted');
  });

  it('fall back to the loop only where code generation is refused, and still encode', () => {
    // A process started with --disallow-code-generation-from-strings makes `new Function` throw EvalError.
    const script = [
      "require('reflect-metadata');",
      "const { Attribute, HashKey, Model, Table, compileModel } = require('./src');",
      'class T extends Model {}',
      "Reflect.decorate([HashKey(), Reflect.metadata('design:type', String)], T.prototype, 'id');",
      "Reflect.decorate([Attribute(), Reflect.metadata('design:type', Number)], T.prototype, 'n');",
      'Table()(T);',
      'const schema = compileModel(T);',
      "const t = Object.assign(new T(), { id: 'a', n: 1 });",
      'const item = schema.codec.encode(t);',
      // What a write keeps of the instance (save() compares with it) works there too.
      "const kept = require('./src/model/kept-values').keptValuesOf(schema);",
      'const values = kept.capture(t, item);',
      'const same = kept.matches(t, values, item);',
      't.n = 2;',
      'const changed = !kept.matches(t, values, schema.codec.encode(t));',
      'console.log(JSON.stringify({ mode: schema.codec.mode, item, same, changed }));',
    ].join('\n');
    const output = execFileSync(
      process.execPath,
      ['--disallow-code-generation-from-strings', '-r', 'ts-node/register/transpile-only', '-e', script],
      { cwd: join(__dirname, '..'), encoding: 'utf8' },
    );
    expect(JSON.parse(output)).toEqual({
      mode: 'interpreted',
      item: { id: { S: 'a' }, n: { N: '1' } },
      same: true,
      changed: true,
    });
  });

  it('agree on stored items that do not fit', () => {
    const bad = { email: { S: 'a' }, display_name: { N: '1' } };
    expect(outcome(() => schema.codec.decode(bad))).toEqual(outcome(() => interpreted.decode(bad)));
  });

  it('embed property names safely', () => {
    @Table()
    class Odd extends Model {
      @HashKey({ name: 'a"b\\c' }) id!: string;
      @Attribute({ name: '`${x}`\n' }) ['we"ird']!: string;
    }
    const odd = compileModel<Odd>(Odd);
    const item = odd.codec.encode(Object.assign(new Odd(), { id: '1', 'we"ird': '2' }));
    expect(item).toEqual({ 'a"b\\c': { S: '1' }, '`${x}`\n': { S: '2' } });
    expect(odd.codec.decode(item)['we"ird']).toBe('2');
  });
});

describe('a type TypeScript did not emit', () => {
  it('says to turn on emitDecoratorMetadata (or to declare the type)', () => {
    @Table()
    class NoMetadata extends Model {
      @HashKey({ type: String }) id!: string;
      body!: string;
    }
    // What a compiler without emitDecoratorMetadata leaves: a declaration with no design type.
    Attribute()(NoMetadata.prototype, 'body');
    Reflect.deleteMetadata('design:type', NoMetadata.prototype, 'body');
    expect(() => compileModel(NoMetadata)).toThrow(/turn on "emitDecoratorMetadata"/);
  });
});

describe('decorator misuse', () => {
  it('refuses a static property at class definition', () => {
    expect(() => {
      @Table()
      class WithStatic extends Model {
        @HashKey() id!: string;
        @Attribute() static shared: string;
      }
      return WithStatic;
    }).toThrow('static property shared cannot be a stored attribute');
  });
});
