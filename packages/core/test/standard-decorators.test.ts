import { transformSync } from 'esbuild';
import ts from 'typescript';
import * as core from '../src';

// Compiles model source the way TC39-decorator toolchains do (TypeScript 5 without
// experimentalDecorators, and esbuild as used by tsx and vitest): no type metadata is emitted,
// so attributes need an explicit `type`. The compiled code runs against this very package.
const MODELS = `
  const { Table, HashKey, RangeKey, Attribute, Model } = core;
  class Address {
    @Attribute({ type: String }) street;
    @Attribute({ type: String, optional: true, hidden: true }) doorCode;
  }
  @Table({ name: 'notes' })
  class Note extends Model {
    @HashKey({ type: String }) owner;
    @RangeKey({ type: Number }) n;
    @Attribute({ type: Date }) at;
    @Attribute({ type: Set, of: String, optional: true }) tags;
    @Attribute({ type: Address }) address;
    @Attribute({ type: String, optional: true, hidden: true }) secret;
    title() { return this.owner + '#' + this.n; }
  }
  class PinnedNote extends Note {
    @Attribute({ type: Boolean }) pinned;
  }
  return { Note, PinnedNote, Address };
`;

const UNTYPED = `
  const { Table, HashKey, Attribute, Model } = core;
  @Table()
  class Untyped extends Model {
    @HashKey({ type: String }) id;
    @Attribute() body;
  }
  return Untyped;
`;

type Compiler = (source: string) => string;
const compilers: [string, Compiler][] = [
  [
    'TypeScript (TC39 decorators)',
    (source) =>
      ts.transpileModule(source, {
        compilerOptions: {
          target: ts.ScriptTarget.ES2022,
          module: ts.ModuleKind.CommonJS,
          experimentalDecorators: false,
        },
      }).outputText,
  ],
  [
    'esbuild',
    (source) =>
      transformSync(source, {
        loader: 'ts',
        format: 'cjs',
        target: 'es2022',
        tsconfigRaw: { compilerOptions: { experimentalDecorators: false } },
      }).code,
  ],
];

function run<T>(compile: Compiler, source: string): T {
  // The compiled body is a function body returning the classes; `core` is this package.
  const js = compile(`export function define(core) {${source}}`);
  const module = { exports: {} as { define(c: typeof core): T } };
  // `new Function` runs in the test's own realm (vm.runInThisContext would use another `String`,
  // `Symbol` and so on than the package under test sees).
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const load = new Function('module', 'exports', js) as (m: typeof module, e: object) => void;
  load(module, module.exports);
  return module.exports.define(core);
}

describe.each(compilers)('standard decorators compiled by %s', (_name, compile) => {
  interface Note extends core.Model {
    owner: string;
    n: number;
    at: Date;
    tags?: Set<string>;
    address: { street: string };
    title(): string;
  }

  it('compiles models with explicit types, inherited attributes and embedded classes', () => {
    const { Note, PinnedNote, Address } = run<{
      Note: core.AnyClass;
      PinnedNote: core.AnyClass;
      Address: core.AnyClass;
    }>(compile, MODELS);
    const schema = core.compileModel<Note>(Note);
    expect(schema.table.keySchema).toEqual([
      { AttributeName: 'owner', KeyType: 'HASH' },
      { AttributeName: 'n', KeyType: 'RANGE' },
    ]);
    const note = Object.assign(Object.create(Note.prototype as object) as Note, {
      owner: 'ana',
      n: 1,
      at: new Date(0),
      tags: new Set(['x']),
      address: { street: 'Main' },
    });
    const item = schema.codec.encode(note);
    expect(item).toEqual({
      owner: { S: 'ana' },
      n: { N: '1' },
      at: { S: '1970-01-01T00:00:00.000Z' },
      tags: { SS: ['x'] },
      address: { M: { street: { S: 'Main' } } },
    });
    const decoded = schema.codec.decode(item);
    expect(decoded).toBeInstanceOf(Note);
    expect(decoded.title()).toBe('ana#1');
    expect(decoded.address).toBeInstanceOf(Address);
    // `hidden` keeps attributes out of toJSON under standard decorators (class-transformer's @Exclude cannot).
    const withSecrets = schema.codec.decode({
      ...item,
      secret: { S: 's3cret' },
      address: { M: { street: { S: 'Main' }, doorCode: { S: '1234' } } },
    });
    expect(withSecrets.toJSON()).toEqual({
      owner: 'ana',
      n: 1,
      at: '1970-01-01T00:00:00.000Z',
      tags: ['x'],
      address: { street: 'Main' },
    });
    expect(JSON.stringify(withSecrets)).not.toMatch(/s3cret|1234/);
    expect(core.compileModel(PinnedNote).fields.map((field) => field.property)).toEqual([
      'owner',
      'n',
      'at',
      'tags',
      'address',
      'secret',
      'pinned',
    ]);
  });

  it('a property without a type is a ModelDefinitionError at class definition, naming class and property', () => {
    let error: unknown;
    try {
      run(compile, UNTYPED);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(core.ModelDefinitionError);
    expect((error as core.ModelDefinitionError).rule).toBe('missing-type');
    expect((error as Error).message).toContain('Untyped.body');
    expect((error as Error).message).toContain('emitDecoratorMetadata');
  });

  it.each([
    ['@Ttl()', 'expires', '@Ttl({ type: Date })'],
    ['@Attribute({ nullable: true })', 'nick', '@Attribute({ type: String, nullable: true })'],
  ])('the missing-type message for %s names the type it needs (issue 25 §5)', (decorator, property, example) => {
    const source = `
      const { Table, HashKey, Attribute, Ttl, Model } = core;
      @Table()
      class Typed extends Model {
        @HashKey({ type: String }) id;
        ${decorator} ${property};
      }
      return Typed;
    `;
    expect(() => run(compile, source)).toThrow(
      expect.objectContaining({ rule: 'missing-type', message: expect.stringContaining(example) as unknown }),
    );
  });
});
