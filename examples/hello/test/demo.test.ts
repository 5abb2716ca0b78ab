import { localTestConfig, uniqueTablePrefix } from '@dynamodel/local/jest';
import { runDemo } from '../src/demo';

describe('quick-start demo', () => {
  it('creates a table, puts an item and reads the same item back', async () => {
    const lines: string[] = [];
    const table = `${uniqueTablePrefix('demo')}tweets`;
    const result = await runDemo(localTestConfig(), (line) => lines.push(line), table);
    expect(result.stored).toEqual({ tweetId: { S: 't-1' }, author: { S: 'ana' }, text: { S: 'hello, DynamoDB' } });
    expect(lines[0]).toBe(`created table ${table}`);
    expect(lines).toHaveLength(3);
  });
});
