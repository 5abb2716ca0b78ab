// Packs every package as it would be published, installs the tarballs into a scratch project with
// npm (the registry supplies the rest, as for a user), and checks what a user gets:
//   - each tarball ships dist, README.md and LICENSE, no src/, and source maps that carry their sources;
//   - one copy of @aws-sdk/client-dynamodb and of @smithy/core in node_modules (caret ranges dedupe);
//   - every entry point loads through require and through import, with the same names;
//   - the type declarations resolve under CommonJS and under ES-module resolution.
// Run by .ci/run after `pnpm build`; needs the npm registry.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const PACKAGES = ['local', 'executor', 'cache', 'core', 'cli'];
const work = mkdtempSync(join(tmpdir(), 'dynamodel-pack-'));
const failures = [];
const check = (ok, what) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures.push(what);
};
const run = (command, args, cwd) =>
  execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

try {
  const tarballs = join(work, 'tarballs');
  mkdirSync(tarballs);
  const manifests = {};
  for (const name of PACKAGES) {
    const dir = join(root, 'packages', name);
    manifests[name] = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    run('pnpm', ['pack', '--pack-destination', tarballs], dir);
  }
  const files = readdirSync(tarballs);
  for (const name of PACKAGES) {
    const tarball = files.find((file) => file.startsWith(`dynamodel-${name}-`));
    const listing = run('tar', ['tzf', join(tarballs, tarball)], work).split('\n');
    check(
      listing.includes('package/LICENSE') && listing.includes('package/README.md'),
      `${name}: LICENSE and README.md shipped`,
    );
    check(!listing.some((file) => file.startsWith('package/src/')), `${name}: no src/ shipped`);
    const map = run('tar', ['xzf', join(tarballs, tarball), '-O', 'package/dist/cjs/index.js.map'], work);
    check(Array.isArray(JSON.parse(map).sourcesContent), `${name}: source maps carry their sources`);
    const manifest = manifests[name];
    check(
      Boolean(manifest.repository && manifest.engines && 'sideEffects' in manifest),
      `${name}: repository, engines, sideEffects`,
    );
  }

  const project = join(work, 'project');
  mkdirSync(project);
  const dependencies = Object.fromEntries(
    PACKAGES.map((name) => [
      `@dynamodel/${name}`,
      `file:${join(
        tarballs,
        files.find((f) => f.startsWith(`dynamodel-${name}-`)),
      )}`,
    ]),
  );
  const typescript = JSON.parse(readFileSync(join(root, 'node_modules', 'typescript', 'package.json'), 'utf8')).version;
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify(
      { name: 'scratch', private: true, dependencies: { ...dependencies, typescript, '@types/node': '^20' } },
      null,
      2,
    ),
  );
  run('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], project);

  const copies = (pkg) =>
    run('find', ['node_modules', '-path', `*/${pkg}/package.json`, '-not', '-path', '*/dist*'], project)
      .split('\n')
      .filter(Boolean);
  for (const pkg of ['@aws-sdk/client-dynamodb', '@smithy/core']) {
    const found = copies(pkg);
    check(found.length === 1, `one copy of ${pkg} (found ${found.length}: ${found.join(', ')})`);
  }

  for (const name of PACKAGES) {
    const entries = Object.entries(manifests[name].exports).filter(([, target]) => typeof target === 'object');
    for (const [subpath] of entries) {
      const specifier = `@dynamodel/${name}${subpath === '.' ? '' : subpath.slice(1)}`;
      const required = run(
        'node',
        ['-e', `console.log(JSON.stringify(Object.keys(require('${specifier}')).sort()))`],
        project,
      );
      const imported = run(
        'node',
        [
          '--input-type=module',
          '-e',
          `const m = await import('${specifier}'); console.log(JSON.stringify(Object.keys(m).filter((k) => k !== 'default').sort()))`,
        ],
        project,
      );
      check(
        required === imported && JSON.parse(required).length > 0,
        `${specifier}: require and import give the same ${JSON.parse(required).length} names`,
      );
    }
  }

  // The jest files are where a jest config names them.
  for (const file of ['jest-global-setup', 'jest-global-teardown', 'jest-environment']) {
    let resolved = '';
    try {
      resolved = run('node', ['-e', `console.log(require.resolve('@dynamodel/local/${file}'))`], project);
    } catch (error) {
      resolved = `${error.stdout ?? ''}${error.stderr ?? ''}`;
    }
    check(
      resolved.includes('node_modules/@dynamodel/local/'),
      `@dynamodel/local/${file} resolves${resolved.includes('node_modules') ? '' : `:\n${resolved}`}`,
    );
  }

  // Types resolve for both module systems.
  writeFileSync(
    join(project, 'check.ts'),
    "import { Model, connect } from '@dynamodel/core';\nimport { batchWrite } from '@dynamodel/executor';\nimport { startLocalDynamo } from '@dynamodel/local';\nimport { startLocalRedis } from '@dynamodel/local/redis';\nimport { MemoryCache, RedisCache } from '@dynamodel/cache';\nexport const used = [Model, connect, batchWrite, startLocalDynamo, startLocalRedis, MemoryCache, RedisCache];\n",
  );
  for (const [label, options] of [
    ['CommonJS', ['--module', 'commonjs', '--moduleResolution', 'node10']],
    ['ES modules', ['--module', 'nodenext', '--moduleResolution', 'nodenext']],
  ]) {
    let output = '';
    try {
      run(
        'node',
        [
          join(project, 'node_modules', 'typescript', 'bin', 'tsc'),
          '--noEmit',
          '--strict',
          '--skipLibCheck',
          '--types',
          'node',
          ...options,
          'check.ts',
        ],
        project,
      );
    } catch (error) {
      output = `${error.stdout ?? ''}${error.stderr ?? ''}`;
    }
    check(output === '', `types resolve under ${label}${output ? `:\n${output}` : ''}`);
  }

  // The installed command runs (npm links the bin; its first line says `node`).
  let help = '';
  try {
    help = run(join(project, 'node_modules', '.bin', 'dynamodel'), ['--help'], project);
  } catch (error) {
    help = `${error.stdout ?? ''}${error.stderr ?? ''}`;
  }
  check(
    help.includes('Usage: dynamodel') && help.includes('local'),
    `the dynamodel command runs${help.includes('Usage: dynamodel') ? '' : `:\n${help}`}`,
  );

  // It loads a TypeScript config and models as a user's project has them: attribute types from
  // emitDecoratorMetadata, @dynamodel/core the project's own (a peer), nothing built first.
  writeFileSync(
    join(project, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { strict: true, experimentalDecorators: true, emitDecoratorMetadata: true } }),
  );
  writeFileSync(
    join(project, 'models.ts'),
    "import { Attribute, HashKey, Model, RangeKey, Table } from '@dynamodel/core';\n\n@Table({ name: 'events' })\nexport class Event extends Model {\n  @HashKey() source!: string;\n  @RangeKey() at!: Date;\n  @Attribute() count!: number;\n}\n",
  );
  writeFileSync(
    join(project, 'dynamodel.config.ts'),
    "import { defineConfig } from '@dynamodel/cli';\n\nexport default defineConfig({ models: ['./models.ts'] });\n",
  );
  let template = '';
  try {
    template = run(
      join(project, 'node_modules', '.bin', 'dynamodel'),
      ['tables', 'template', '--format', 'create-table'],
      project,
    );
  } catch (error) {
    template = `${error.stdout ?? ''}${error.stderr ?? ''}`;
  }
  const definitions = template.startsWith('[') ? JSON.parse(template)[0]?.AttributeDefinitions : undefined;
  check(
    JSON.stringify(definitions) ===
      JSON.stringify([
        { AttributeName: 'source', AttributeType: 'S' },
        { AttributeName: 'at', AttributeType: 'S' },
      ]),
    `the installed command loads a TypeScript config and its models${definitions ? '' : `:\n${template}`}`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}

if (failures.length > 0) {
  console.error(`\n${failures.length} package check(s) failed`);
  process.exit(1);
}
console.log('\nall package checks passed');
