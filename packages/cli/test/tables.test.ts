import 'reflect-metadata';
import { tmpdir } from 'node:os';
import { DescribeTableCommand, DescribeTimeToLiveCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { tableDefinitions } from '@dynamodel/core';
import { localTestConfig, uniqueTablePrefix } from '@dynamodel/local/jest';
import { dynamodel, runCli } from './support/run-cli';
import { Follow, Tweet } from './fixtures/app/src/models';

// `dynamodel tables …` run as a user runs it, in the fixture project (packages/cli/test/fixtures/app:
// a dynamodel.config.ts naming src/models.ts), against the shared DynamoDB Local.

const config = localTestConfig();
const raw = new DynamoDBClient(config);
afterAll(() => raw.destroy());

const describe_ = async (table: string) => (await raw.send(new DescribeTableCommand({ TableName: table }))).Table;

/** `dynamodel --endpoint <Local> …` with this test's table prefix. */

describe('dynamodel tables', () => {
  it('plan exits 2 while changes are pending, apply makes them, and plan then exits 0', async () => {
    const prefix = uniqueTablePrefix('cli_tables');
    const plan = await dynamodel(prefix, ['tables', 'plan']);
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain(`table ${prefix}tweets (Tweet): to create`);
    expect(plan.stdout).toContain('+ turn TTL on for "expiresAt"');
    expect(plan.stdout).toContain(`table ${prefix}follows (Follow): to create`);
    expect(plan.stdout).toContain('3 changes pending: run dynamodel tables apply.');
    await expect(describe_(`${prefix}tweets`)).rejects.toThrow(/non-existent table/); // plan only reads

    const apply = await dynamodel(prefix, ['tables', 'apply']);
    expect(apply.code).toBe(0);
    expect(apply.stdout).toContain('Applied 3 changes.');
    expect(apply.stderr).toContain(`[2/3] ${prefix}tweets: turn TTL on for "expiresAt" — done`);
    const tweets = await describe_(`${prefix}tweets`);
    // The attribute types came from emitDecoratorMetadata: the loader compiled the models as tsc does.
    expect(tweets?.AttributeDefinitions).toEqual(
      expect.arrayContaining([{ AttributeName: 'postedAt', AttributeType: 'S' }]),
    );
    expect(tweets?.GlobalSecondaryIndexes?.map((i) => [i.IndexName, i.IndexStatus])).toEqual([['byAuthor', 'ACTIVE']]);
    const ttl = await raw.send(new DescribeTimeToLiveCommand({ TableName: `${prefix}tweets` }));
    expect(ttl.TimeToLiveDescription).toMatchObject({ TimeToLiveStatus: 'ENABLED', AttributeName: 'expiresAt' });

    const again = await dynamodel(prefix, ['tables', 'plan']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('The tables match the models.');
    const nothing = await dynamodel(prefix, ['tables', 'apply']);
    expect([nothing.code, nothing.stdout.trim()]).toEqual([0, 'The tables match the models: nothing to apply.']);
  }, 120_000);

  it('a model that gained an index: plan lists it, apply adds it (another config with --config)', async () => {
    const prefix = uniqueTablePrefix('cli_tables_v2');
    expect((await dynamodel(prefix, ['tables', 'apply'])).code).toBe(0);
    const plan = await dynamodel(prefix, ['--config', 'dynamodel.v2.config.ts', 'tables', 'plan', 'Tweet']);
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain(`table ${prefix}tweets (Tweet): to change`);
    expect(plan.stdout).toContain('+ add global index "byLikes" (HASH likes; KEYS_ONLY)');
    expect(plan.stdout).not.toContain('follows'); // only the model named
    const apply = await dynamodel(prefix, ['--config', 'dynamodel.v2.config.ts', 'tables', 'apply']);
    expect(apply.code).toBe(0);
    expect((await describe_(`${prefix}tweets`))?.GlobalSecondaryIndexes?.map((i) => i.IndexName).sort()).toEqual([
      'byAuthor',
      'byLikes',
    ]);
    // Going back to the first models: the extra index is a drop, which needs --allow-drops.
    const back = await dynamodel(prefix, ['tables', 'apply']);
    expect(back.code).toBe(2);
    expect(back.stdout).toContain('1 change left: dropping needs --allow-drops.');
    expect((await describe_(`${prefix}tweets`))?.GlobalSecondaryIndexes).toHaveLength(2);
    const drop = await dynamodel(prefix, ['tables', 'apply', '--allow-drops']);
    expect(drop.code).toBe(0);
    expect((await describe_(`${prefix}tweets`))?.GlobalSecondaryIndexes?.map((i) => i.IndexName)).toEqual(['byAuthor']);
  }, 180_000);

  it('template prints the definitions of the models: a CloudFormation template, CDK props or CreateTable inputs', async () => {
    const prefix = uniqueTablePrefix('cli_template');
    const definitions = tableDefinitions([Tweet, Follow], { prefix });
    const cloudFormation = await dynamodel(prefix, ['tables', 'template']);
    expect(cloudFormation.code).toBe(0);
    expect(JSON.parse(cloudFormation.stdout)).toEqual({
      AWSTemplateFormatVersion: '2010-09-09',
      Resources: {
        [`${logical(prefix)}TweetsTable`]: definitions[0]?.cloudFormation(),
        [`${logical(prefix)}FollowsTable`]: definitions[1]?.cloudFormation(),
      },
    });
    const cdk = JSON.parse(
      (await dynamodel(prefix, ['tables', 'template', '--format', 'cdk', 'Follow'])).stdout,
    ) as unknown;
    expect(cdk).toEqual({ [`${prefix}follows`]: definitions[1]?.cdkProps() });
    const inputs = JSON.parse(
      (await dynamodel(prefix, ['tables', 'template', '--format', 'create-table'])).stdout,
    ) as unknown;
    expect(inputs).toEqual(definitions.map((d) => d.createTable));
    const bad = await dynamodel(prefix, ['tables', 'template', '--format', 'yaml']);
    expect([bad.code, bad.stderr.trim()]).toEqual([
      1,
      'dynamodel: --format must be cloudformation, cdk or create-table, got yaml',
    ]);
  }, 60_000);

  it('list and describe say what the endpoint has', async () => {
    const prefix = uniqueTablePrefix('cli_list');
    expect((await dynamodel(prefix, ['tables', 'apply', 'Tweet'])).code).toBe(0);
    const list = await dynamodel(prefix, ['tables', 'list']);
    expect(list.code).toBe(0);
    expect(list.stdout.trim().split('\n')).toEqual([
      `${prefix}follows  Follow  missing (tables apply creates it)`,
      `${prefix}tweets  Tweet  ACTIVE, 0 items`,
    ]);
    const described = await dynamodel(prefix, ['tables', 'describe', 'Tweet']);
    expect(described.code).toBe(0);
    expect(described.stdout).toContain(`table ${prefix}tweets (Tweet)`);
    expect(described.stdout).toContain('  key: tweetId (S, hash)');
    expect(described.stdout).toContain(
      '  global index byAuthor (ACTIVE): author (S, hash), postedAt (S, range), projects ALL',
    );
    expect(described.stdout).toContain('  TTL: expiresAt');
    const json = JSON.parse((await dynamodel(prefix, ['tables', 'describe', `${prefix}tweets`, '--json'])).stdout) as {
      table: { TableName: string };
      ttl: string;
    };
    expect([json.table.TableName, json.ttl]).toEqual([`${prefix}tweets`, 'expiresAt']);
    const missing = await dynamodel(prefix, ['tables', 'describe', 'follows']);
    expect([missing.code, missing.stderr.trim()]).toEqual([
      1,
      `dynamodel: table ${prefix}follows does not exist at this endpoint (tables apply creates it)`,
    ]);
  }, 60_000);

  it('drop asks first, deletes with --yes, and refuses an endpoint that is not on this machine without --force', async () => {
    const prefix = uniqueTablePrefix('cli_drop');
    expect((await dynamodel(prefix, ['tables', 'apply'])).code).toBe(0);
    // No terminal to ask on (stdin is a pipe): an error, not a yes.
    const unasked = await dynamodel(prefix, ['tables', 'drop']);
    expect([unasked.code, unasked.stderr.trim()]).toEqual([
      1,
      'dynamodel: drop asks before deleting, and there is no terminal to ask on: pass --yes to delete',
    ]);
    expect(await describe_(`${prefix}tweets`)).toBeDefined();
    const remote = await runCli(
      ['--endpoint', 'https://dynamodb.eu-west-1.amazonaws.com', '--region', 'eu-west-1', 'tables', 'drop', '--yes'],
      { env: { DYNAMODEL_TEST_PREFIX: prefix } },
    );
    expect(remote.code).toBe(1);
    expect(remote.stderr).toContain('https://dynamodb.eu-west-1.amazonaws.com is not on this machine');
    expect(remote.stderr).toContain('needs --force. Nothing was deleted.');
    const dropped = await dynamodel(prefix, ['tables', 'drop', 'Tweet', '--yes']);
    expect([dropped.code, dropped.stdout.trim()]).toEqual([0, `${prefix}tweets: deleted`]);
    await expect(describe_(`${prefix}tweets`)).rejects.toThrow(/non-existent table/);
    expect(await describe_(`${prefix}follows`)).toBeDefined();
    const unknown = await dynamodel(prefix, ['tables', 'drop', 'Nope', '--yes']);
    expect(unknown.stderr.trim()).toBe(
      `dynamodel: no model or table named Nope; the config has models Tweet, Follow in tables ${prefix}tweets, ${prefix}follows`,
    );
  }, 60_000);

  it('endpoint "local" is the DynamoDB Local DYNAMODEL_LOCAL_ENDPOINT names (as dynamodel local prints it)', async () => {
    const prefix = uniqueTablePrefix('cli_local');
    const run = await runCli(['--endpoint', 'local', 'tables', 'apply', 'Follow'], {
      env: { DYNAMODEL_TEST_PREFIX: prefix, DYNAMODEL_LOCAL_ENDPOINT: config.endpoint },
    });
    expect(run.code).toBe(0);
    expect(await describe_(`${prefix}follows`)).toBeDefined();
  }, 60_000);

  it('config mistakes are one line each, before anything is sent', async () => {
    const none = await runCli(['tables', 'plan'], { cwd: tmpdir() });
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/^dynamodel: no dynamodel\.config\.ts in .* or a folder above it: create one/);
    const missing = await runCli(['--config', 'nope.config.ts', 'tables', 'plan']);
    expect(missing.stderr.trim()).toMatch(/^dynamodel: config file .*nope\.config\.ts does not exist$/);
    const broken = await runCli(['--config', 'broken.config.ts', 'tables', 'plan']);
    expect(broken.stderr.trim()).toMatch(
      /^dynamodel: .*broken\.config\.ts: model module \.\/src\/not-models\.ts exports no @Table or @Entity class$/,
    );
    const profile = await runCli(['--profile', 'no-such-profile', '--region', 'eu-west-1', 'tables', 'plan'], {
      env: { AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent' },
    });
    expect(profile.code).toBe(1);
    expect(profile.stderr).toMatch(/no-such-profile/);
  }, 60_000);
});

/** The logical ID prefix `tables template` makes of a table-name prefix. */
function logical(prefix: string): string {
  return prefix
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
}
