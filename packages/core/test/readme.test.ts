import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import * as classTransformer from 'class-transformer';
import * as core from '../src';

// The README's quick-start example, compiled as a user's project would compile it
// (experimentalDecorators + emitDecoratorMetadata) and run against the test run's DynamoDB Local.

function readmeExample(): string {
  const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
  const match = /<!-- example: quick-start[^>]*-->\s*```ts\n([\s\S]*?)```/.exec(readme);
  if (!match?.[1]) throw new Error('README.md has no quick-start example');
  return match[1];
}

type AsyncRunner = (require: (id: string) => unknown, console: Pick<Console, 'log'>) => Promise<void>;
const AsyncFunction = async function () {}.constructor as new (...args: string[]) => AsyncRunner;

describe('README example', () => {
  it('runs and prints what its comments say', async () => {
    const js = ts.transpileModule(readmeExample(), {
      compilerOptions: {
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.CommonJS,
        experimentalDecorators: true,
        emitDecoratorMetadata: true,
      },
    }).outputText;
    const modules: Record<string, unknown> = {
      '@dynamodel/core': core,
      'reflect-metadata': {},
      'class-transformer': classTransformer,
    };
    const printed: unknown[][] = [];
    const run = new AsyncFunction('require', 'console', `const exports = {};\n${js}`);
    await run((id) => modules[id], { log: (...args: unknown[]) => printed.push(args) });
    expect(printed).toEqual([['hello', true], [true]]);
  });
});
