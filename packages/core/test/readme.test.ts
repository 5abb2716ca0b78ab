import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import * as classTransformer from 'class-transformer';
import * as cache from '@dynamodel/cache';
import * as core from '../src';

// The README's examples, compiled as a user's project would compile them (experimentalDecorators +
// emitDecoratorMetadata) and run against the test run's DynamoDB Local; what each prints must be
// what its comments say.

function readmeExample(name: string): string {
  const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
  const match = new RegExp(`<!-- example: ${name}[^>]*-->\\s*\`\`\`ts\\n([\\s\\S]*?)\`\`\``).exec(readme);
  if (!match?.[1]) throw new Error(`README.md has no ${name} example`);
  return match[1];
}

type AsyncRunner = (require: (id: string) => unknown, console: Pick<Console, 'log'>) => Promise<void>;
const AsyncFunction = async function () {}.constructor as new (...args: string[]) => AsyncRunner;

async function run(name: string): Promise<unknown[][]> {
  const js = ts.transpileModule(readmeExample(name), {
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.CommonJS,
      experimentalDecorators: true,
      emitDecoratorMetadata: true,
    },
  }).outputText;
  const modules: Record<string, unknown> = {
    '@dynamodel/core': core,
    '@dynamodel/cache': cache,
    'reflect-metadata': {},
    'class-transformer': classTransformer,
  };
  const printed: unknown[][] = [];
  const runner = new AsyncFunction('require', 'console', `const exports = {};\n${js}`);
  await runner((id) => modules[id], { log: (...args: unknown[]) => printed.push(args) });
  return printed;
}

describe('README examples', () => {
  it('quick start: runs and prints what its comments say', async () => {
    expect(await run('quick-start')).toEqual([['hello', true], [true]]);
  });

  it('queries: runs and prints what its comments say', async () => {
    expect(await run('queries')).toEqual([
      [['p5', 'p4']],
      [['Post 3', 'Post 5']],
      [3, 2, undefined],
      ['p2'],
      ['p4'],
      [11, 5],
    ]);
  });

  it('cache: runs and prints what its comments say', async () => {
    expect(await run('cache')).toEqual([['edited', 'PutItem GetItem UpdateItem GetItem']]);
  });

  it('transactions: runs and prints what its comments say', async () => {
    expect(await run('transactions')).toEqual([[1, 'Username', 'ConditionalCheckFailed'], [undefined], [1, 'u1']]);
  });

  it('versions: runs and prints what its comments say', async () => {
    expect(await run('versions')).toEqual([
      [1, 2],
      [15, 3, true],
    ]);
  });
});
