import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'node:util';
import ts from 'typescript';
import * as classTransformer from 'class-transformer';
import * as cache from '@dynamodel/cache';
import * as executor from '@dynamodel/executor';
import { uniqueTablePrefix } from '@dynamodel/local/jest';
import * as core from '../src';

// Every TypeScript block of the documentation pages is checked here, so the pages cannot drift
// from the code:
// - `<!-- example: name -->` blocks are type-checked as a user's project compiles them
//   (experimentalDecorators + emitDecoratorMetadata) and then run against the test run's DynamoDB
//   Local; each `console.log(…); // text` line must print exactly `text`, in order.
// - `<!-- typecheck: name -->` blocks are type-checked only: lines ending in `// compile error…`
//   must fail to compile, every other line must compile. A fragment that uses names the page
//   introduced earlier gets them from lines written inside the marker, after the name (a hidden
//   prelude: imports and `declare const connection: Connection;`), checked with the block.
// - `<!-- from: path -->` blocks quote a file of an example project; examples/shop/test/docs.test.ts
//   checks them against the file.
// No page (docs, the README, the package READMEs) may hold any other TypeScript block.

const repository = join(__dirname, '..', '..', '..');

interface DocBlock {
  readonly page: string;
  readonly kind: 'example' | 'typecheck' | 'from' | 'unmarked';
  readonly name: string;
  readonly code: string;
  /** Lines the reader does not see, type-checked in front of the block (typecheck blocks only). */
  readonly prelude: string;
}

function blocksOf(page: string): DocBlock[] {
  const text = readFileSync(join(repository, page), 'utf8');
  const blocks: DocBlock[] = [];
  const block =
    /(?:<!-- (example|typecheck|from|quick-start): ?([^\s>]+)((?:(?!-->)[\s\S])*?)-->\s*)?```ts\n([\s\S]*?)```/g;
  for (const match of text.matchAll(block)) {
    const marker = match[1] === 'quick-start' ? 'from' : match[1]; // the README's, checked by examples/tweets
    const kind = (marker as DocBlock['kind'] | undefined) ?? 'unmarked';
    const line = text.slice(0, match.index).split('\n').length;
    const prelude = kind === 'typecheck' && match[3]?.startsWith('\n') ? match[3].slice(1) : '';
    blocks.push({ page, kind, name: match[2] ?? `line ${line}`, code: match[4]!, prelude });
  }
  return blocks;
}

const pages = [
  'README.md',
  ...readdirSync(join(repository, 'docs'))
    .filter((file) => file.endsWith('.md'))
    .map((file) => `docs/${file}`),
  ...readdirSync(join(repository, 'packages')).map((name) => `packages/${name}/README.md`),
];
const blocks = pages.flatMap(blocksOf);
const checked = blocks.filter((block) => block.kind === 'example' || block.kind === 'typecheck');
// Never written to disk: the type checker reads the blocks from memory, as if they lived here.
const fileOf = (block: DocBlock): string =>
  join(
    repository,
    'packages/core/test/.docs',
    `${block.page.replace(/\.md$/, '').replace(/\//g, '-')}-${block.name}.ts`,
  );

/** Type errors by file and line, for every checked block at once (one program: the core is checked once). */
function typeErrors(): Map<string, Map<number, string[]>> {
  const sources = new Map(checked.map((block) => [fileOf(block), block.prelude + block.code]));
  const options: ts.CompilerOptions = {
    strict: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ES2022,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    experimentalDecorators: true,
    emitDecoratorMetadata: true,
    skipLibCheck: true,
    noEmit: true,
    types: ['node', 'jest'],
    typeRoots: [join(repository, 'node_modules/@types')],
    paths: {
      '@dynamodel/core': [join(repository, 'packages/core/src/index.ts')],
      '@dynamodel/cache': [join(repository, 'packages/cache/src/index.ts')],
      '@dynamodel/executor': [join(repository, 'packages/executor/src/index.ts')],
      '@dynamodel/local': [join(repository, 'packages/local/src/index.ts')],
      '@dynamodel/local/*': [join(repository, 'packages/local/src/*/index.ts')],
      '@dynamodel/cli': [join(repository, 'packages/cli/src/index.ts')],
      ioredis: [join(repository, 'packages/cache/node_modules/ioredis')],
    },
  };
  // The blocks live in memory: the host answers for their files and asks the disk for the rest.
  const disk = ts.createCompilerHost(options);
  const host: ts.CompilerHost = {
    ...disk,
    fileExists: (file) => sources.has(file) || disk.fileExists(file),
    readFile: (file) => sources.get(file) ?? disk.readFile(file),
    getSourceFile: (file, language, ...rest) => {
      const source = sources.get(file);
      return source === undefined
        ? disk.getSourceFile(file, language, ...rest)
        : ts.createSourceFile(file, source, language, true);
    },
  };
  const program = ts.createProgram([...sources.keys()], options, host);
  const errors = new Map<string, Map<number, string[]>>();
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    const file = diagnostic.file?.fileName ?? '(options)';
    const line = diagnostic.file ? diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0).line + 1 : 0;
    const byLine = errors.get(file) ?? new Map<number, string[]>();
    byLine.set(line, [...(byLine.get(line) ?? []), ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')]);
    errors.set(file, byLine);
  }
  return errors;
}

/** What each `console.log(…); // text` line says it prints, in order. */
function expectedOutput(code: string): string[] {
  return code
    .split('\n')
    .map((line) => /^\s*console\.log\(.*\);\s*\/\/ (.*)$/.exec(line)?.[1])
    .filter((text): text is string => text !== undefined);
}

type AsyncRunner = (require: (id: string) => unknown, console: Pick<Console, 'log'>) => Promise<void>;
const AsyncFunction = async function () {}.constructor as new (...args: string[]) => AsyncRunner;

/** Runs an example as CommonJS with decorator metadata; its tables get a prefix of this test file's. */
async function run(code: string): Promise<string[]> {
  const js = ts.transpileModule(code, {
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.CommonJS,
      experimentalDecorators: true,
      emitDecoratorMetadata: true,
    },
  }).outputText;
  const prefix = uniqueTablePrefix('docs');
  const modules: Record<string, unknown> = {
    '@dynamodel/core': {
      ...core,
      connect: (options: core.ConnectOptions = {}) =>
        core.connect({ ...options, prefix: prefix + (options.prefix ?? '') }),
      createConnection: (options: core.ConnectOptions = {}) =>
        core.createConnection({ ...options, prefix: prefix + (options.prefix ?? '') }),
    },
    '@dynamodel/cache': cache,
    '@dynamodel/executor': executor,
    'reflect-metadata': {},
    'class-transformer': classTransformer,
  };
  const printed: string[] = [];
  const runner = new AsyncFunction('require', 'console', `const exports = {};\n${js}`);
  await runner(
    (id) => {
      if (!(id in modules)) throw new Error(`the docs examples cannot import ${id}`);
      return modules[id];
    },
    { log: (...args: unknown[]) => printed.push(format(...args)) },
  );
  return printed;
}

describe('documentation code blocks', () => {
  it('finds the pages it checks', () => {
    expect(pages).toEqual(expect.arrayContaining(['README.md', 'docs/models.md', 'packages/core/README.md']));
    expect(checked.length).toBeGreaterThan(50);
  });

  it.each(pages)('%s holds only checked blocks', (page) => {
    const unmarked = blocksOf(page).filter((block) => block.kind === 'unmarked');
    expect(unmarked.map((block) => block.name)).toEqual([]);
  });

  it('names each checked block once per page', () => {
    const names = checked.map((block) => `${block.page} ${block.name}`);
    expect(names.filter((name, i) => names.indexOf(name) !== i)).toEqual([]);
  });

  describe('type-check', () => {
    let errors: Map<string, Map<number, string[]>>;
    beforeAll(() => {
      errors = typeErrors();
    }, 120_000);

    it('has no errors outside the blocks', () => {
      const files = new Set(checked.map(fileOf));
      expect([...errors.keys()].filter((file) => !files.has(file))).toEqual([]);
    });

    it.each(checked.map((block) => [`${block.page} ${block.name}`, block] as const))('%s', (_, block) => {
      const found = errors.get(fileOf(block)) ?? new Map<number, string[]>();
      const lines = block.code.split('\n');
      const hidden = block.prelude === '' ? 0 : block.prelude.split('\n').length - 1;
      const preludeErrors = [...found.entries()].filter(([number]) => number <= hidden);
      expect(preludeErrors).toEqual([]);
      const unexpected: string[] = [];
      const missing: string[] = [];
      lines.forEach((line, index) => {
        const number = hidden + index + 1;
        const wanted = /\/\/ compile error/.test(line);
        if (wanted && !found.has(number)) missing.push(`line ${index + 1}: ${line.trim()}`);
        if (!wanted && found.has(number)) unexpected.push(`line ${index + 1}: ${found.get(number)!.join('; ')}`);
      });
      expect({ unexpected, missing }).toEqual({ unexpected: [], missing: [] });
      // An example runs, so it cannot hold a line that does not compile.
      if (block.kind === 'example') expect(lines.filter((line) => /\/\/ compile error/.test(line))).toEqual([]);
    });
  });

  describe('run', () => {
    const examples = checked.filter((block) => block.kind === 'example');
    it.each(examples.map((block) => [`${block.page} ${block.name}`, block] as const))(
      '%s prints what its comments say',
      async (_, block) => {
        const expected = expectedOutput(block.code);
        expect(expected.length).toBeGreaterThan(0);
        // Every console.log says what it prints, on its own line (prettier must not have wrapped one).
        expect(block.code.match(/console\.log\(/g)?.length).toBe(expected.length);
        expect(await run(block.code)).toEqual(expected);
      },
      60_000,
    );
  });
});
