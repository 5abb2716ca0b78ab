import {
  BatchGetItem$,
  BatchWriteItem$,
  CreateTable$,
  DeleteItem$,
  DynamoDBClient,
  GetItem$,
  GetItemCommand,
  ListBackups$,
  PutItem$,
  Query$,
  Scan$,
  TransactGetItems$,
  TransactWriteItems$,
  UpdateItem$,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { localTestConfig, uniqueTablePrefix } from '@dynamodel/local/jest';
import { operation } from '@smithy/core/schema';
import { SignatureV4 } from '@smithy/signature-v4';
import type {
  ChecksumConstructor,
  HashConstructor,
  HttpRequest,
  OperationSchema,
  StaticOperationSchema,
} from '@smithy/types';
import { DynamoExecutor } from '../src';
import { NativeJsonProtocol } from '../src/sdk/native-json-protocol';
import { createTable, directClient } from './helpers';

// The same request serialized by the SDK's own protocol and by ours: every input must give the same
// JSON (parsed, so that key order does not count) and the same headers; plain inputs must take the
// native path (a string body), and every other input the SDK's (its Uint8Array body).

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };
const endpoint = 'http://127.0.0.1:1';
const sdkProtocol = protocolOf(new DynamoDBClient({ region: 'us-east-1', endpoint, credentials }));
const executor = new DynamoExecutor({ region: 'us-east-1', endpoint, credentials });
const ourProtocol = protocolOf(executor.client);

afterAll(() => executor.destroy());

interface Serializer {
  serializeRequest(schema: OperationSchema, input: object, context: object): Promise<HttpRequest>;
}

function protocolOf(client: DynamoDBClient): Serializer {
  return (client.config as unknown as { protocol: Serializer }).protocol;
}

function schemaOf([, namespace, name, traits, input, output]: StaticOperationSchema): OperationSchema {
  return operation(namespace, name, traits, input, output);
}

const context = {
  endpoint: () => Promise.resolve({ protocol: 'http:', hostname: '127.0.0.1', port: 1, path: '/' }),
};

async function bothWays(
  schema: StaticOperationSchema,
  input: object,
): Promise<{ ours: HttpRequest; sdk: HttpRequest; native: boolean }> {
  const before = JSON.stringify(input);
  const ours = await ourProtocol.serializeRequest(schemaOf(schema), input, context);
  const sdk = await sdkProtocol.serializeRequest(schemaOf(schema), input, context);
  // Neither serializer changes the input.
  expect(JSON.stringify(input)).toBe(before);
  expect(ours.headers).toEqual(sdk.headers);
  expect(ours.path).toBe(sdk.path);
  expect(ours.method).toBe(sdk.method);
  return { ours, sdk, native: typeof ours.body === 'string' };
}

const text = (body: unknown): string =>
  typeof body === 'string' ? body : new TextDecoder().decode(body as Uint8Array);
const parsed = (request: HttpRequest): unknown => JSON.parse(text(request.body));

/** Strings that JSON escapes, or that a character-by-character writer could get wrong. */
const hardStrings = [
  '',
  'plain',
  'quote " backslash \\ slash /',
  'controls \u0000 \u0001 \b \f \n \r \t \u001f \u007f',
  'é ü ß — 日本語 🦆 👩‍👩‍👧',
  'separators \u2028 \u2029',
  'lone high \ud800 and lone low \udc00 surrogates',
  '\ud83e', // a high surrogate at the very end
  'x'.repeat(70_000),
];

/** An item of every attribute type, with `strings` in a set, a map and attributes of their own. */
function richItemOf(strings: string[]): Record<string, AttributeValue> {
  return {
    pk: { S: 'key' },
    n: { N: '-1.5e10' },
    yes: { BOOL: true },
    no: { BOOL: false },
    nothing: { NULL: true },
    ss: { SS: strings.slice(1, 5) },
    ns: { NS: ['1', '2.5', '-0'] },
    list: { L: [{ S: 'a' }, { N: '1' }, { L: [] }, { M: {} }, { M: { deep: { L: [{ NULL: true }] } } }] },
    map: { M: Object.fromEntries(strings.map((s, i) => [`k${i}${s.slice(0, 20)}`, { S: s }])) },
    ...Object.fromEntries(strings.map((s, i) => [`s${i}`, { S: s }])),
  };
}

const richItem = richItemOf(hardStrings);

const plainInputs: [string, StaticOperationSchema, object][] = [
  ['PutItem', PutItem$, { TableName: 't', Item: richItem, ConditionExpression: 'attribute_not_exists(pk)' }],
  [
    'PutItem with every option',
    PutItem$,
    {
      TableName: 't',
      Item: { pk: { S: 'k' } },
      ConditionExpression: '#v = :v',
      ExpressionAttributeNames: { '#v': 'version' },
      ExpressionAttributeValues: { ':v': { N: '3' } },
      ReturnValues: 'ALL_OLD',
      ReturnConsumedCapacity: 'TOTAL',
      ReturnItemCollectionMetrics: 'SIZE',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  ],
  [
    'PutItem with undefined members',
    PutItem$,
    { TableName: 't', Item: { pk: { S: 'k', N: undefined } }, ReturnValues: undefined },
  ],
  [
    'BatchWriteItem',
    BatchWriteItem$,
    {
      RequestItems: {
        t: [
          ...Array.from({ length: 24 }, (_, i) => ({ PutRequest: { Item: { ...richItem, pk: { S: `k${i}` } } } })),
          { DeleteRequest: { Key: { pk: { S: 'gone' } } } },
        ],
        other: [{ PutRequest: { Item: { id: { N: '1' } } } }],
      },
      ReturnConsumedCapacity: 'INDEXES',
    },
  ],
  [
    'UpdateItem',
    UpdateItem$,
    {
      TableName: 't',
      Key: { pk: { S: hardStrings[6] } },
      UpdateExpression: 'SET #a = :a ADD #n :n REMOVE #r',
      ExpressionAttributeNames: { '#a': 'a', '#n': 'n', '#r': 'r' },
      ExpressionAttributeValues: { ':a': { M: richItem }, ':n': { N: '1' } },
      ReturnValues: 'ALL_NEW',
    },
  ],
  ['DeleteItem', DeleteItem$, { TableName: 't', Key: { pk: { S: 'k' } }, ConditionExpression: 'attribute_exists(pk)' }],
  [
    'GetItem',
    GetItem$,
    { TableName: 't', Key: { pk: { S: 'k' } }, ConsistentRead: true, ProjectionExpression: '#a, b' },
  ],
  [
    'Query',
    Query$,
    {
      TableName: 't',
      IndexName: 'byAuthor',
      KeyConditionExpression: 'pk = :p AND begins_with(sk, :s)',
      FilterExpression: 'size(tags) > :z',
      ExpressionAttributeValues: { ':p': { S: 'p' }, ':s': { S: '🦆' }, ':z': { N: '0' } },
      ExclusiveStartKey: { pk: { S: 'p' }, sk: { S: 's' } },
      Limit: 25,
      ScanIndexForward: false,
      Select: 'ALL_ATTRIBUTES',
    },
  ],
  ['Scan', Scan$, { TableName: 't', Segment: 3, TotalSegments: 8, Limit: 1000, ConsistentRead: false }],
  [
    'BatchGetItem',
    BatchGetItem$,
    {
      RequestItems: {
        t: { Keys: [{ pk: { S: 'a' } }, { pk: { S: 'b' } }], ConsistentRead: true, ProjectionExpression: 'pk' },
      },
    },
  ],
  [
    'TransactGetItems',
    TransactGetItems$,
    {
      TransactItems: [
        { Get: { TableName: 't', Key: { pk: { S: 'a' } } } },
        { Get: { TableName: 'u', Key: { id: { N: '1' } } } },
      ],
    },
  ],
];

const binaryItem = { pk: { S: 'k' }, b: { B: new Uint8Array([0, 1, 2, 250, 255]) } };
const sdkInputs: [string, StaticOperationSchema, object][] = [
  ['a binary attribute', PutItem$, { TableName: 't', Item: binaryItem }],
  [
    'a binary set',
    PutItem$,
    { TableName: 't', Item: { pk: { S: 'k' }, bs: { BS: [new Uint8Array([1]), new Uint8Array([])] } } },
  ],
  [
    'binary deep in a map',
    PutItem$,
    { TableName: 't', Item: { pk: { S: 'k' }, m: { M: { l: { L: [{ B: new Uint8Array([7]) }] } } } } },
  ],
  [
    'binary in one item of a batch',
    BatchWriteItem$,
    { RequestItems: { t: [{ PutRequest: { Item: { pk: { S: 'a' } } } }, { PutRequest: { Item: binaryItem } }] } },
  ],
  ['a null member', PutItem$, { TableName: 't', Item: { pk: { S: 'k' } }, ReturnValues: null }],
  ['a null attribute member', PutItem$, { TableName: 't', Item: { pk: { S: 'k', N: null } } }],
  [
    'a member the input shape does not have',
    PutItem$,
    { TableName: 't', Item: { pk: { S: 'k' } }, Extra: 'dropped by the SDK' },
  ],
  ['an infinite number', Scan$, { TableName: 't', Limit: Infinity }],
  ['NaN', Scan$, { TableName: 't', Limit: NaN }],
  ['a number given as a string', Scan$, { TableName: 't', Limit: '10' }],
  ['an attribute type DynamoDB does not define', PutItem$, { TableName: 't', Item: { pk: { X: 'k' } } }],
  ['a Date where a key is expected', GetItem$, { TableName: 't', Key: new Date(0) }],
  [
    'an item of a class with toJSON',
    PutItem$,
    {
      TableName: 't',
      // Its own members are plain attribute values; JSON.stringify would write what toJSON returns.
      Item: new (class {
        pk = { S: 'k' };
        toJSON(): object {
          return {};
        }
      })(),
    },
  ],
];

describe('NativeJsonProtocol', () => {
  it('is the protocol of the clients the executor creates', () => {
    expect(ourProtocol).toBeInstanceOf(NativeJsonProtocol);
    expect(sdkProtocol).not.toBeInstanceOf(NativeJsonProtocol);
  });

  it.each(plainInputs)('writes %s natively, as the SDK would', async (_name, schema, input) => {
    const { ours, sdk, native } = await bothWays(schema, input);
    expect(native).toBe(true);
    expect(parsed(ours)).toEqual(parsed(sdk));
  });

  it('signs a native body as the UTF-8 bytes that go on the wire', async () => {
    // Node writes a string body as UTF-8 (@smithy/node-http-handler); the signature must hash the same bytes.
    const { ours } = await bothWays(PutItem$, { TableName: 't', Item: richItem });
    expect(typeof ours.body).toBe('string');
    const sha256 = (executor.client.config as unknown as { sha256: ChecksumConstructor | HashConstructor }).sha256;
    const signer = new SignatureV4({ credentials, region: 'us-east-1', service: 'dynamodb', sha256 });
    const signingDate = new Date('2026-11-26T12:00:00Z');
    const asString = await signer.sign({ ...ours, headers: { ...ours.headers } }, { signingDate });
    const asBytes = await signer.sign(
      { ...ours, headers: { ...ours.headers }, body: Buffer.from(ours.body as string, 'utf8') },
      { signingDate },
    );
    expect(asString.headers.authorization).toBeDefined();
    expect(asString.headers.authorization).toBe(asBytes.headers.authorization);
  });

  it.each(sdkInputs)('leaves an input with %s to the SDK', async (_name, schema, input) => {
    const { ours, sdk, native } = await bothWays(schema, input);
    expect(native).toBe(false);
    expect(text(ours.body)).toBe(text(sdk.body));
  });

  it('leaves operations with an idempotency token or a timestamp to the SDK', async () => {
    const transact = { TransactItems: [{ Put: { TableName: 't', Item: { pk: { S: 'k' } } } }] };
    const { ours } = await bothWays(TransactWriteItems$, transact);
    expect(typeof ours.body).not.toBe('string');
    // The SDK fills in the token a caller left out.
    expect((parsed(ours) as { ClientRequestToken?: string }).ClientRequestToken).toMatch(/^[0-9a-f-]{36}$/);
    // Timestamps go as epoch seconds, which JSON.stringify would not write.
    const backups = { TableName: 't', TimeRangeLowerBound: new Date(1_700_000_000_500), Limit: 5 };
    const listed = await bothWays(ListBackups$, backups);
    expect(listed.native).toBe(false);
    expect(parsed(listed.ours)).toEqual({ TableName: 't', TimeRangeLowerBound: 1_700_000_000.5, Limit: 5 });
  });

  it('writes a table definition natively, as the SDK would', async () => {
    const create = {
      TableName: 't',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      Tags: [{ Key: 'team', Value: 'books' }],
    };
    const created = await bothWays(CreateTable$, create);
    expect(created.native).toBe(true);
    expect(parsed(created.ours)).toEqual(parsed(created.sdk));
  });
});

describe('NativeJsonProtocol against DynamoDB Local', () => {
  const table = `${uniqueTablePrefix('native-json')}items`;
  const direct = directClient();
  const local = new DynamoExecutor(localTestConfig());

  beforeAll(() => createTable(direct, table));
  afterAll(() => {
    direct.destroy();
    local.destroy();
  });

  it('stores what the SDK reads back unchanged, single and in batches', async () => {
    // A lone surrogate has no UTF-8 form for DynamoDB to store (its serialization is tested above).
    const storable = hardStrings.filter((s) => !/[\ud800-\udfff]/u.test(s));
    expect(storable.length).toBe(hardStrings.length - 2);
    const item = richItemOf(storable);
    const items = storable.map((s, i) => ({ ...item, pk: { S: `${i}:${s.slice(0, 50)}` } }));
    const [first, ...rest] = items;
    await local.send('PutItem', { TableName: table, Item: first });
    await local.send('BatchWriteItem', { RequestItems: { [table]: rest.map((Item) => ({ PutRequest: { Item } })) } });
    for (const item of items) {
      const { Item } = await direct.send(
        new GetItemCommand({ TableName: table, Key: { pk: item.pk }, ConsistentRead: true }),
      );
      // DynamoDB normalizes numbers and keeps sets in its own order; the rest comes back as written.
      const unordered = { n: undefined, ns: undefined, ss: undefined };
      expect({ ...Item, ...unordered }).toEqual({ ...item, ...unordered });
      expect(Item?.ss?.SS?.sort()).toEqual(storable.slice(1, 5).sort());
      expect(Number(Item?.n?.N)).toBe(-1.5e10);
      expect(Item?.ns?.NS?.map(Number).sort()).toEqual([0, 1, 2.5]); // DynamoDB stores -0 as 0
    }
  });
});
