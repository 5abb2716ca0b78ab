import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { startLocalDynamo, type LocalDynamo } from '@dynamodel/local';
import { startLocalRedis, type LocalRedis } from '@dynamodel/local/redis';

export interface LocalCommandOptions {
  /** The port on 127.0.0.1; 0 for a free one. */
  readonly port: number;
  /** Where DynamoDB Local keeps its data (created when missing); ignored with `inMemory`. */
  readonly dbPath: string;
  readonly inMemory: boolean;
  /** Start a Redis (`redis-server`) beside it, for the read-through cache. */
  readonly redis: boolean;
}

/** What `dynamodel local` runs until it is stopped. */
export interface LocalServers {
  readonly dynamo: LocalDynamo;
  readonly redis: LocalRedis | undefined;
  /** Stops Redis and DynamoDB Local (each waited for). */
  stop(): Promise<void>;
}

/**
 * Starts DynamoDB Local (bound to 127.0.0.1; its data kept in `dbPath` unless `inMemory`) and, with
 * `redis`, a Redis beside it. If the second fails to start, the first is stopped before the error is
 * thrown: nothing is left running.
 */
export async function startLocalServers(options: LocalCommandOptions): Promise<LocalServers> {
  let dbPath: string | undefined;
  if (!options.inMemory) {
    dbPath = resolve(options.dbPath);
    mkdirSync(dbPath, { recursive: true });
  }
  const dynamo = await startLocalDynamo({
    ...(options.port !== 0 ? { port: options.port } : {}),
    ...(dbPath !== undefined ? { dbPath } : {}),
  });
  let redis: LocalRedis | undefined;
  try {
    if (options.redis) redis = await startLocalRedis();
  } catch (error) {
    await dynamo.stop();
    throw error;
  }
  return {
    dynamo,
    redis,
    stop: async () => {
      await redis?.stop();
      await dynamo.stop();
    },
  };
}

/** The lines `dynamodel local` prints once the servers answer: where they are and how to use them. */
export function describeServers(servers: LocalServers): string[] {
  const { dynamo, redis } = servers;
  return [
    `DynamoDB Local on ${dynamo.endpoint}, ${
      dynamo.dbPath === null ? 'in memory: its tables are gone when it stops' : `data kept in ${dynamo.dbPath}`
    }`,
    ...(redis ? [`Redis on ${redis.url}`] : []),
    'Use them from another shell (connect({ endpoint: "local" }) reads the first):',
    `  export DYNAMODEL_LOCAL_ENDPOINT=${dynamo.endpoint}`,
    ...(redis ? [`  export REDIS_URL=${redis.url}`] : []),
    'Ctrl-C stops them.',
  ];
}
