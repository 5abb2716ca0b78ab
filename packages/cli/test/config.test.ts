import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOCAL_REGION } from '@dynamodel/local';
import { connectOptions, findConfigFile } from '../src';
import { migrationFileName, nextVersion } from '../src/config/migration-files';
import { parseRate } from '../src/commands/option-parsers';
import { logicalId } from '../src/commands/tables';

// The pure parts of the command: flags over the config's connection, rates, file names.

describe('connectOptions', () => {
  it('flags override the config; an endpoint on this machine gets Local’s region and keys unless given', () => {
    expect(connectOptions({ region: 'eu-west-1', prefix: 'dev_' }, {})).toEqual({
      region: 'eu-west-1',
      prefix: 'dev_',
    });
    const local = connectOptions({ prefix: 'dev_' }, { endpoint: 'http://127.0.0.1:8000' });
    expect(local).toMatchObject({ endpoint: 'http://127.0.0.1:8000', region: LOCAL_REGION, prefix: 'dev_' });
    expect(local.credentials).toEqual({ accessKeyId: 'dynamodel', secretAccessKey: 'local' });
    expect(connectOptions({ region: 'eu-west-1' }, { endpoint: 'http://localhost:8000' }).region).toBe('eu-west-1');
    // A remote endpoint gets nothing filled in: the SDK's chain decides.
    const remote = connectOptions({}, { endpoint: 'https://dynamodb.eu-west-1.amazonaws.com', region: 'eu-west-1' });
    expect(remote).toEqual({ endpoint: 'https://dynamodb.eu-west-1.amazonaws.com', region: 'eu-west-1' });
  });

  it('another endpoint drops the port and folder of a DynamoDB Local the config would start', () => {
    expect(
      connectOptions({ endpoint: 'local', port: 8001, dbPath: '.db' }, { endpoint: 'http://127.0.0.1:9000' }),
    ).toEqual(expect.not.objectContaining({ port: expect.anything(), dbPath: expect.anything() }));
    expect(connectOptions({ endpoint: 'local', port: 8001 }, { endpoint: 'local' })).toMatchObject({ port: 8001 });
  });

  it('--profile brings that profile’s credentials provider, even for an endpoint on this machine', () => {
    const options = connectOptions({}, { endpoint: 'http://127.0.0.1:8000', profile: 'staging' });
    expect(typeof options.credentials).toBe('function');
  });
});

describe('parseRate', () => {
  it('takes one number for reads and writes, or either by name', () => {
    expect(parseRate('100')).toEqual({ reads: 100, writes: 100 });
    expect(parseRate('reads=500,writes=200')).toEqual({ reads: 500, writes: 200 });
    expect(parseRate('writes=25')).toEqual({ writes: 25 });
    expect(() => parseRate('0')).toThrow('0 is not a positive number of units per second');
    expect(() => parseRate('fast')).toThrow('give a number, or reads=N,writes=N');
  });
});

describe('migration files', () => {
  it('names the next file after the highest version in the folder', () => {
    const folder = mkdtempSync(join(tmpdir(), 'dynamodel-migrations-'));
    try {
      expect(nextVersion(join(folder, 'absent'))).toBe(2);
      expect(nextVersion(folder)).toBe(2);
      writeFileSync(join(folder, '0002-a.ts'), '');
      writeFileSync(join(folder, '0010-b.ts'), '');
      writeFileSync(join(folder, 'notes.md'), '');
      expect(nextVersion(folder)).toBe(11);
      expect(migrationFileName(11, 'Split the name (again)')).toBe('0011-split-the-name-again.ts');
      expect(() => migrationFileName(3, '!!!')).toThrow('migration name "!!!" has no letters or digits');
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe('findConfigFile and logicalId', () => {
  it('finds the nearest config from a folder up', () => {
    const root = mkdtempSync(join(tmpdir(), 'dynamodel-config-'));
    try {
      mkdirSync(join(root, 'a', 'b'), { recursive: true });
      writeFileSync(join(root, 'dynamodel.config.mjs'), 'export default {}');
      expect(findConfigFile(join(root, 'a', 'b'))).toBe(join(root, 'dynamodel.config.mjs'));
      writeFileSync(join(root, 'a', 'dynamodel.config.ts'), 'export default {}');
      expect(findConfigFile(join(root, 'a', 'b'))).toBe(join(root, 'a', 'dynamodel.config.ts'));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('makes CloudFormation logical IDs of table names', () => {
    expect(logicalId('dev_tweets')).toBe('DevTweetsTable');
    expect(logicalId('2026-orders')).toBe('Table2026Orders');
  });
});
