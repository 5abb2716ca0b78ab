import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
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

export interface LocalEndpointOptions {
  /** Port on 127.0.0.1. A DynamoDB Local already answering there is used as it is. Default: a free port. */
  readonly port?: number;
  /** Keep the data in this folder (created if missing), so it survives restarts. Default: in memory. */
  readonly dbPath?: string;
}

interface Lease {
  readonly config: LocalClientConfig;
  readonly release: () => Promise<void>;
  /** Set when this lease started the instance (not when it found one running). */
  readonly started?: { readonly endpoint: string; readonly dbPath: string | undefined };
}

/** One started (or found) DynamoDB Local per port and folder, shared by the connections that ask for it. */
const shared = new Map<string, { started: Promise<{ db?: LocalDynamo; config: LocalClientConfig }>; users: number }>();

/**
 * A lease on DynamoDB Local, in this order:
 * 1. `DYNAMODEL_LOCAL_ENDPOINT` when set (the jest setup publishes the test run's instance there; an
 *    app's environment can point at one it runs itself);
 * 2. with `port`, a DynamoDB Local already answering on 127.0.0.1:`port` (another process of the
 *    app, say), used and never stopped by us;
 * 3. otherwise one instance started per process (and per port and folder), on 127.0.0.1, in memory
 *    or in `dbPath`, and stopped when the last connection using it closes.
 */
export async function leaseLocalEndpoint(options: LocalEndpointOptions = {}): Promise<Lease> {
  const local = loadLocal();
  const published = process.env[local.ENDPOINT_VARIABLE];
  if (published) {
    return {
      config: { endpoint: published, region: local.LOCAL_REGION, credentials: local.localCredentials() },
      release: () => Promise.resolve(),
    };
  }
  const dbPath = options.dbPath === undefined ? undefined : resolve(options.dbPath);
  const key = `${options.port ?? ''}|${dbPath ?? ''}`;
  let entry = shared.get(key);
  if (!entry) {
    entry = { started: startOrFind(local, options.port, dbPath), users: 0 };
    shared.set(key, entry);
  }
  const lease = entry;
  lease.users++;
  let running: { db?: LocalDynamo; config: LocalClientConfig };
  try {
    running = await lease.started;
  } catch (error) {
    lease.users--;
    if (shared.get(key) === lease) shared.delete(key);
    throw error;
  }
  let released = false;
  const startedHere = running.db && lease.users === 1 ? { endpoint: running.config.endpoint, dbPath } : undefined;
  return {
    config: { ...running.config, credentials: local.localCredentials() },
    ...(startedHere ? { started: startedHere } : {}),
    async release() {
      if (released) return;
      released = true;
      if (--lease.users === 0) {
        if (shared.get(key) === lease) shared.delete(key);
        await running.db?.stop();
      }
    },
  };
}

async function startOrFind(
  local: LocalModule,
  port: number | undefined,
  dbPath: string | undefined,
): Promise<{ db?: LocalDynamo; config: LocalClientConfig }> {
  if (port !== undefined) {
    const config = {
      endpoint: `http://127.0.0.1:${port}`,
      region: local.LOCAL_REGION,
      credentials: local.localCredentials(),
    };
    if (await answers(config)) return { config };
  }
  if (dbPath !== undefined) mkdirSync(dbPath, { recursive: true });
  const db = await local.startLocalDynamo({
    ...(port !== undefined ? { port } : {}),
    ...(dbPath !== undefined ? { dbPath } : {}),
  });
  return { db, config: db.clientConfig };
}

/** Whether a DynamoDB (Local) answers ListTables at `config.endpoint` within a second. */
async function answers(config: LocalClientConfig): Promise<boolean> {
  const client = new DynamoDBClient({ ...config, maxAttempts: 1 });
  try {
    await client.send(new ListTablesCommand({ Limit: 1 }), { abortSignal: AbortSignal.timeout(1_000) });
    return true;
  } catch {
    // Nothing there (refused, timed out, or not DynamoDB): start one instead.
    return false;
  } finally {
    client.destroy();
  }
}
