import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from 'jest';

// One jest project per package (and per example that has tests). Tests import workspace packages
// from their TypeScript sources, so `pnpm test` needs no build first.
const transform: Config['transform'] = {
  '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }],
};

const moduleNameMapper: Config['moduleNameMapper'] = {
  '^@dynamodel/local/jest$': '<rootDir>/../../packages/local/src/jest/index.ts',
  '^@dynamodel/local/fault-proxy$': '<rootDir>/../../packages/local/src/fault-proxy/index.ts',
  '^@dynamodel/local/redis$': '<rootDir>/../../packages/local/src/redis/index.ts',
  '^@dynamodel/([a-z-]+)$': '<rootDir>/../../packages/$1/src/index.ts',
};

// The SDK warns on every Node 20 process that its 2027 releases need Node 22; the versions are pinned.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// Node 20 loads this file through ts-node as CommonJS (`__dirname`); newer Node versions strip the
// types and load it as an ES module, where jest runs it from the repository root.
const here = typeof __dirname === 'string' ? __dirname : process.cwd();
const roots = ['packages', 'examples'];
const projects: Config['projects'] = roots.flatMap((root) =>
  readdirSync(join(here, root))
    .filter((name) => existsSync(join(here, root, name, 'test')))
    .map((name) => ({
      displayName: `${root === 'packages' ? '@dynamodel/' : 'example:'}${name}`,
      rootDir: join(here, root, name),
      testEnvironment: join(here, 'packages', 'local', 'jest-environment.cjs'),
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      transform,
      moduleNameMapper,
    })),
);

const config: Config = {
  projects,
  // One DynamoDB Local for the whole run; its endpoint reaches tests as DYNAMODEL_LOCAL_ENDPOINT.
  globalSetup: '<rootDir>/packages/local/src/jest/global-setup.ts',
  globalTeardown: '<rootDir>/packages/local/src/jest/global-teardown.ts',
  transform: { '^.+\\.ts$': ['ts-jest', {}] },

  testTimeout: 60_000,
};

export default config;
