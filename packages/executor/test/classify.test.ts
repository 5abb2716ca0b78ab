import {
  OutcomeUnknownError,
  ThrottledError,
  TransientServiceError,
  isIdempotent,
  isResponseLost,
  isWorthResending,
  mapSdkError,
  redactItemData,
  sanitizeMessage,
  wasNeverSent,
} from '../src';

function sdkError(name: string, status: number, extra: object = {}): Error {
  return Object.assign(new Error(`${name} happened`), {
    name,
    $metadata: { httpStatusCode: status, requestId: 'RID' },
    ...extra,
  });
}

describe('isIdempotent', () => {
  it.each([
    ['GetItem', {}, true],
    ['PutItem', {}, true],
    ['PutItem', { ConditionExpression: 'attribute_not_exists(pk)' }, false],
    ['DeleteItem', {}, true],
    ['UpdateItem', { UpdateExpression: 'SET #a = :v REMOVE #b' }, true],
    ['UpdateItem', { UpdateExpression: 'ADD n :one' }, false],
    ['UpdateItem', { UpdateExpression: 'SET n = n + :one' }, false],
    ['UpdateItem', { UpdateExpression: 'SET l = list_append(l, :x)' }, false],
    ['UpdateItem', { UpdateExpression: 'SET a = if_not_exists(a, :x)' }, false],
    ['UpdateItem', { UpdateExpression: 'DELETE s :x' }, false],
    ['BatchWriteItem', {}, true],
    ['TransactWriteItems', {}, true],
    ['CreateTable', {}, false],
  ] as const)('%s %j → %s', (op, input, expected) => {
    expect(isIdempotent(op, input as never)).toBe(expected);
  });
});

describe('classification', () => {
  it('sees a refused connection as never sent, and a reset as possibly applied', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    expect(wasNeverSent(refused)).toBe(true);
    expect(isResponseLost(refused)).toBe(false);
    expect(isResponseLost(reset)).toBe(true);
    expect(isResponseLost(sdkError('ProvisionedThroughputExceededException', 400))).toBe(false);
    expect(isResponseLost(Object.assign(new SyntaxError('Unexpected end of JSON input'), {}))).toBe(true);
    // What the SDK throws for a truncated 200: an empty Error carrying the 200 status.
    expect(isResponseLost(Object.assign(new Error(''), { $metadata: { httpStatusCode: 200 } }))).toBe(true);
  });

  it('resends (for repeatable requests) throttles, transient failures and lost answers, not validation errors', () => {
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    expect(isWorthResending(sdkError('ProvisionedThroughputExceededException', 400))).toBe(true);
    expect(isWorthResending(sdkError('InternalServerError', 500))).toBe(true);
    expect(isWorthResending(reset)).toBe(true);
    expect(isWorthResending(mapSdkError(reset, { operation: 'BatchWriteItem', table: 't' }))).toBe(true);
    expect(isWorthResending(sdkError('ValidationException', 400))).toBe(false);
    expect(isWorthResending(sdkError('ResourceNotFoundException', 400))).toBe(false);
  });

  it('maps a 500 on a write to OutcomeUnknownError and on a read to TransientServiceError', () => {
    const error = sdkError('InternalServerError', 500);
    expect(mapSdkError(error, { operation: 'PutItem', table: 't' })).toBeInstanceOf(OutcomeUnknownError);
    expect(mapSdkError(error, { operation: 'GetItem', table: 't' })).toBeInstanceOf(TransientServiceError);
  });

  it('maps every throttling code the SDK knows to ThrottledError', () => {
    for (const code of ['ProvisionedThroughputExceededException', 'ThrottlingException', 'RequestLimitExceeded']) {
      expect(mapSdkError(sdkError(code, 400), { operation: 'Query', table: 't' })).toBeInstanceOf(ThrottledError);
    }
  });
});

describe('sanitizeMessage', () => {
  it('removes signature details, tokens and access key ids', () => {
    const message =
      'The request signature we calculated does not match. Check your key. The Canonical String for this request should have been ' +
      "'POST / x-amz-security-token:TOKEN-CANARY' AKIAABCDEFGHIJKLMNOP";
    const clean = sanitizeMessage(message);
    expect(clean).toContain('[signature details removed]');
    expect(clean).not.toContain('TOKEN-CANARY');
    expect(clean).not.toContain('AKIAABCDEFGHIJKLMNOP');
    expect(sanitizeMessage('x-amz-security-token=abc AWS4-HMAC-SHA256 Credential=AKIDX/2026')).not.toMatch(/abc|AKIDX/);
  });
});

describe('redactItemData', () => {
  it('replaces items and values but keeps keys and table names', () => {
    const input = {
      TableName: 't',
      Key: { pk: { S: 'k' } },
      Item: { secret: { S: 's' } },
      ExpressionAttributeValues: { ':v': { S: 's' } },
      RequestItems: {
        t: [{ PutRequest: { Item: { secret: { S: 's' } } } }, { DeleteRequest: { Key: { pk: { S: 'k2' } } } }],
      },
    };
    const text = JSON.stringify(redactItemData(input));
    expect(text).not.toContain('"s"');
    expect(text).toContain('"k"');
    expect(text).toContain('"k2"');
    expect(text).toContain('"t"');
  });
});
