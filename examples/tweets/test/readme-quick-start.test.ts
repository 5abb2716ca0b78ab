import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

// The root README's quick start, as a user's project meets it: type-checked under CommonJS (with
// experimentalDecorators and emitDecoratorMetadata) and under ES modules (TC39 standard decorators),
// then run with tsx (esbuild: no decorator metadata) against the test run's DynamoDB Local.

const repository = join(__dirname, '..', '..', '..');
const scratch = join(__dirname, '..', '.quick-start');

function quickStart(): string {
  const readme = readFileSync(join(repository, 'README.md'), 'utf8');
  const match = /<!-- quick-start:[^>]*-->\s*```ts\n([\s\S]*?)```/.exec(readme);
  if (!match?.[1]) throw new Error('README.md has no quick-start block');
  return match[1];
}

/** Type errors of `file` under `options`, with `@dynamodel/*` mapped to the workspace's sources. */
function typeErrors(file: string, options: ts.CompilerOptions): string[] {
  const paths = {
    '@dynamodel/core': [join(repository, 'packages/core/src/index.ts')],
    '@dynamodel/executor': [join(repository, 'packages/executor/src/index.ts')],
    '@dynamodel/local': [join(repository, 'packages/local/src/index.ts')],
  };
  const program = ts.createProgram([file], {
    strict: true,
    target: ts.ScriptTarget.ES2022,
    skipLibCheck: true,
    noEmit: true,
    types: ['node'],
    typeRoots: [join(repository, 'node_modules/@types')],
    paths,
    ...options,
  });
  return ts
    .getPreEmitDiagnostics(program)
    .filter((diagnostic) => diagnostic.file?.fileName === file || !diagnostic.file)
    .map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
}

beforeAll(() => {
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(join(scratch, 'esm'), { recursive: true });
  writeFileSync(join(scratch, 'quick-start.ts'), quickStart());
  writeFileSync(join(scratch, 'esm', 'package.json'), JSON.stringify({ type: 'module' }));
  writeFileSync(join(scratch, 'esm', 'quick-start.ts'), quickStart());
  // tsx reads this: the workspace's paths and experimentalDecorators (esbuild emits no metadata).
  writeFileSync(join(scratch, 'tsconfig.json'), JSON.stringify({ extends: '../../../tsconfig.base.json' }));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('README quick start', () => {
  it('type-checks under CommonJS with experimentalDecorators and emitDecoratorMetadata', () => {
    const errors = typeErrors(join(scratch, 'quick-start.ts'), {
      module: ts.ModuleKind.CommonJS,
      moduleResolution: ts.ModuleResolutionKind.Node10,
      experimentalDecorators: true,
      emitDecoratorMetadata: true,
      esModuleInterop: true,
    });
    expect(errors).toEqual([]);
  });

  it('type-checks as an ES module with TC39 standard decorators', () => {
    const errors = typeErrors(join(scratch, 'esm', 'quick-start.ts'), {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
    });
    expect(errors).toEqual([]);
  });

  it('runs under tsx and prints what its comments say', () => {
    const output = execFileSync(join(repository, 'node_modules/.bin/tsx'), ['quick-start.ts'], {
      cwd: scratch,
      encoding: 'utf8',
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    });
    expect(output.trim()).toBe('hello true');
  }, 60_000);
});
