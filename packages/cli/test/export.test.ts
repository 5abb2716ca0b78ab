import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { localTestConfig, uniqueTablePrefix } from '@dynamodel/local/jest';
import { dynamodel, startCli, untilCheckpoint } from './support/run-cli';

// `dynamodel export` in the fixture project against DynamoDB Local: a parallel scan to JSON lines
// that `dynamodel import` reads back into an equal table, and that resumes after a crash.

const config = localTestConfig();
const raw = new DynamoDBClient(config);
const work = mkdtempSync(join(tmpdir(), 'dynamodel-export-'));
afterAll(() => {
  raw.destroy();
  rmSync(work, { recursive: true, force: true });
});

async function scanAll(table: string): Promise<Record<string, AttributeValue>[]> {
  const items: Record<string, AttributeValue>[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await raw.send(new ScanCommand({ TableName: table, ...(start ? { ExclusiveStartKey: start } : {}) }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items.sort((a, b) => String(a.tweetId?.S).localeCompare(String(b.tweetId?.S)));
}

/** A table of `count` tweets, loaded with `dynamodel import` (some with an expiry, some without likes). */
async function loaded(label: string, count: number): Promise<string> {
  const prefix = uniqueTablePrefix(label);
  expect((await dynamodel(prefix, ['tables', 'apply', 'Tweet'])).code).toBe(0);
  const file = join(work, `${label}.jsonl`);
  const lines = Array.from({ length: count }, (_, i) =>
    JSON.stringify({
      tweetId: `t${i}`,
      author: `a${i % 11}`,
      postedAt: new Date(Date.UTC(2026, 1, 1, 0, 0, i % 86_400, i % 1000)).toISOString(),
      text: `tweet ${i} ✓`,
      ...(i % 3 === 0 ? {} : { likes: i % 500 }),
      ...(i % 5 === 0 ? { expiresAt: new Date(Date.UTC(2027, 0, 1, 0, 0, i)).toISOString() } : {}),
    }),
  );
  writeFileSync(file, `${lines.join('\n')}\n`);
  expect((await dynamodel(prefix, ['import', 'Tweet', file])).code).toBe(0);
  return prefix;
}

const sortedLines = (path: string) => readFileSync(path, 'utf8').split('\n').filter(Boolean).sort();

describe('dynamodel export', () => {
  it('export, then import into a new table: the same items, in the model form and in DynamoDB JSON', async () => {
    const source = await loaded('cli_export_src', 5_000);
    const items = await scanAll(`${source}tweets`);
    expect(items).toHaveLength(5_000);

    const modelFile = join(work, 'model.jsonl');
    const exported = await dynamodel(source, ['export', 'Tweet', modelFile, '--segments', '3']);
    expect(exported.code).toBe(0);
    expect(exported.stderr).toMatch(
      new RegExp(`Exported 5,000 items of ${source}tweets to ${modelFile} in [\\d.]+ s\\.`),
    );
    const copy = uniqueTablePrefix('cli_export_copy');
    expect((await dynamodel(copy, ['tables', 'apply', 'Tweet'])).code).toBe(0);
    expect((await dynamodel(copy, ['import', 'Tweet', modelFile])).code).toBe(0);
    expect(await scanAll(`${copy}tweets`)).toEqual(items);

    const dynamoFile = join(work, 'items.ddb.jsonl');
    expect((await dynamodel(source, ['export', `${source}tweets`, dynamoFile])).code).toBe(0); // a table: DynamoDB JSON
    expect(readFileSync(dynamoFile, 'utf8').split('\n')[0]).toMatch(/^\{"Item":\{/);
    const second = uniqueTablePrefix('cli_export_copy_ddb');
    expect((await dynamodel(second, ['tables', 'apply', 'Tweet'])).code).toBe(0);
    expect((await dynamodel(second, ['import', 'Tweet', dynamoFile, '--format', 'dynamodb'])).code).toBe(0);
    expect(await scanAll(`${second}tweets`)).toEqual(items);

    // To stdout, and the model form of a bare table refused.
    const stdout = await dynamodel(source, ['export', 'Tweet']);
    expect(stdout.stdout.split('\n').filter(Boolean).sort()).toEqual(sortedLines(modelFile));
    const refused = await dynamodel(source, ['export', 'some_other_table', '--format', 'model']);
    expect(refused.stderr.trim()).toBe(
      'dynamodel: some_other_table is a table, not a model: its items export as --format dynamodb',
    );
  }, 180_000);

  it('killed part way and resumed: every item exactly once, as an export that ran through', async () => {
    const source = await loaded('cli_export_kill', 40_000);
    const whole = join(work, 'whole.jsonl');
    expect((await dynamodel(source, ['export', 'Tweet', whole, '--page-size', '200'])).code).toBe(0);

    const file = join(work, 'killed.jsonl');
    const checkpoint = `${file}.export.checkpoint.json`;
    const killed = startCli(
      ['--endpoint', config.endpoint, 'export', 'Tweet', file, '--page-size', '200', '--rate', '400'],
      { DYNAMODEL_TEST_PREFIX: source },
    );
    await untilCheckpoint(checkpoint, 'items', 10_000);
    killed.child.kill('SIGKILL');
    expect((await killed.ended).signal).toBe('SIGKILL');

    const refused = await dynamodel(source, ['export', 'Tweet', file, '--page-size', '200']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /an export to this file stopped after \d+ items .*: pass --resume to go on, or --restart/,
    );
    const resumed = await dynamodel(source, ['export', 'Tweet', file, '--page-size', '200', '--resume']);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toContain('Exported 40,000 items');
    expect(existsSync(checkpoint)).toBe(false);
    const lines = sortedLines(file);
    expect(lines).toHaveLength(40_000);
    expect(lines).toEqual(sortedLines(whole));
  }, 300_000);
});
