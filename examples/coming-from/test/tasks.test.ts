import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { localTestConfig, uniqueTablePrefix } from '@dynamodel/local/jest';
import { runTasks as dynamodel } from '../src/dynamodel';
import { runTasks as dynamoose } from '../src/dynamoose';
import { runTasks as electrodb } from '../src/electrodb';
import { runTasks as toolbox } from '../src/toolbox';
import { expected, type Target } from '../src/tasks';

// The side-by-side pages (docs/from-*.md) quote these modules: each tool's code runs here against
// DynamoDB Local and must do exactly what Dynamodel's does.

const target = (label: string): Target => {
  const { endpoint, region, credentials } = localTestConfig();
  return { endpoint, region, credentials, prefix: uniqueTablePrefix(label) };
};

describe('the same tasks with each tool', () => {
  it('Dynamodel', async () => {
    expect(await dynamodel(target('dynamodel'))).toEqual(expected);
  });

  it('dynamoose', async () => {
    expect(await dynamoose(target('dynamoose'))).toEqual(expected);
  });

  it('ElectroDB', async () => {
    expect(await electrodb(target('electrodb'))).toEqual(expected);
  });

  it('dynamodb-toolbox', async () => {
    expect(await toolbox(target('toolbox'))).toEqual(expected);
  });

  it('PynamoDB: compiles (PynamoDB cannot be installed here, so it is not run)', () => {
    const file = join(__dirname, '..', 'pynamodb', 'posts.py');
    const check = 'import sys; compile(open(sys.argv[1]).read(), sys.argv[1], "exec"); print("compiled")';
    expect(execFileSync('python3', ['-c', check, file], { encoding: 'utf8' }).trim()).toBe('compiled');
  });
});
