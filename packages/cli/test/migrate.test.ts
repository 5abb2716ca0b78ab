import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BatchWriteItemCommand,
  DeleteItemCommand,
  DynamoDBClient,
  ScanCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { localTestConfig, uniqueTablePrefix } from '@dynamodel/local/jest';
import { dynamodel, FIXTURE } from './support/run-cli';

// `dynamodel migrate …` in the fixture project, whose migrations/Tweet/0002-default-likes.ts sets
// `likes` to 0 where it is missing (and throws for a tweet whose text is "poison").

const config = localTestConfig();
const raw = new DynamoDBClient(config);
afterAll(() => raw.destroy());

/** Tweets as the code before migration 2 stored them: no `likes`, no version attribute. */
async function seed(table: string, count: number, extra: Record<string, AttributeValue>[] = []): Promise<void> {
  const items: Record<string, AttributeValue>[] = [
    ...Array.from({ length: count }, (_, i) => ({
      tweetId: { S: `t${i}` },
      author: { S: `author${i % 5}` },
      postedAt: { S: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString() },
      text: { S: `tweet ${i}` },
    })),
    ...extra,
  ];
  for (let i = 0; i < items.length; i += 25) {
    await raw.send(
      new BatchWriteItemCommand({
        RequestItems: { [table]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) },
      }),
    );
  }
}

async function scan(table: string): Promise<Record<string, AttributeValue>[]> {
  const items: Record<string, AttributeValue>[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await raw.send(
      new ScanCommand({ TableName: table, ConsistentRead: true, ...(start ? { ExclusiveStartKey: start } : {}) }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items.sort((a, b) => String(a.tweetId?.S).localeCompare(String(b.tweetId?.S)));
}

describe('dynamodel migrate', () => {
  it('status, a dry run, up, a dead letter kept in a file, up again, and down back to the items as they were', async () => {
    const prefix = uniqueTablePrefix('cli_migrate');
    const table = `${prefix}tweets`;
    expect((await dynamodel(prefix, ['tables', 'apply'])).code).toBe(0);
    await seed(table, 120, [
      {
        tweetId: { S: 'poison' },
        author: { S: 'x' },
        postedAt: { S: '2026-01-01T00:00:00.000Z' },
        text: { S: 'poison' },
      },
    ]);
    const before = await scan(table);

    const status = await dynamodel(prefix, ['migrate', 'status']);
    expect(status.code).toBe(2);
    expect(status.stdout).toContain(`Tweet (table ${table})`);
    expect(status.stdout).toMatch(/ {3}2 {2}outstanding {1}likes default to 0\n/);
    expect(status.stdout).toContain('1 not applied: run dynamodel migrate up.');

    const dry = await dynamodel(prefix, ['migrate', 'up', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(
      /^Tweet up 2 \(likes default to 0\): dry run, would migrate 120 of 121 read, 1 dead letters in /m,
    );
    expect(await scan(table)).toEqual(before);

    const folder = mkdtempSync(join(tmpdir(), 'dynamodel-migrate-'));
    const deadLetters = join(folder, 'dead.jsonl');
    try {
      const up = await dynamodel(prefix, [
        'migrate',
        'up',
        '--dead-letters',
        deadLetters,
        '--rate',
        'writes=500',
        '--segments',
        '4',
      ]);
      expect(up.code).toBe(4); // finished, with items that could not be migrated
      expect(up.stdout).toMatch(/^Tweet up 2 \(likes default to 0\): incomplete, 120 of 121 read, 1 dead letters in /m);
      const letters = readFileSync(deadLetters, 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { key: unknown; reason: string });
      expect(letters).toHaveLength(1);
      expect(JSON.stringify(letters[0])).toContain('poison');
      expect(JSON.stringify(letters[0])).toContain('this tweet cannot be migrated');
      expect((await dynamodel(prefix, ['migrate', 'status'])).stdout).toMatch(
        / {3}2 {2}incomplete {2}likes default to 0/,
      );
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
    const migrated = await scan(table);
    expect(migrated.filter((item) => item.likes?.N === '0' && item._v?.N === '2')).toHaveLength(120);

    // The poison tweet is dealt with by hand; the next up migrates only what is left.
    await raw.send(new DeleteItemCommand({ TableName: table, Key: { tweetId: { S: 'poison' } } }));
    const again = await dynamodel(prefix, ['migrate', 'up']);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^Tweet up 2 \(likes default to 0\): applied, 0 of 120 read, 120 not due in /m);
    const applied = await dynamodel(prefix, ['migrate', 'status', 'Tweet']);
    expect(applied.code).toBe(0);
    expect(applied.stdout).toMatch(/ {3}2 {2}applied {5}likes default to 0 \(up .*, 0 migrated of 120 read\)/);
    expect((await dynamodel(prefix, ['migrate', 'up'])).stdout.trim()).toBe('Tweet: nothing outstanding');

    const down = await dynamodel(prefix, ['migrate', 'down', 'Tweet', '--to', '1']);
    expect(down.code).toBe(0);
    expect(down.stdout).toMatch(/^Tweet down 2 \(likes default to 0\): reverted, 120 of 120 read in /m);
    expect(await scan(table)).toEqual(before.filter((item) => item.tweetId?.S !== 'poison'));
    expect((await dynamodel(prefix, ['migrate', 'status'])).code).toBe(2);
  }, 180_000);

  it('create writes the next numbered file, which status lists and up runs', async () => {
    const prefix = uniqueTablePrefix('cli_migrate_create');
    const folder = join(FIXTURE, 'migrations', 'Follow');
    const tweetFile = join(FIXTURE, 'migrations', 'Tweet', '0003-add-slug.ts');
    try {
      const ambiguous = await dynamodel(prefix, ['migrate', 'create', 'add mutual']);
      expect([ambiguous.code, ambiguous.stderr.trim()]).toEqual([
        1,
        'dynamodel: say which model with --model (one of Tweet, Follow)',
      ]);
      const created = await dynamodel(prefix, ['migrate', 'create', 'Add mutual flag!', '--model', 'Follow']);
      expect([created.code, created.stdout.trim()]).toEqual([
        0,
        `created ${join('migrations', 'Follow', '0002-add-mutual-flag.ts')}`,
      ]);
      const second = await dynamodel(prefix, ['migrate', 'create', 'backfill', '--model', 'Follow']);
      expect(second.stdout).toContain(`created ${join('migrations', 'Follow', '0003-backfill.ts')}`);
      expect(readFileSync(join(folder, '0003-backfill.ts'), 'utf8')).toContain(
        'version: 3,\n  description: "backfill",',
      );
      expect((await dynamodel(prefix, ['tables', 'apply'])).code).toBe(0);
      const status = await dynamodel(prefix, ['migrate', 'status', 'Follow']);
      expect(status.stdout).toMatch(/ +2 {2}outstanding Add mutual flag!\n +3 {2}outstanding backfill\n/);
      const up = await dynamodel(prefix, ['migrate', 'up', 'Follow']);
      expect(up.code).toBe(0);
      expect(up.stdout).toMatch(
        /^Follow up 2 \(Add mutual flag!\): applied, 0 of 0 read in .*\nFollow up 3 \(backfill\): applied/m,
      );

      // Tweet migrates on read (upgrades.version 2): a migration to 3 needs the model to read 3 first.
      const slug = await dynamodel(prefix, ['migrate', 'create', 'add slug', '--model', 'Tweet']);
      expect(slug.stdout).toContain(
        'before it runs, Tweet must read version 3: raise @Table({ upgrades: { version } }) to 3, with a step from 2',
      );
      const refused = await dynamodel(prefix, ['migrate', 'up', 'Tweet']);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('the model reads items up to version 2 (upgrades.version): declare version 3');
    } finally {
      rmSync(folder, { recursive: true, force: true });
      rmSync(tweetFile, { force: true });
    }
    expect(existsSync(folder)).toBe(false);
  }, 120_000);

  it('a migrations folder or file the command cannot place is an error, not a migration left out', async () => {
    const prefix = uniqueTablePrefix('cli_migrate_bad');
    const stray = join(FIXTURE, 'migrations', 'Nobody');
    const misnamed = join(FIXTURE, 'migrations', 'Tweet', 'default-likes-again.ts');
    try {
      mkdirSync(stray);
      const folder = await dynamodel(prefix, ['migrate', 'status']);
      expect(folder.stderr.trim()).toBe(
        'dynamodel: migrations/Nobody: no model or entity named Nobody (the config has Tweet, Follow)',
      );
      rmSync(stray, { recursive: true });
      writeFileSync(misnamed, 'export {};\n');
      const file = await dynamodel(prefix, ['migrate', 'status']);
      expect(file.stderr.trim()).toBe(
        `dynamodel: ${misnamed}: a migration file is named <version>-<words>.ts, e.g. 0002-split-name.ts`,
      );
    } finally {
      rmSync(stray, { recursive: true, force: true });
      rmSync(misnamed, { force: true });
    }
  }, 60_000);
});
