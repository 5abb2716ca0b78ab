import { join } from 'node:path';
import { localTestConfig, uniqueTablePrefix } from '@dynamodel/local/jest';
import { runCli } from './support/run-cli';

// docs/cli.md's config file and migration are this project's files (examples/shop/test/docs.test.ts
// checks the page quotes them): here they run, as the page says they do.

const config = localTestConfig();
const project = join(__dirname, 'fixtures', 'docs');

it("docs/cli.md's project: its config loads, its table is made, its migration goes up and down", async () => {
  const stage = uniqueTablePrefix('cli_docs').replace(/_$/, '');
  // The page's `endpoint: 'local'` is the DynamoDB Local that DYNAMODEL_LOCAL_ENDPOINT names.
  const env = { STAGE: stage, DYNAMODEL_LOCAL_ENDPOINT: config.endpoint };
  const dynamodel = (args: readonly string[]) => runCli(args, { cwd: project, env });
  expect((await dynamodel(['tables', 'apply'])).stdout).toContain(`table ${stage}_tweets (Tweet): to create`);
  const status = await dynamodel(['migrate', 'status']);
  expect([status.code, status.stdout]).toEqual([2, expect.stringMatching(/ +2 {2}outstanding likes default to 0\n/)]);
  const up = await dynamodel(['migrate', 'up']);
  expect([up.code, up.stdout]).toEqual([0, expect.stringMatching(/^Tweet up 2 \(likes default to 0\): applied/)]);
  const down = await dynamodel(['migrate', 'down', 'Tweet', '--to', '1']);
  expect([down.code, down.stdout]).toEqual([
    0,
    expect.stringMatching(/^Tweet down 2 \(likes default to 0\): reverted/),
  ]);
}, 120_000);
