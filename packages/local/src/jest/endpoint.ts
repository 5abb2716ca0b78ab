import { localCredentials, LOCAL_REGION, type LocalClientConfig } from '../local-dynamo';

/** The variable through which the jest global setup hands the endpoint to every test worker. */
export const ENDPOINT_VARIABLE = 'DYNAMODEL_LOCAL_ENDPOINT';

/**
 * The client configuration of the DynamoDB Local started by `@dynamodel/local/jest-global-setup`.
 * Throws a clear error when a test runs without that setup.
 */
export function localTestConfig(env: NodeJS.ProcessEnv = process.env): LocalClientConfig {
  const endpoint = env[ENDPOINT_VARIABLE];
  if (!endpoint) {
    throw new Error(
      `${ENDPOINT_VARIABLE} is not set: run this test through the repository's jest config, whose ` +
        'globalSetup (@dynamodel/local/jest-global-setup) starts DynamoDB Local.',
    );
  }
  return { endpoint, region: LOCAL_REGION, credentials: localCredentials() };
}

/**
 * Where each test file's prefixes are recorded (on the test realm's global), so a test environment
 * can delete the file's tables when it ends: `@dynamodel/local/jest-environment` (packages/local/jest-environment.cjs) does.
 */
export const TABLE_PREFIXES_KEY = Symbol.for('@dynamodel/local/jest-table-prefixes');

/**
 * A table-name prefix unique to one test file run, so tests never see each other's tables. It is
 * recorded under `TABLE_PREFIXES_KEY`; see packages/local/jest-environment.cjs for why the tables go.
 */
export function uniqueTablePrefix(label: string): string {
  const safe = label.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 40);
  const prefix = `${safe}_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 6)}_`;
  const registry = globalThis as Record<symbol, Set<string> | undefined>;
  (registry[TABLE_PREFIXES_KEY] ??= new Set()).add(prefix);
  return prefix;
}
