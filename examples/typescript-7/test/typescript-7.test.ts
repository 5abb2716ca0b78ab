import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

// docs/install.md says which tsconfig each decorator mode needs under TypeScript 5.9 and 7. The
// README's quick start is type-checked under 5.9 by examples/tweets/test/readme-quick-start.test.ts;
// here TypeScript 7's own `tsc` (this package's dev dependency) compiles it, against the built
// `@dynamodel/core` as a user installs it (its `dist/types`: `pnpm build` first, as CI does).

const here = join(__dirname, '..');
const tsc = join(here, 'node_modules', 'typescript', 'bin', 'tsc');
const work = join(here, '.generated');
const readme = readFileSync(join(here, '..', '..', 'README.md'), 'utf8');
const quickStart = /<!-- quick-start[^>]*-->\s*```ts\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';

function compile(name: string, compilerOptions: Record<string, unknown>, file = 'quick-start.ts'): string {
  writeFileSync(
    join(work, `tsconfig.${name}.json`),
    JSON.stringify({
      compilerOptions: { strict: true, target: 'ES2022', skipLibCheck: true, ...compilerOptions },
      files: [file],
    }),
  );
  try {
    execFileSync(process.execPath, [tsc, '-p', join(work, `tsconfig.${name}.json`)], { cwd: work, encoding: 'utf8' });
    return '';
  } catch (error) {
    return String((error as { stdout?: string }).stdout ?? error);
  }
}

beforeAll(() => {
  if (!existsSync(join(here, '..', '..', 'packages', 'core', 'dist', 'types', 'index.d.ts'))) {
    throw new Error('@dynamodel/core is not built: run `pnpm build` first (this test compiles against its dist/types)');
  }
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work);
  writeFileSync(join(work, 'quick-start.ts'), quickStart); // CommonJS: this package has no "type": "module"
  writeFileSync(join(work, 'quick-start.mts'), quickStart); // an ES module
  // A model that takes its types from decorator metadata, as experimentalDecorators users write them.
  writeFileSync(
    join(work, 'metadata.ts'),
    "import 'reflect-metadata';\nimport { Attribute, HashKey, Model, Table } from '@dynamodel/core';\n\n" +
      "@Table({ name: 'events' })\nexport class Event extends Model {\n  @HashKey() id!: string;\n  @Attribute() at!: Date;\n}\n",
  );
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the quick start under TypeScript 7', () => {
  it('is TypeScript 7', () => {
    expect(execFileSync(process.execPath, [tsc, '--version'], { encoding: 'utf8' })).toMatch(/^Version 7\./);
    expect(quickStart).toContain("from '@dynamodel/core'");
  });

  it.each([
    ['standard decorators, ES modules', { module: 'nodenext', noEmit: true }, 'quick-start.mts'],
    ['standard decorators, CommonJS (module nodenext)', { module: 'nodenext', noEmit: true }, 'quick-start.ts'],
    ['standard decorators, CommonJS (module commonjs)', { module: 'commonjs', noEmit: true }, 'quick-start.ts'],
    [
      'experimentalDecorators + emitDecoratorMetadata',
      { module: 'nodenext', noEmit: true, experimentalDecorators: true, emitDecoratorMetadata: true },
      'quick-start.ts',
    ],
  ])('compiles with %s', (name, options, file) => {
    expect(compile(name.replace(/\W+/g, '-'), options, file)).toBe('');
  });

  it('emits the decorator metadata that models without explicit types read', () => {
    expect(
      compile(
        'emit',
        { module: 'nodenext', outDir: 'out', experimentalDecorators: true, emitDecoratorMetadata: true },
        'metadata.ts',
      ),
    ).toBe('');
    const emitted = readFileSync(join(work, 'out', 'metadata.js'), 'utf8');
    expect(emitted).toContain('__metadata("design:type", String)');
    expect(emitted).toContain('__metadata("design:type", Date)');
  });

  it('refuses moduleResolution node10, which older tsconfigs (and TypeScript 5 examples) still name', () => {
    expect(compile('node10', { module: 'commonjs', moduleResolution: 'node10', noEmit: true })).toContain(
      "error TS5108: Option 'moduleResolution=node10' has been removed",
    );
  });
});
