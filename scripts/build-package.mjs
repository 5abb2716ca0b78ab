// Builds the package in the current directory:
//   dist/cjs    CommonJS output of tsc (the one real copy of the code)
//   dist/types  declarations
//   dist/esm    thin ES-module wrappers that re-export the CommonJS build
// ESM wrappers instead of a second compiled copy avoid the "dual package hazard": a program that
// reaches a package through both `import` and `require` still gets one module instance (one model
// registry, one connection), as Node's documentation recommends for dual packages.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';

const require = createRequire(import.meta.url);
const tsc = require.resolve('typescript/bin/tsc');
const pkgDir = process.cwd();
const dist = join(pkgDir, 'dist');
const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));

rmSync(dist, { recursive: true, force: true });
execFileSync(
  process.execPath,
  [
    tsc,
    '-p',
    join(pkgDir, 'tsconfig.build.json'),
    '--outDir',
    join(dist, 'cjs'),
    '--declarationDir',
    join(dist, 'types'),
    // src/ is not shipped: the maps carry the sources themselves, so a stack trace still points at them.
    '--inlineSources',
  ],
  { stdio: 'inherit' },
);
writeFileSync(join(dist, 'cjs', 'package.json'), JSON.stringify({ type: 'commonjs' }) + '\n');

for (const target of Object.values(pkg.exports ?? {})) {
  if (typeof target !== 'object' || !target.import) continue;
  const wrapperPath = join(pkgDir, target.import);
  const cjsPath = join(pkgDir, target.require);
  const names = Object.keys(require(cjsPath)).filter((name) => name !== '__esModule' && name !== 'default');
  const specifier = relative(dirname(wrapperPath), cjsPath).split('\\').join('/');
  const lines = [
    `import cjs from '${specifier.startsWith('.') ? specifier : './' + specifier}';`,
    ...names.map((name) => `export const ${name} = cjs.${name};`),
    'export default cjs;',
  ];
  mkdirSync(dirname(wrapperPath), { recursive: true });
  writeFileSync(wrapperPath, lines.join('\n') + '\n');
}
