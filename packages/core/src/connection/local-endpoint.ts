import { DynamodelError } from '@dynamodel/executor';
import type * as LocalPackage from '@dynamodel/local';
import type { LocalClientConfig, LocalDynamo } from '@dynamodel/local';

type LocalModule = typeof LocalPackage;

function loadLocal(): LocalModule {
  try {
    // Loaded only for `endpoint: 'local'`: production installs need neither Java nor the jar.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('@dynamodel/local') as LocalModule;
  } catch (error) {
    throw new DynamodelError(
      "connect({ endpoint: 'local' }) needs the @dynamodel/local package: install it as a dev dependency",
      { cause: error },
    );
  }
}

let shared: { started: Promise<LocalDynamo>; users: number } | undefined;

/**
 * A lease on DynamoDB Local: the run's instance when the jest setup published one, otherwise one
 * instance per process, started on first use (in memory, on 127.0.0.1) and stopped when the last
 * connection using it closes.
 */
export async function leaseLocalEndpoint(): Promise<{ config: LocalClientConfig; release: () => Promise<void> }> {
  const local = loadLocal();
  // Set by `@dynamodel/local`'s jest global setup: tests share the run's DynamoDB Local.
  const published = process.env[local.ENDPOINT_VARIABLE];
  if (published) {
    return {
      config: { endpoint: published, region: local.LOCAL_REGION, credentials: local.localCredentials() },
      release: () => Promise.resolve(),
    };
  }
  shared ??= { started: local.startLocalDynamo(), users: 0 };
  const lease = shared;
  lease.users++;
  let db: LocalDynamo;
  try {
    db = await lease.started;
  } catch (error) {
    if (shared === lease) shared = undefined;
    throw error;
  }
  let released = false;
  return {
    config: { ...db.clientConfig, credentials: local.localCredentials() },
    async release() {
      if (released) return;
      released = true;
      if (--lease.users === 0) {
        if (shared === lease) shared = undefined;
        await db.stop();
      }
    },
  };
}
