import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalDynamo } from '@dynamodel/local';
import { ENDPOINT_VARIABLE, localTestConfig, uniqueTablePrefix } from '@dynamodel/local/jest';
import { DynamodelError, connect, createConnection, disconnect, dropTables, type LocalDynamoEvent } from '../src';
import { Tweet } from './support/models';
import { recordingExecutor } from './support/recording-executor';

// Issue 10 §5: what a new user meets in the first hour.

const config = localTestConfig();

describe('dropTables', () => {
  it('deletes the tables on DynamoDB Local and waits until they are gone; a later first use creates them again', async () => {
    const connection = createConnection({ ...config, prefix: uniqueTablePrefix('drop'), autoCreateTables: true });
    const table = connection.tableName(Tweet.schema());
    try {
      await Tweet.using(connection).create({ tweetId: 'd1', author: 'a', text: 'x' });
      expect(await connection.dropTables([Tweet])).toEqual({ [table]: 'deleted' });
      expect(await connection.dropTables([Tweet])).toEqual({ [table]: 'absent' });
      await Tweet.using(connection).create({ tweetId: 'd1', author: 'a', text: 'again' });
      expect((await Tweet.using(connection).getOrFail('d1')).text).toBe('again');
    } finally {
      await connection.close();
    }
  });

  it('refuses an endpoint that is not on this machine, or not known, unless forced; nothing is sent', async () => {
    const remote = createConnection({ region: 'eu-west-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
    await expect(remote.dropTables([Tweet])).rejects.toThrow(DynamodelError);
    await expect(remote.dropTables([Tweet])).rejects.toThrow(
      /not known to be DynamoDB Local.*force: true.*Nothing was deleted/,
    );
    await remote.close();

    const executor = recordingExecutor(config);
    const custom = createConnection({ executor, prefix: uniqueTablePrefix('drop_custom') });
    try {
      await custom.syncTables([Tweet]);
      await expect(custom.dropTables([Tweet])).rejects.toThrow(/force: true/);
      expect(executor.count('DeleteTable')).toBe(0);
      expect(await custom.dropTables([Tweet], { force: true })).toEqual({
        [custom.tableName(Tweet.schema())]: 'deleted',
      });
    } finally {
      executor.destroy();
    }
  });

  it('works on the default connection', async () => {
    const connection = connect({ ...config, prefix: uniqueTablePrefix('drop_default') });
    try {
      await connection.syncTables([Tweet]);
      expect(await dropTables([Tweet])).toEqual({ [connection.tableName(Tweet.schema())]: 'deleted' });
    } finally {
      await disconnect();
    }
  });
});

describe('static calls without a connection', () => {
  it('reject (never throw synchronously) with the error that says to connect', async () => {
    await disconnect();
    let get: Promise<unknown> | undefined;
    let put: Promise<unknown> | undefined;
    expect(() => {
      get = Tweet.get('x');
      put = Tweet.put({ tweetId: 'x', author: 'a', text: 't' });
    }).not.toThrow();
    await expect(get).rejects.toThrow(/no connection: call connect/);
    await expect(put).rejects.toThrow(/no connection: call connect/);
    await expect(Tweet.create({ author: 'a', text: 't' })).rejects.toThrow(/no connection: call connect/);
  });
});

describe('Model.build', () => {
  it('needs no connection, and refuses a __proto__ key of parsed input (never re-parenting the instance)', async () => {
    await disconnect();
    const tweet = Tweet.build({ author: 'a', text: 't' });
    expect(tweet).toBeInstanceOf(Tweet);
    expect(tweet.likes).toBe(0); // defaults applied
    expect(() => Tweet.build(JSON.parse('{"author":"a","text":"t","__proto__":{"polluted":true}}') as never)).toThrow(
      expect.objectContaining({ name: 'ValidationError', rule: 'unknown-property', attribute: '__proto__' }),
    );
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });
});

describe("connect({ endpoint: 'local', port, dbPath })", () => {
  const saved = process.env[ENDPOINT_VARIABLE];
  beforeAll(() => delete process.env[ENDPOINT_VARIABLE]); // as in an app: no test run's instance
  afterAll(() => {
    if (saved !== undefined) process.env[ENDPOINT_VARIABLE] = saved;
  });

  it('keeps the data in dbPath across a restart of DynamoDB Local', async () => {
    const folder = join(mkdtempSync(join(tmpdir(), 'dynamodel-db-')), 'data'); // created on first use
    try {
      const first = createConnection({ endpoint: 'local', dbPath: folder, autoCreateTables: true });
      await Tweet.using(first).create({ tweetId: 'kept', author: 'a', text: 'survives' });
      await first.close(); // stops that DynamoDB Local
      const second = createConnection({ endpoint: 'local', dbPath: folder });
      try {
        expect((await Tweet.using(second).getOrFail('kept')).text).toBe('survives');
      } finally {
        await second.close();
      }
    } finally {
      rmSync(join(folder, '..'), { recursive: true, force: true });
    }
  }, 120_000);

  it('uses a DynamoDB Local already answering on the port, and leaves it running', async () => {
    const running = await startLocalDynamo();
    try {
      const connection = createConnection({
        endpoint: 'local',
        port: running.port,
        prefix: 'reuse_',
        autoCreateTables: true,
      });
      expect(await connection.endpoint()).toBe(`http://127.0.0.1:${running.port}`);
      await Tweet.using(connection).create({ tweetId: 'r1', author: 'a', text: 'x' });
      await connection.close();
      const again = createConnection({ ...running.clientConfig, prefix: 'reuse_' });
      expect((await Tweet.using(again).getOrFail('r1')).text).toBe('x'); // still running, data there
      await again.close();
    } finally {
      await running.stop();
    }
  }, 120_000);

  it('says when it starts an in-memory DynamoDB Local: an event and a log line (issue 25 §5)', async () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const connection = createConnection({ endpoint: 'local', autoCreateTables: true });
    const started: LocalDynamoEvent[] = [];
    connection.events.on('local-dynamo', (event) => started.push(event));
    try {
      await connection.executor();
      expect(started).toEqual([
        { type: 'local-dynamo', endpoint: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/), dbPath: undefined },
      ]);
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(/in memory: its tables and data are gone .* dbPath/));
    } finally {
      await connection.close();
      warn.mockRestore();
    }
    // With dbPath: the event names the folder, and no warning.
    const folder = join(mkdtempSync(join(tmpdir(), 'dynamodel-db-')), 'data');
    const quiet = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const kept = createConnection({ endpoint: 'local', dbPath: folder });
    const seen: LocalDynamoEvent[] = [];
    kept.events.on('local-dynamo', (event) => seen.push(event));
    try {
      await kept.executor();
      expect(seen.map((event) => event.dbPath)).toEqual([folder]);
      expect(quiet).not.toHaveBeenCalled();
    } finally {
      await kept.close();
      quiet.mockRestore();
      rmSync(join(folder, '..'), { recursive: true, force: true });
    }
  }, 120_000);

  it('refuses port and dbPath without endpoint: local', async () => {
    const connection = createConnection({ ...config, port: 8000 });
    await expect(connection.executor()).rejects.toThrow("port and dbPath apply only with endpoint: 'local'");
  });
});
