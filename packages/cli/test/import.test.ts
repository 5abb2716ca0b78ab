import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { localTestConfig, uniqueTablePrefix } from '@dynamodel/local/jest';
import { dynamodel, startCli, untilCheckpoint } from './support/run-cli';

// `dynamodel import` in the fixture project (model Tweet: tweetId, author, postedAt, text, likes?,
// expiresAt?) against DynamoDB Local: every record stored or reported by line, never skipped.

const config = localTestConfig();
const raw = new DynamoDBClient(config);
const work = mkdtempSync(join(tmpdir(), 'dynamodel-import-'));
afterAll(() => {
  raw.destroy();
  rmSync(work, { recursive: true, force: true });
});

const tweet = (i: number) => ({
  tweetId: `t${i}`,
  author: `a${i % 7}`,
  postedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i % 86_400)).toISOString(),
  text: `tweet ${i}`,
  likes: i % 1000,
});

/** A JSON-lines file of `count` tweets, with the given lines replaced. */
function jsonLines(name: string, count: number, replace: Record<number, string> = {}): string {
  const path = join(work, name);
  const lines: string[] = [];
  for (let i = 1; i <= count; i++) lines.push(replace[i] ?? JSON.stringify(tweet(i)));
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

async function scanAll(table: string): Promise<Record<string, AttributeValue>[]> {
  const segments = 4;
  const pages = await Promise.all(
    Array.from({ length: segments }, async (_, segment) => {
      const items: Record<string, AttributeValue>[] = [];
      let start: Record<string, AttributeValue> | undefined;
      do {
        const page = await raw.send(
          new ScanCommand({
            TableName: table,
            Segment: segment,
            TotalSegments: segments,
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        );
        items.push(...(page.Items ?? []));
        start = page.LastEvaluatedKey;
      } while (start);
      return items;
    }),
  );
  return pages.flat().sort((a, b) => String(a.tweetId?.S).localeCompare(String(b.tweetId?.S)));
}

const deadLetters = (path: string) =>
  readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { line: number; reason: string; text: string });

describe('dynamodel import', () => {
  it('100,000 lines with 3 malformed and one over 400 KB: 99,996 stored, the 4 reported by line', async () => {
    const prefix = uniqueTablePrefix('cli_import_big');
    expect((await dynamodel(prefix, ['tables', 'apply', 'Tweet'])).code).toBe(0);
    const big = JSON.stringify({ ...tweet(77_777), text: 'x'.repeat(410_000) });
    const file = jsonLines('big.jsonl', 100_000, {
      101: '{"tweetId": "t101", oops',
      50_001: 'not json at all',
      77_777: big,
      99_999: '{"tweetId": "t99999", "author": ',
    });
    const run = await dynamodel(prefix, ['import', 'Tweet', file]);
    expect(run.code).toBe(4);
    const deadLetterFile = `${file}.${prefix}tweets.dead-letters.jsonl`;
    expect(run.stdout).toMatch(new RegExp(`^Imported 99,996 records into ${prefix}tweets in [\\d.]+ s\\.$`, 'm'));
    expect(run.stdout).toContain(`4 records could not be imported (lines 101, 50001, 77777, 99999): ${deadLetterFile}`);
    const letters = deadLetters(deadLetterFile);
    expect(letters.map((letter) => letter.line)).toEqual([101, 50_001, 77_777, 99_999]);
    expect(letters[0]?.reason).toContain('Tweet: the text is not JSON');
    expect(letters[2]?.reason).toMatch(/over DynamoDB's 409600-byte limit/);
    expect(letters[2]?.text).toBe(big); // the line as it was, to fix and import again
    const stored = await scanAll(`${prefix}tweets`);
    expect(stored).toHaveLength(99_996);
    expect(stored.find((item) => item.tweetId?.S === 't5')).toEqual({
      tweetId: { S: 't5' },
      author: { S: 'a5' },
      postedAt: { S: tweet(5).postedAt },
      text: { S: 'tweet 5' },
      likes: { N: '5' },
      _v: { N: '2' },
    });
    expect(existsSync(`${file}.import-${prefix}tweets.checkpoint.json`)).toBe(false); // done: no checkpoint left
  }, 300_000);

  it('killed at half and resumed: the same table and dead letters as an import that ran through', async () => {
    const whole = uniqueTablePrefix('cli_import_whole');
    const killed = uniqueTablePrefix('cli_import_killed');
    for (const prefix of [whole, killed]) expect((await dynamodel(prefix, ['tables', 'apply', 'Tweet'])).code).toBe(0);
    // Lines 7,001 and 7,002 share a key: the later one is what stays stored.
    const file = jsonLines('resume.jsonl', 40_000, {
      3: '{broken',
      7_002: JSON.stringify({ ...tweet(7_001), text: 'the second t7001' }),
      31_000: '{"tweetId": 31000}',
    });
    const through = await dynamodel(whole, ['import', 'Tweet', file]);
    expect(through.code).toBe(4);

    const killedRun = startCli(['--endpoint', config.endpoint, 'import', 'Tweet', file], {
      DYNAMODEL_TEST_PREFIX: killed,
    });
    await untilCheckpoint(`${file}.import-${killed}tweets.checkpoint.json`, 'through', 20_000);
    killedRun.child.kill('SIGKILL');
    expect((await killedRun.ended).signal).toBe('SIGKILL');

    const refused = await dynamodel(killed, ['import', 'Tweet', file]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /an import of this file into .*tweets stopped at line \d+ .*: pass --resume to go on, or --restart to start over/,
    );
    const resumed = await dynamodel(killed, ['import', 'Tweet', file, '--resume']);
    expect(resumed.code).toBe(4);
    expect(resumed.stdout).toContain('Imported 39,997 records into');
    expect(resumed.stdout).toContain('2 records could not be imported (lines 3, 31000)');
    expect(through.stdout).toContain('Imported 39,997 records into');
    expect(through.stdout).toContain('1 records were written again by a later line with the same key');

    const [a, b] = await Promise.all([scanAll(`${whole}tweets`), scanAll(`${killed}tweets`)]);
    expect(a).toHaveLength(39_997);
    expect(b).toEqual(a);
    expect(a.find((item) => item.tweetId?.S === 't7001')?.text).toEqual({ S: 'the second t7001' });
    expect(readFileSync(`${file}.${killed}tweets.dead-letters.jsonl`, 'utf8')).toBe(
      readFileSync(`${file}.${whole}tweets.dead-letters.jsonl`, 'utf8'),
    );
  }, 300_000);

  it('Ctrl-C stops after the writes in flight, keeps a checkpoint and prints the command that resumes', async () => {
    const prefix = uniqueTablePrefix('cli_import_sigint');
    expect((await dynamodel(prefix, ['tables', 'apply', 'Tweet'])).code).toBe(0);
    const file = jsonLines('sigint.jsonl', 30_000);
    const checkpoint = `${file}.import-${prefix}tweets.checkpoint.json`;
    const running = startCli(['--endpoint', config.endpoint, 'import', 'Tweet', file], {
      DYNAMODEL_TEST_PREFIX: prefix,
    });
    await untilCheckpoint(checkpoint, 'through', 3_000);
    running.child.kill('SIGINT');
    expect((await running.ended).code).toBe(3);
    const stdout = running.stdout();
    const settled = JSON.parse(readFileSync(checkpoint, 'utf8')) as { through: number; counts: { imported: number } };
    expect(stdout).toContain(`Stopped after importing ${settled.counts.imported.toLocaleString('en-US')} records`);
    expect(stdout).toContain(
      `Every line up to ${settled.through} is settled. To go on without duplicates: dynamodel --endpoint ${config.endpoint} import Tweet ${file} --resume`,
    );
    const resumed = await dynamodel(prefix, ['import', 'Tweet', file, '--resume']);
    expect([resumed.code, resumed.stdout]).toEqual([0, expect.stringContaining('Imported 30,000 records into')]);
    expect(await scanAll(`${prefix}tweets`)).toHaveLength(30_000);
    // Nothing could not be imported: no dead-letter file is left beside the input.
    expect(existsSync(`${file}.${prefix}tweets.dead-letters.jsonl`)).toBe(false);
  }, 300_000);

  it('CSV: a header row of attribute names, typed by the model; a row that is not CSV is reported by line', async () => {
    const prefix = uniqueTablePrefix('cli_import_csv');
    expect((await dynamodel(prefix, ['tables', 'apply', 'Tweet'])).code).toBe(0);
    const file = join(work, 'tweets.csv');
    writeFileSync(
      file,
      [
        'tweetId,author,postedAt,text,likes',
        'c1,ana,2026-01-02T03:04:05.000Z,"hello, world",7',
        'c2,bob,2026-01-02T03:04:05.000Z,"two',
        'lines",',
        'c3,cy,2026-01-02T03:04:05.000Z,too,many,fields',
        '',
        'c4,dee,2026-01-02T03:04:05.000Z,plain,lots',
        'c5,eve,2026-01-02T03:04:05.000Z,last,0',
      ].join('\n'),
    );
    const run = await dynamodel(prefix, ['import', 'Tweet', file]);
    expect(run.code).toBe(4);
    expect(run.stdout).toContain('Imported 3 records into');
    expect(run.stdout).toContain('2 records could not be imported (lines 5, 7)');
    const letters = deadLetters(`${file}.${prefix}tweets.dead-letters.jsonl`);
    expect(letters[0]?.reason).toMatch(/^not a CSV row of the header's columns/);
    expect(letters[1]?.reason).toMatch(/^Tweet\.likes: /);
    const stored = await scanAll(`${prefix}tweets`);
    expect(stored.map((item) => [item.tweetId?.S, item.text?.S, item.likes?.N])).toEqual([
      ['c1', 'hello, world', '7'],
      ['c2', 'two\nlines', undefined],
      ['c5', 'last', '0'],
    ]);
  }, 60_000);

  it('--create-only never overwrites, --strict stops at the first bad line, stdin is read with -', async () => {
    const prefix = uniqueTablePrefix('cli_import_modes');
    expect((await dynamodel(prefix, ['tables', 'apply', 'Tweet'])).code).toBe(0);
    const file = jsonLines('modes.jsonl', 50, { 20: JSON.stringify({ ...tweet(10), text: 'a second t10' }) });
    const first = await dynamodel(prefix, ['import', 'Tweet', file, '--create-only']);
    expect(first.code).toBe(4);
    expect(first.stdout).toContain('Imported 49 records');
    expect(deadLetters(`${file}.${prefix}tweets.dead-letters.jsonl`)).toEqual([
      expect.objectContaining({ line: 20, reason: 'the key was imported from line 10 already (--create-only)' }),
    ]);
    // Again, with two records changed: those are refused; the identical ones are as `create` finds them, imported.
    const changed = jsonLines('modes-changed.jsonl', 50, {
      1: JSON.stringify({ ...tweet(1), text: 'changed' }),
      2: JSON.stringify({ ...tweet(2), text: 'changed' }),
      20: JSON.stringify({ ...tweet(10), text: 'a second t10' }),
    });
    const again = await dynamodel(prefix, ['import', 'Tweet', changed, '--create-only']);
    expect(again.code).toBe(4);
    expect(again.stdout).toContain('Imported 47 records');
    expect(again.stdout).toContain('3 records could not be imported (lines 1, 2, 20)');
    expect(deadLetters(`${changed}.${prefix}tweets.dead-letters.jsonl`)[0]?.reason).toMatch(/exists/i);
    const stored = await scanAll(`${prefix}tweets`);
    expect(stored.find((item) => item.tweetId?.S === 't1')?.text).toEqual({ S: 'tweet 1' });
    expect(stored.find((item) => item.tweetId?.S === 't10')?.text).toEqual({ S: 'tweet 10' });

    const strictFile = jsonLines('strict.jsonl', 5_000, { 2_500: '{bad' });
    const strict = await dynamodel(uniqueTablePrefix('cli_import_strict'), ['import', 'Tweet', strictFile, '--strict']);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toMatch(
      /^dynamodel: line 2500: Tweet: the text is not JSON .* \(--strict stops at the first\)$/m,
    );

    const piped = await dynamodel(
      prefix,
      ['import', 'Tweet', '-', '--dead-letters', join(work, 'stdin.dead-letters.jsonl')],
      { input: `${JSON.stringify(tweet(900))}\n\n${JSON.stringify(tweet(901))}\n` },
    );
    expect(piped.code).toBe(0);
    expect(piped.stdout).toContain('Imported 2 records into');
    expect(piped.stdout).toContain('1 blank lines skipped');
    const noResume = await dynamodel(prefix, ['import', 'Tweet', '-', '--resume'], { input: '' });
    expect(noResume.stderr.trim()).toBe('dynamodel: an import from stdin cannot be resumed (it keeps no checkpoint)');
  }, 120_000);

  it('DynamoDB JSON lines are stored exactly as they are, once the model can read them', async () => {
    const prefix = uniqueTablePrefix('cli_import_ddb');
    expect((await dynamodel(prefix, ['tables', 'apply', 'Tweet'])).code).toBe(0);
    const items = [
      {
        tweetId: { S: 'd1' },
        author: { S: 'ana' },
        postedAt: { S: '2026-01-01T00:00:00.000Z' },
        text: { S: 'x' },
        _v: { N: '2' },
      },
      {
        tweetId: { S: 'd2' },
        author: { S: 'bob' },
        postedAt: { S: '2026-01-01T00:00:00.000Z' },
        text: { S: 'y' },
        likes: { N: '3' },
      },
    ];
    const file = join(work, 'items.ddb.jsonl');
    writeFileSync(
      file,
      [
        JSON.stringify({ Item: items[0] }),
        JSON.stringify(items[1]),
        JSON.stringify({ Item: { tweetId: { S: 'd3' } } }),
      ].join('\n'),
    );
    const run = await dynamodel(prefix, ['import', 'Tweet', file, '--format', 'dynamodb']);
    expect(run.code).toBe(4);
    expect(run.stdout).toContain('1 records could not be imported (line 3)');
    expect(await scanAll(`${prefix}tweets`)).toEqual(items);
  }, 60_000);
});
