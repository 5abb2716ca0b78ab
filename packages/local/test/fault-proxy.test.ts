import { crc32 } from 'node:zlib';
import { localTestConfig, uniqueTablePrefix } from '@dynamodel/local/jest';
import { startFaultProxy, type FaultProxy } from '@dynamodel/local/fault-proxy';

// Raw HTTP against the proxy, so these tests see exactly what a client would receive.
const table = `${uniqueTablePrefix('proxy')}t`;
let proxy: FaultProxy;

async function call(target: string, body: object): Promise<{ status: number; headers: Headers; text: string }> {
  const response = await fetch(proxy.endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': `DynamoDB_20120810.${target}`,
      authorization:
        'AWS4-HMAC-SHA256 Credential=dynamodel/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
    },
    body: JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

beforeAll(async () => {
  proxy = await startFaultProxy({ target: localTestConfig().endpoint });
  await call('CreateTable', {
    TableName: table,
    BillingMode: 'PAY_PER_REQUEST',
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
  });
});
beforeEach(() => proxy.reset());
afterAll(() => proxy.close());

describe('fault proxy', () => {
  it('forwards a request unchanged and relays the answer (regression: it once never answered)', async () => {
    // DescribeTable, not ListTables: a list holds 100 names a page, and a whole test run makes more tables.
    const answer = await call('DescribeTable', { TableName: table });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toMatchObject({ Table: { TableName: table, TableStatus: 'ACTIVE' } });
    expect(proxy.records).toEqual([
      expect.objectContaining({ operation: 'DescribeTable', mode: 'pass', forwarded: true }),
    ]);
  });

  it('answers a throttle exactly as DynamoDB does: 400, JSON type, request id and a correct CRC32', async () => {
    proxy.enqueue('pte');
    const answer = await call('GetItem', { TableName: table, Key: { pk: { S: 'x' } } });
    expect(answer.status).toBe(400);
    expect(answer.headers.get('content-type')).toBe('application/x-amz-json-1.0');
    expect(answer.headers.get('x-amzn-requestid')).toMatch(/^[A-Z0-9]{32}$/);
    expect(answer.headers.get('x-amz-crc32')).toBe(String(crc32(Buffer.from(answer.text))));
    const body = JSON.parse(answer.text) as { __type: string; ThrottlingReasons: { resource: string }[] };
    expect(body.__type).toBe('com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException');
    expect(body.ThrottlingReasons[0]?.resource).toContain(`table/${table}`);
    expect(proxy.records[0]?.forwarded).toBe(false);
  });

  it('trims a BatchWriteItem: the first k requests are written, the rest come back unprocessed', async () => {
    proxy.enqueue({ operation: 'BatchWriteItem', mode: { unprocessed: 2 } });
    const requests = ['a', 'b', 'c', 'd'].map((pk) => ({ PutRequest: { Item: { pk: { S: pk } } } }));
    const answer = await call('BatchWriteItem', { RequestItems: { [table]: requests } });
    const body = JSON.parse(answer.text) as { UnprocessedItems: Record<string, unknown[]> };
    expect(body.UnprocessedItems[table]).toEqual(requests.slice(2));
    const scan = JSON.parse((await call('Scan', { TableName: table })).text) as { Items: { pk: { S: string } }[] };
    expect(scan.Items.map((i) => i.pk.S).sort()).toEqual(['a', 'b']);
    expect(proxy.records[0]?.unprocessed).toBe(2);
  });

  it('counts the most requests in flight at once', async () => {
    proxy.enqueue({ mode: { slow: 100 } }, { mode: { slow: 100 } }, { mode: { slow: 100 } });
    await Promise.all([call('ListTables', {}), call('ListTables', {}), call('ListTables', {})]);
    expect(proxy.maxInFlight).toBe(3);
  });

  it('draws rated faults from a seed, so the same seed replays the same run', async () => {
    const run = async (): Promise<string[]> => {
      proxy.reset(99);
      proxy.setRates({ rates: { '500': 0.5 } });
      for (let i = 0; i < 20; i++) await call('ListTables', {});
      return proxy.records.map((r) => r.mode);
    };
    const first = await run();
    expect(first).toContain('500');
    expect(first).toContain('pass');
    expect(await run()).toEqual(first);
  });
});

describe('stale reads (a lagging replica)', () => {
  const get = async (pk: string, consistent = false): Promise<unknown> =>
    (
      JSON.parse(
        (await call('GetItem', { TableName: table, Key: { pk: { S: pk } }, ConsistentRead: consistent })).text,
      ) as {
        Item?: unknown;
      }
    ).Item;

  it('answers eventually consistent reads with the item from before the last write; consistent reads are fresh', async () => {
    await call('PutItem', { TableName: table, Item: { pk: { S: 'stale-1' }, v: { N: '1' } } });
    proxy.setStaleReads(60_000);
    await call('PutItem', { TableName: table, Item: { pk: { S: 'stale-1' }, v: { N: '2' } } });
    expect(await get('stale-1')).toEqual({ pk: { S: 'stale-1' }, v: { N: '1' } });
    expect(await get('stale-1', true)).toEqual({ pk: { S: 'stale-1' }, v: { N: '2' } });
    expect(proxy.records.filter((record) => record.mode === 'staleRead')).toEqual([
      expect.objectContaining({ operation: 'GetItem', forwarded: false }),
    ]);
  });

  it('a new item is absent and a deleted one still present, for updates and deletes too', async () => {
    proxy.setStaleReads(60_000);
    await call('PutItem', { TableName: table, Item: { pk: { S: 'stale-new' } } });
    expect(await get('stale-new')).toBeUndefined();
    await call('DeleteItem', { TableName: table, Key: { pk: { S: 'stale-new' } } });
    expect(await get('stale-new')).toEqual({ pk: { S: 'stale-new' } });
    await call('UpdateItem', {
      TableName: table,
      Key: { pk: { S: 'stale-new' } },
      UpdateExpression: 'SET v = :v',
      ExpressionAttributeValues: { ':v': { S: 'x' } },
    });
    expect(await get('stale-new')).toBeUndefined(); // it was deleted just before this update
    expect(await get('stale-new', true)).toEqual({ pk: { S: 'stale-new' }, v: { S: 'x' } });
  });

  it('rewrites BatchGetItem answers for keys written in the window, after batch writes too', async () => {
    await call('PutItem', { TableName: table, Item: { pk: { S: 'batch-a' }, v: { N: '1' } } });
    await call('PutItem', { TableName: table, Item: { pk: { S: 'batch-b' }, v: { N: '1' } } });
    proxy.setStaleReads(60_000);
    await call('BatchWriteItem', {
      RequestItems: { [table]: [{ PutRequest: { Item: { pk: { S: 'batch-a' }, v: { N: '2' } } } }] },
    });
    const read = async (consistent: boolean): Promise<unknown[]> =>
      (
        JSON.parse(
          (
            await call('BatchGetItem', {
              RequestItems: {
                [table]: { Keys: [{ pk: { S: 'batch-a' } }, { pk: { S: 'batch-b' } }], ConsistentRead: consistent },
              },
            })
          ).text,
        ) as { Responses: Record<string, unknown[]> }
      ).Responses[table] ?? [];
    expect(await read(false)).toEqual(
      expect.arrayContaining([
        { pk: { S: 'batch-a' }, v: { N: '1' } },
        { pk: { S: 'batch-b' }, v: { N: '1' } },
      ]),
    );
    expect(await read(true)).toEqual(expect.arrayContaining([{ pk: { S: 'batch-a' }, v: { N: '2' } }]));
  });

  it('is off after reset, and a zero window forgets', async () => {
    proxy.setStaleReads(60_000);
    await call('PutItem', { TableName: table, Item: { pk: { S: 'stale-reset' }, v: { N: '1' } } });
    proxy.reset();
    expect(await get('stale-reset')).toEqual({ pk: { S: 'stale-reset' }, v: { N: '1' } });
  });
});
