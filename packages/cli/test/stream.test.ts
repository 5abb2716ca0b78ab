import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { DeleteItemCommand, DynamoDBClient, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { localTestConfig, uniqueTablePrefix } from '@dynamodel/local/jest';
import { BIN, dynamodel, FIXTURE, TSX } from './support/run-cli';

// `dynamodel stream tail` against DynamoDB Local's stream of the fixture's tweets table.

const config = localTestConfig();
const raw = new DynamoDBClient(config);
afterAll(() => raw.destroy());

/** The fixture's stream config: its Tweet declares a stream (src/models-stream.ts). */
const STREAM_CONFIG = 'dynamodel.stream.config.ts';
const streamCli = (prefix: string, args: readonly string[]) => dynamodel(prefix, args, { config: STREAM_CONFIG });

/** The command in the background: its stdout lines, a promise of its first stderr line and of its exit. */
function tail(prefix: string, args: readonly string[]) {
  const child = spawn(
    process.execPath,
    ['--import', TSX, BIN, '--endpoint', config.endpoint, '--config', STREAM_CONFIG, 'stream', 'tail', ...args],
    {
      cwd: FIXTURE,
      env: { ...process.env, DYNAMODEL_TEST_PREFIX: prefix, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const lines: string[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => lines.push(line));
  const ready = new Promise<string>((resolve) => createInterface({ input: child.stderr }).once('line', resolve));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, lines, ready, exited };
}

/** An insert, a modify, a remove through the model's shape, then an item the model cannot read. */
async function changes(table: string): Promise<void> {
  await raw.send(
    new PutItemCommand({
      TableName: table,
      Item: {
        tweetId: { S: 's1' },
        author: { S: 'ana' },
        postedAt: { S: '2026-01-01T00:00:00.000Z' },
        text: { S: 'hi' },
      },
    }),
  );
  await raw.send(
    new UpdateItemCommand({
      TableName: table,
      Key: { tweetId: { S: 's1' } },
      UpdateExpression: 'SET #t = :t, likes = :l',
      ExpressionAttributeNames: { '#t': 'text' },
      ExpressionAttributeValues: { ':t': { S: 'edited' }, ':l': { N: '3' } },
    }),
  );
  await raw.send(new DeleteItemCommand({ TableName: table, Key: { tweetId: { S: 's1' } } }));
  await raw.send(
    new PutItemCommand({ TableName: table, Item: { tweetId: { S: 'odd' }, shape: { S: 'not a tweet' } } }),
  );
}

describe('dynamodel stream tail', () => {
  it('prints each change as it happens, decoded by its model, and an item the model cannot read as stored', async () => {
    const prefix = uniqueTablePrefix('cli_stream');
    expect((await streamCli(prefix, ['tables', 'apply', 'Tweet'])).code).toBe(0);
    const tailing = tail(prefix, ['Tweet', '--limit', '4']);
    expect(await tailing.ready).toBe(`Tailing the stream of ${prefix}tweets (changes from now on); Ctrl-C stops.`);
    await changes(`${prefix}tweets`);
    expect(await tailing.exited).toBe(0);
    const lines = tailing.lines.map((line) => line.replace(/^\S+ /, '')); // the time, to the minute on Local
    expect(lines).toEqual([
      // Items of version 1 (no `_v`), so read as the model reads them: upgraded, likes 0.
      'insert Tweet tweetId=s1  {"tweetId":"s1","author":"ana","postedAt":"2026-01-01T00:00:00.000Z","text":"hi","likes":0}',
      'modify Tweet tweetId=s1  text: "hi" → "edited", likes: 0 → 3',
      'remove Tweet tweetId=s1',
      expect.stringMatching(
        /^insert \(no model\) tweetId=odd {2}\{"shape":"not a tweet","tweetId":"odd"\} {2}\(its model cannot read it: Tweet\.author: is required/,
      ),
    ]);

    // The same four from the start of the stream, as JSON.
    const json = await streamCli(prefix, [
      'stream',
      'tail',
      'Tweet',
      '--from',
      'trim-horizon',
      '--limit',
      '4',
      '--json',
    ]);
    const parsed = json.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(parsed.map((change) => [change.kind, change.entity, change.key])).toEqual([
      ['insert', 'Tweet', { tweetId: 's1' }],
      ['modify', 'Tweet', { tweetId: 's1' }],
      ['remove', 'Tweet', { tweetId: 's1' }],
      ['insert', null, { tweetId: 'odd' }],
    ]);
    expect(parsed[1]).toMatchObject({ oldImage: { text: 'hi' }, newImage: { text: 'edited', likes: 3 } });
    expect(parsed[3]?.unreadable).toMatch(/^Tweet\.author: is required/);
  }, 120_000);

  it('Ctrl-C stops it with exit code 0; a table without a stream is an error', async () => {
    const prefix = uniqueTablePrefix('cli_stream_stop');
    expect((await streamCli(prefix, ['tables', 'apply'])).code).toBe(0);
    const tailing = tail(prefix, ['Tweet']);
    await tailing.ready;
    tailing.child.kill('SIGINT');
    expect(await tailing.exited).toBe(0);
    const none = await streamCli(prefix, ['stream', 'tail', 'Follow']);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain(`table ${prefix}follows has no stream`);
  }, 60_000);
});
