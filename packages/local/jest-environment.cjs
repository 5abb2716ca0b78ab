// A jest test environment for tests against DynamoDB Local (`testEnvironment:
// '@dynamodel/local/jest-environment'`); this repository's jest.config.ts uses it for every project.
// Two jobs:
//
// 1. Jest's node environment runs each test file in its own vm realm, so errors created by Node's
//    core modules (a socket reset in node:http) are not `instanceof Error` there. The AWS SDK's retry
//    middleware checks exactly that, and in a jest realm it wraps such errors into plain
//    "AWS SDK error wrapper for …" errors that it no longer retries — behaviour production never has.
//    Sharing the error constructors with the outer realm keeps the SDK's behaviour under test real.
//
// 2. When a test file ends (after its own afterAll hooks), the tables it named with
//    `uniqueTablePrefix` (packages/local/src/jest/endpoint.ts) are deleted from the shared DynamoDB
//    Local. DynamoDB Local runs its background jobs on one pool of 10 threads: three schedulers, and
//    one expiry job per table with TTL enabled that keeps its thread while the table lives. With 7
//    such tables alive, an index creation or deletion never gets a thread and its index stays
//    CREATING for good (docs/reliability.md, "DynamoDB Local"); a run that kept every file's tables
//    crossed that line part way through and index tests timed out.
const { TestEnvironment } = require('jest-environment-node');

const PREFIXES_KEY = Symbol.for('@dynamodel/local/jest-table-prefixes');
const ENDPOINT_VARIABLE = 'DYNAMODEL_LOCAL_ENDPOINT';

class DynamodelTestEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of [
      'Error',
      'TypeError',
      'RangeError',
      'SyntaxError',
      'ReferenceError',
      'EvalError',
      'URIError',
      'AggregateError',
    ]) {
      this.global[name] = globalThis[name];
    }
  }

  async teardown() {
    const prefixes = [...(this.global[PREFIXES_KEY] ?? [])];
    const endpoint = process.env[ENDPOINT_VARIABLE];
    if (prefixes.length > 0 && endpoint) await deleteTables(endpoint, prefixes);
    await super.teardown();
  }
}

/** Deletes every table whose name starts with one of `prefixes`; a table already gone is fine. */
async function deleteTables(endpoint, prefixes) {
  const sdk = require('@aws-sdk/client-dynamodb');
  const client = new sdk.DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    // The credentials localTestConfig() gives tests: without -sharedDb, Local keeps one database per key.
    credentials: { accessKeyId: 'dynamodel', secretAccessKey: 'local' },
  });
  try {
    const names = [];
    let start;
    do {
      const page = await client.send(new sdk.ListTablesCommand({ ExclusiveStartTableName: start }));
      names.push(...(page.TableNames ?? []).filter((name) => prefixes.some((prefix) => name.startsWith(prefix))));
      start = page.LastEvaluatedTableName;
    } while (start);
    for (const name of names) {
      try {
        await client.send(new sdk.DeleteTableCommand({ TableName: name }));
      } catch (error) {
        if (error?.name === 'ResourceNotFoundException') continue;
        // A test's table with deletion protection (table-definition tests): lift it, then delete.
        if (!/protected against deletion/.test(error?.message ?? '')) throw error;
        await client.send(new sdk.UpdateTableCommand({ TableName: name, DeletionProtectionEnabled: false }));
        await client.send(new sdk.DeleteTableCommand({ TableName: name }));
      }
    }
  } finally {
    client.destroy();
  }
}

module.exports = DynamodelTestEnvironment;
