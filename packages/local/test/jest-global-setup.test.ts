import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ENDPOINT_VARIABLE, localTestConfig, uniqueTablePrefix } from '@dynamodel/local/jest';

describe('jest global setup', () => {
  it('hands every test the endpoint of a running DynamoDB Local', async () => {
    const config = localTestConfig();
    expect(config.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const client = new DynamoDBClient(config);
    try {
      const result = await client.send(new ListTablesCommand({}));
      expect(Array.isArray(result.TableNames)).toBe(true);
    } finally {
      client.destroy();
    }
  });

  it('explains what is missing when a test runs without the setup', () => {
    expect(() => localTestConfig({})).toThrow(`${ENDPOINT_VARIABLE} is not set`);
  });

  it('gives each caller a distinct, valid table-name prefix', () => {
    const a = uniqueTablePrefix('my test/file');
    const b = uniqueTablePrefix('my test/file');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^[A-Za-z0-9_.-]+$/);
  });
});
