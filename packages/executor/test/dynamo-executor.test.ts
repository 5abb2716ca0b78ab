import { DynamoDBClient, GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { localTestConfig, uniqueTablePrefix } from '@dynamodel/local/jest';
import { startFaultProxy, type FaultProxy } from '@dynamodel/local/fault-proxy';
import {
  AuthError,
  ConditionFailedError,
  DynamoExecutor,
  ExecutorEvents,
  OutcomeUnknownError,
  RequestAbortedError,
  ResourceNotFoundError,
  ServiceError,
  ThrottledError,
  TransactionCanceledError,
  ValidationError,
  type ExecutorEvent,
} from '../src';
import { CANARY, SECRETS, createTable, directClient } from './helpers';

const table = `${uniqueTablePrefix('executor')}items`;
const direct = directClient();
const seenEvents: ExecutorEvent[] = [];
const seenErrors: unknown[] = [];
const logLines: string[] = [];
let proxy: FaultProxy;
let executor: DynamoExecutor;

/** 20261125T101500Z → 2026-11-25T10:15:00Z */
function iso(amzDate: string): string {
  return amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z');
}

function logger(level: string) {
  return (...args: unknown[]) => logLines.push(`${level} ${JSON.stringify(args)}`);
}

async function failure<T>(promise: Promise<T>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    seenErrors.push(error);
    return error as Error;
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  await createTable(direct, table);
  proxy = await startFaultProxy({ target: localTestConfig().endpoint });
  const events = new ExecutorEvents();
  for (const type of ['request', 'response', 'error', 'retry', 'throttle'] as const) {
    events.on(type, (event) => seenEvents.push(event));
  }
  executor = new DynamoExecutor({
    endpoint: proxy.endpoint,
    region: 'us-east-1',
    credentials: CANARY,
    maxAttempts: 3,
    events,
    logger: {
      trace: logger('trace'),
      debug: logger('debug'),
      info: logger('info'),
      warn: logger('warn'),
      error: logger('error'),
    },
  });
});

beforeEach(() => {
  proxy.reset();
  seenEvents.length = 0;
});

afterAll(async () => {
  executor.destroy();
  direct.destroy();
  await proxy.close();
});

describe('DynamoExecutor', () => {
  it('sends typed requests and returns the SDK output', async () => {
    await executor.send('PutItem', { TableName: table, Item: { pk: { S: 'a' }, passwordHash: { S: 'hunter2-hash' } } });
    const got = await executor.send('GetItem', { TableName: table, Key: { pk: { S: 'a' } } });
    expect(got.Item?.passwordHash).toEqual({ S: 'hunter2-hash' });
    expect(seenEvents.map((e) => e.type)).toEqual(['request', 'response', 'request', 'response']);
  });

  it('retries throttling with the SDK strategy and reports each throttle and retry', async () => {
    proxy.enqueue('pte', 'throttling');
    const got = await executor.send('GetItem', { TableName: table, Key: { pk: { S: 'a' } } });
    expect(got.$metadata.attempts).toBe(3);
    expect(seenEvents.filter((e) => e.type === 'throttle')).toHaveLength(2);
    expect(seenEvents.filter((e) => e.type === 'retry').map((e) => e.type === 'retry' && e.reason)).toEqual([
      'ProvisionedThroughputExceededException',
      'ThrottlingException',
    ]);
  });

  it('raises ThrottledError with reasons, request id and attempts when throttling outlasts the retries', async () => {
    proxy.enqueue('pte', 'pte', 'pte');
    const error = await failure(executor.send('GetItem', { TableName: table, Key: { pk: { S: 'a' } } }));
    expect(error).toBeInstanceOf(ThrottledError);
    const throttled = error as ThrottledError;
    expect(throttled.retryable).toBe(true);
    expect(throttled.attempts).toBe(3);
    expect(throttled.requestId).toMatch(/^[A-Z0-9]{32}$/);
    expect(throttled.reasons[0]?.reason).toBe('TableWriteProvisionedThroughputExceeded');
    expect(throttled.message).toContain(`GetItem on table ${table}`);
    expect((throttled.cause as Error).name).toBe('ProvisionedThroughputExceededException');
  });

  it('maps a failed condition to ConditionFailedError carrying the current item (ALL_OLD)', async () => {
    const error = await failure(
      executor.send('PutItem', {
        TableName: table,
        Item: { pk: { S: 'a' }, v: { N: '2' } },
        ConditionExpression: 'attribute_not_exists(pk)',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    expect(error).toBeInstanceOf(ConditionFailedError);
    expect((error as ConditionFailedError).item?.pk).toEqual({ S: 'a' });
  });

  it('maps a cancelled transaction to per-action reasons', async () => {
    const error = await failure(
      executor.send('TransactWriteItems', {
        TransactItems: [
          { Put: { TableName: table, Item: { pk: { S: 'tx-new' } } } },
          {
            ConditionCheck: {
              TableName: table,
              Key: { pk: { S: 'a' } },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        ],
      }),
    );
    expect(error).toBeInstanceOf(TransactionCanceledError);
    const cancelled = error as TransactionCanceledError;
    expect(cancelled.reasons).toEqual([expect.objectContaining({ index: 1, code: 'ConditionalCheckFailed' })]);
    expect(cancelled.retryable).toBe(false);
  });

  it('marks a transaction cancelled only by conflicts as retryable', async () => {
    proxy.enqueue({ mode: 'txConflict', operation: 'TransactWriteItems' });
    const error = await failure(
      executor.send('TransactWriteItems', {
        TransactItems: [{ Put: { TableName: table, Item: { pk: { S: 'tx2' } } } }],
      }),
    );
    expect(error).toBeInstanceOf(TransactionCanceledError);
    expect((error as TransactionCanceledError).retryable).toBe(true);
  });

  it('maps ValidationException and ResourceNotFoundException', async () => {
    const invalid = await failure(executor.send('GetItem', { TableName: table, Key: { nope: { S: 'x' } } }));
    expect(invalid).toBeInstanceOf(ValidationError);
    expect((invalid as ValidationError).code).toBe('ValidationException');
    const missing = await failure(executor.send('GetItem', { TableName: `${table}_missing`, Key: { pk: { S: 'x' } } }));
    expect(missing).toBeInstanceOf(ResourceNotFoundError);
  });

  it('never re-sends a non-idempotent update whose response was lost: OutcomeUnknownError, applied once', async () => {
    await executor.send('PutItem', { TableName: table, Item: { pk: { S: 'counter' }, n: { N: '0' } } });
    proxy.enqueue({ mode: 'resetAfter', operation: 'UpdateItem' });
    const error = await failure(
      executor.send('UpdateItem', {
        TableName: table,
        Key: { pk: { S: 'counter' } },
        UpdateExpression: 'ADD n :one',
        ExpressionAttributeValues: { ':one': { N: '1' } },
      }),
    );
    expect(error).toBeInstanceOf(OutcomeUnknownError);
    expect(error.message).toContain('may or may not have been applied');
    const stored = await direct.send(new GetItemCommand({ TableName: table, Key: { pk: { S: 'counter' } } }));
    expect(stored.Item?.n).toEqual({ N: '1' });
    expect(proxy.records.filter((r) => r.operation === 'UpdateItem')).toHaveLength(1);
  });

  it('still retries a non-idempotent update that was throttled (nothing was applied)', async () => {
    proxy.enqueue({ mode: 'pte', operation: 'UpdateItem' });
    await executor.send('UpdateItem', {
      TableName: table,
      Key: { pk: { S: 'counter' } },
      UpdateExpression: 'ADD n :one',
      ExpressionAttributeValues: { ':one': { N: '1' } },
    });
    const stored = await direct.send(new GetItemCommand({ TableName: table, Key: { pk: { S: 'counter' } } }));
    expect(stored.Item?.n).toEqual({ N: '2' });
  });

  it('lets the SDK retry an idempotent put after a reset, and the item is stored once', async () => {
    proxy.enqueue({ mode: 'resetAfter', operation: 'PutItem' });
    await executor.send('PutItem', { TableName: table, Item: { pk: { S: 'idem' }, v: { S: 'x' } } });
    expect(proxy.records.filter((r) => r.operation === 'PutItem').map((r) => r.attempt)).toEqual([1, 2]);
  });

  it('reports a write as OutcomeUnknownError when an earlier attempt lost its answer, whatever the last attempt says', async () => {
    // Attempt 1 lands and its answer is lost; attempts 2 and 3 are throttled (alone, "not applied").
    proxy.enqueue(
      { mode: 'resetAfter', operation: 'PutItem' },
      { mode: 'pte', operation: 'PutItem' },
      { mode: 'pte', operation: 'PutItem' },
    );
    const error = await failure(executor.send('PutItem', { TableName: table, Item: { pk: { S: 'lost-then-pte' } } }));
    expect(error).toBeInstanceOf(OutcomeUnknownError);
    expect(error.message).toMatch(
      /earlier attempt's answer was lost \((ECONNRESET|TimeoutError)\); the last attempt's error: ProvisionedThroughputExceededException/,
    );
    const stored = await direct.send(new GetItemCommand({ TableName: table, Key: { pk: { S: 'lost-then-pte' } } }));
    expect(stored.Item).toEqual({ pk: { S: 'lost-then-pte' } }); // it was applied: "failed" would have been a lie
  });

  it('guards a client it is given even if that client cached its stack (cacheMiddleware) before', async () => {
    const client = new DynamoDBClient({
      endpoint: proxy.endpoint,
      region: 'us-east-1',
      credentials: CANARY,
      cacheMiddleware: true,
    });
    // The client resolves and caches its UpdateItem stack before the executor adds its guard.
    await client.send(
      new UpdateItemCommand({
        TableName: table,
        Key: { pk: { S: 'given-counter' } },
        UpdateExpression: 'SET n = :zero',
        ExpressionAttributeValues: { ':zero': { N: '0' } },
      }),
    );
    const given = new DynamoExecutor({ client });
    proxy.enqueue({ mode: 'resetAfter', operation: 'UpdateItem' });
    const error = await failure(
      given.send('UpdateItem', {
        TableName: table,
        Key: { pk: { S: 'given-counter' } },
        UpdateExpression: 'ADD n :one',
        ExpressionAttributeValues: { ':one': { N: '1' } },
      }),
    );
    expect(error).toBeInstanceOf(OutcomeUnknownError);
    const stored = await direct.send(new GetItemCommand({ TableName: table, Key: { pk: { S: 'given-counter' } } }));
    expect(stored.Item?.n).toEqual({ N: '1' });
    client.destroy();
  });

  it('guards each of two concurrent sends of one input object on its own', async () => {
    await executor.send('PutItem', { TableName: table, Item: { pk: { S: 'shared-input' }, n: { N: '0' } } });
    const input = {
      TableName: table,
      Key: { pk: { S: 'shared-input' } },
      UpdateExpression: 'ADD n :one',
      ExpressionAttributeValues: { ':one': { N: '1' } },
    };
    // The first attempt of each loses its answer: both are refused a re-send, neither is retried.
    proxy.enqueue({ mode: 'resetAfter', operation: 'UpdateItem' }, { mode: 'resetAfter', operation: 'UpdateItem' });
    const [first, second] = await Promise.all([
      failure(executor.send('UpdateItem', input)),
      failure(executor.send('UpdateItem', input)),
    ]);
    expect(first).toBeInstanceOf(OutcomeUnknownError);
    expect(second).toBeInstanceOf(OutcomeUnknownError);
    expect(proxy.records.filter((r) => r.operation === 'UpdateItem')).toHaveLength(2);
    const stored = await direct.send(new GetItemCommand({ TableName: table, Key: { pk: { S: 'shared-input' } } }));
    expect(stored.Item?.n).toEqual({ N: '2' });
    // Settled sends leave nothing behind: the same object goes through again.
    await expect(executor.send('UpdateItem', input)).resolves.toBeDefined();
  });

  it('never re-sends a write the caller marks as not idempotent (SendOptions.idempotent)', async () => {
    proxy.enqueue({ mode: 'resetAfter', operation: 'PutItem' });
    const error = await failure(
      executor.send('PutItem', { TableName: table, Item: { pk: { S: 'marked' } } }, { idempotent: false }),
    );
    expect(error).toBeInstanceOf(OutcomeUnknownError);
    expect(proxy.records.filter((r) => r.operation === 'PutItem')).toHaveLength(1);
  });

  it('reports a truncated answer to a write as OutcomeUnknownError, and to a read as a ServiceError', async () => {
    proxy.enqueue({ mode: 'truncated', operation: 'PutItem' });
    const write = await failure(executor.send('PutItem', { TableName: table, Item: { pk: { S: 'trunc' } } }));
    expect(write).toBeInstanceOf(OutcomeUnknownError);
    const stored = await direct.send(new GetItemCommand({ TableName: table, Key: { pk: { S: 'trunc' } } }));
    expect(stored.Item).toEqual({ pk: { S: 'trunc' } });

    proxy.enqueue({ mode: 'truncated', operation: 'GetItem' });
    const read = await failure(executor.send('GetItem', { TableName: table, Key: { pk: { S: 'trunc' } } }));
    expect(read).toBeInstanceOf(ServiceError);
    expect(read).not.toBeInstanceOf(OutcomeUnknownError);
  });

  it('retries 500 and 503 on reads', async () => {
    proxy.enqueue('500', '503');
    const got = await executor.send('GetItem', { TableName: table, Key: { pk: { S: 'a' } } });
    expect(got.$metadata.attempts).toBe(3);
  });

  it('starts the requests made in one turn of the event loop together, after it (src/sdk/next-turn.ts); one with none other in flight at once', async () => {
    let reachedClient = 0;
    const counting = new DynamoExecutor({ endpoint: proxy.endpoint, region: 'us-east-1', credentials: CANARY });
    counting.client.middlewareStack.add(
      (next) => (args) => {
        reachedClient++;
        return next(args);
      },
      { step: 'initialize' },
    );
    try {
      const sends = Array.from({ length: 20 }, () =>
        counting.send('GetItem', { TableName: table, Key: { pk: { S: 'a' } } }),
      );
      await Promise.resolve();
      expect(reachedClient).toBe(1); // the first had none other in flight
      await new Promise((resolve) => setImmediate(resolve));
      expect(reachedClient).toBe(20);
      expect((await Promise.all(sends)).every((output) => output.Item?.pk?.S === 'a')).toBe(true);
      // Nothing in flight any more: the next request starts at once again.
      const alone = counting.send('GetItem', { TableName: table, Key: { pk: { S: 'a' } } });
      expect(reachedClient).toBe(21);
      await alone;
    } finally {
      counting.destroy();
    }
  });

  it('sends nothing for a request aborted before its turn came', async () => {
    const controller = new AbortController();
    const first = executor.send('GetItem', { TableName: table, Key: { pk: { S: 'a' } } });
    // With the first in flight, this one waits for the turn to end.
    const pending = failure(
      executor.send('GetItem', { TableName: table, Key: { pk: { S: 'b' } } }, { signal: controller.signal }),
    );
    controller.abort();
    const error = await pending;
    await first;
    expect(error).toBeInstanceOf(RequestAbortedError);
    expect(proxy.records).toHaveLength(1); // the first only
  });

  it('rejects promptly with AbortError when aborted during a throttling backoff', async () => {
    proxy.enqueue('pte', 'pte', 'pte');
    const controller = new AbortController();
    const pending = failure(
      executor.send('GetItem', { TableName: table, Key: { pk: { S: 'a' } } }, { signal: controller.signal }),
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    controller.abort();
    const error = await pending;
    expect(error).toBeInstanceOf(RequestAbortedError);
    expect(error.name).toBe('AbortError');
    expect(proxy.records.length).toBeLessThanOrEqual(2);
  });

  it('lets the SDK correct a skewed clock and retry, signing the retry 15 minutes later', async () => {
    proxy.enqueue('skew');
    const got = await executor.send('GetItem', { TableName: table, Key: { pk: { S: 'a' } } });
    expect(got.$metadata.attempts).toBe(2);
    const [first, second] = proxy.records.map((r) => r.amzDate ?? '');
    const minutes = (Date.parse(iso(second ?? '')) - Date.parse(iso(first ?? ''))) / 60_000;
    expect(minutes).toBeGreaterThan(14);
    expect(minutes).toBeLessThan(16);
  });

  it('maps an expired session token to AuthError, and parses error codes under any namespace', async () => {
    proxy.enqueue('expiredToken');
    const expired = await failure(executor.send('GetItem', { TableName: table, Key: { pk: { S: 'a' } } }));
    expect(expired).toBeInstanceOf(AuthError);
    proxy.enqueue('namespaceVariant', 'namespaceVariant', 'namespaceVariant');
    const throttled = await failure(executor.send('GetItem', { TableName: table, Key: { pk: { S: 'a' } } }));
    expect(throttled).toBeInstanceOf(ThrottledError);
  });

  it('uses a client it is given as it is, and keeps the SDK defaults we rely on (4 attempts for DynamoDB)', async () => {
    const client = directClient();
    const given = new DynamoExecutor({ client });
    const tables = await given.send('ListTables', {});
    expect(tables.TableNames).toContain(table);
    // docs/reliability.md §2.2: the 2026 retry defaults give DynamoDB 4 attempts. A change must be noticed.
    expect(await client.config.maxAttempts()).toBe(4);
    given.destroy(); // does not destroy a client it did not create
    await expect(given.send('ListTables', {})).resolves.toBeDefined();
    client.destroy();
  });

  it('resolves credentials through a provider and calls it again only when they near expiry', async () => {
    let calls = 0;
    const provider = () => {
      calls++;
      return Promise.resolve({ ...CANARY, expiration: new Date(Date.now() + 30 * 60_000) });
    };
    const refreshed = new DynamoExecutor({ endpoint: proxy.endpoint, region: 'us-east-1', credentials: provider });
    for (let i = 0; i < 3; i++) await refreshed.send('GetItem', { TableName: table, Key: { pk: { S: 'a' } } });
    expect(calls).toBe(1);
    refreshed.destroy();

    // Session credentials with under 5 minutes left are refreshed before use (docs/reliability.md §7).
    let shortCalls = 0;
    const shortLived = new DynamoExecutor({
      endpoint: proxy.endpoint,
      region: 'us-east-1',
      credentials: () => {
        shortCalls++;
        return Promise.resolve({ ...CANARY, expiration: new Date(Date.now() + 4 * 60_000) });
      },
    });
    for (let i = 0; i < 3; i++) await shortLived.send('GetItem', { TableName: table, Key: { pk: { S: 'a' } } });
    expect(shortCalls).toBeGreaterThanOrEqual(3);
    shortLived.destroy();
  });

  it('never lets credentials reach errors, events or logs, and redacts item data in logs', () => {
    expect(seenErrors.length).toBeGreaterThan(5);
    const texts = [
      ...seenErrors.flatMap((e) => [String(e), (e as Error).stack ?? '', JSON.stringify(e)]),
      ...seenEvents.map((e) => JSON.stringify(e)),
      ...logLines,
    ];
    for (const text of texts) for (const secret of SECRETS) expect(text).not.toContain(secret);
    // The SDK did log the commands (so the check above means something), with the item data replaced.
    expect(logLines.some((line) => line.includes('GetItemCommand'))).toBe(true);
    expect(logLines.some((line) => line.includes('[item data redacted]'))).toBe(true);
    expect(logLines.join('\n')).not.toContain('hunter2-hash');
  });
});
