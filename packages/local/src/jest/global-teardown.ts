import type { LocalDynamo } from '../local-dynamo';
import { ENDPOINT_VARIABLE } from './endpoint';
import { INSTANCE_KEY } from './global-setup';

/** Jest globalTeardown: stops the DynamoDB Local that the global setup started. */
export default async function globalTeardown(): Promise<void> {
  const registry = globalThis as Record<symbol, LocalDynamo | undefined>;
  const db = registry[INSTANCE_KEY];
  if (!db) return;
  registry[INSTANCE_KEY] = undefined;
  delete process.env[ENDPOINT_VARIABLE];
  await db.stop();
}
