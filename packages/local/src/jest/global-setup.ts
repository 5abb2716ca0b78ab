import { startLocalDynamo } from '../start-local-dynamo';
import type { LocalDynamo } from '../local-dynamo';
import { ENDPOINT_VARIABLE } from './endpoint';

/** Where the teardown finds the instance (global setup and teardown share one Node context). */
export const INSTANCE_KEY = Symbol.for('@dynamodel/local/jest-instance');

/**
 * Jest globalSetup: starts one in-memory DynamoDB Local for the whole run and publishes its endpoint
 * in `process.env.DYNAMODEL_LOCAL_ENDPOINT`, which the test workers inherit.
 * If the variable is already set (an instance you started yourself), that one is used.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env[ENDPOINT_VARIABLE]) return;
  const db = await startLocalDynamo();
  (globalThis as Record<symbol, LocalDynamo | undefined>)[INSTANCE_KEY] = db;
  process.env[ENDPOINT_VARIABLE] = db.endpoint;
}
