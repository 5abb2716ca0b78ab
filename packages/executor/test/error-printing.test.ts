import { inspect } from 'node:util';
import {
  ConditionFailedError,
  ConfigurationError,
  DynamoExecutor,
  DynamodelError,
  OutcomeUnknownError,
  ServiceError,
  ValidationError,
} from '../src';

// Issue 10 §5: a printed error shows the fields it has and no `field: undefined` lines.

it.each([
  ['DynamodelError', new DynamodelError('plain')],
  ['ValidationError', new ValidationError('bad', { model: 'Tweet' })],
  ['ConditionFailedError', new ConditionFailedError('no', { code: 'ConditionalCheckFailedException' })],
  ['OutcomeUnknownError', new OutcomeUnknownError('lost', { code: 'ECONNRESET', table: 'tweets' })],
])('%s prints no undefined fields', (_name, error) => {
  expect(inspect(error)).not.toMatch(/: undefined/);
});

it('keeps the fields it was given, readable as before', () => {
  const error = new ValidationError('bad', { model: 'Tweet', attribute: 'text', rule: 'type', table: 't' });
  expect(error).toMatchObject({ model: 'Tweet', attribute: 'text', rule: 'type', table: 't', code: 'ValidationError' });
  expect(error.operation).toBeUndefined();
  expect(inspect(error)).toMatch(/model: 'Tweet'/);
});

it('a missing region is a ConfigurationError that says what to set, not a ServiceError', async () => {
  const saved = { ...process.env };
  delete process.env.AWS_REGION;
  delete process.env.AWS_DEFAULT_REGION;
  process.env.AWS_CONFIG_FILE = '/nonexistent/config';
  process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/credentials';
  const executor = new DynamoExecutor({ credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
  try {
    const error: unknown = await executor.send('ListTables', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error).not.toBeInstanceOf(ServiceError);
    expect((error as Error).message).toMatch(/No AWS region is configured.*connect\(\{ region \}\).*AWS_REGION/);
  } finally {
    executor.destroy();
    process.env = saved;
  }
});
