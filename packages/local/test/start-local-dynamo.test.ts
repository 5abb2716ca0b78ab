import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import {
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  ListTablesCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { LocalDynamoError, findJava, startLocalDynamo, type LocalDynamo } from '../src/index';
import { isAlive, listeningAddresses, waitForExit } from './process-helpers';

const started: LocalDynamo[] = [];
const clients: DynamoDBClient[] = [];

async function start(options?: Parameters<typeof startLocalDynamo>[0]): Promise<LocalDynamo> {
  const db = await startLocalDynamo(options);
  started.push(db);
  return db;
}

function clientFor(db: LocalDynamo): DynamoDBClient {
  const client = new DynamoDBClient(db.clientConfig);
  clients.push(client);
  return client;
}

async function createNotesTable(client: DynamoDBClient, name = 'notes'): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: name,
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
}

afterAll(async () => {
  for (const client of clients) client.destroy();
  await Promise.all(started.map((db) => db.stop()));
});

describe('startLocalDynamo', () => {
  it('serves CreateTable, PutItem and GetItem through the AWS SDK', async () => {
    const db = await start();
    expect(db.endpoint).toBe(`http://127.0.0.1:${db.port}`);
    expect(db.dbPath).toBeNull();
    const client = clientFor(db);
    await createNotesTable(client);
    await client.send(new PutItemCommand({ TableName: 'notes', Item: { id: { S: 'n1' }, body: { S: 'héllo' } } }));
    const got = await client.send(new GetItemCommand({ TableName: 'notes', Key: { id: { S: 'n1' } } }));
    expect(got.Item).toEqual({ id: { S: 'n1' }, body: { S: 'héllo' } });
  });

  it('listens on 127.0.0.1 only', async () => {
    const db = await start();
    const addresses = listeningAddresses(db.port);
    expect(addresses.length).toBeGreaterThan(0);
    for (const address of addresses) expect(address).toBe('127.0.0.1');
  });

  it('runs two instances side by side, each with its own data', async () => {
    const [a, b] = await Promise.all([start(), start()]);
    expect(a.port).not.toBe(b.port);
    await createNotesTable(clientFor(a), 'only_in_a');
    const tablesInA = await clientFor(a).send(new ListTablesCommand({}));
    const tablesInB = await clientFor(b).send(new ListTablesCommand({}));
    expect(tablesInA.TableNames).toEqual(['only_in_a']);
    expect(tablesInB.TableNames).toEqual([]);
  });

  it('shares one database across access keys and regions by default (-sharedDb)', async () => {
    const db = await start();
    await createNotesTable(clientFor(db), 'shared_table');
    const other = new DynamoDBClient({
      endpoint: db.endpoint,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'someoneelse', secretAccessKey: 'x' },
    });
    clients.push(other);
    expect((await other.send(new ListTablesCommand({}))).TableNames).toEqual(['shared_table']);
  });

  it('stop() really ends the Java process, and can be called twice', async () => {
    const db = await start();
    expect(isAlive(db.pid)).toBe(true);
    await db.stop();
    expect(isAlive(db.pid)).toBe(false);
    await expect(db.stop()).resolves.toBeUndefined();
  });

  it('keeps data on disk across restarts when given a dbPath', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dynamodel-local-'));
    try {
      const first = await start({ dbPath: dir });
      expect(first.dbPath).toBe(dir);
      const client = clientFor(first);
      await createNotesTable(client, 'durable');
      await client.send(new PutItemCommand({ TableName: 'durable', Item: { id: { S: 'kept' } } }));
      await first.stop();

      const second = await start({ dbPath: dir });
      const got = await clientFor(second).send(
        new GetItemCommand({ TableName: 'durable', Key: { id: { S: 'kept' } } }),
      );
      expect(got.Item).toEqual({ id: { S: 'kept' } });
      await second.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects a dbPath that does not exist, or is a file, before starting Java', async () => {
    const missing = join(tmpdir(), `dynamodel-missing-${process.pid}`, 'nested');
    await expect(startLocalDynamo({ dbPath: missing })).rejects.toMatchObject({
      name: 'LocalDynamoError',
      code: 'BAD_DB_PATH',
      message: expect.stringContaining(`${missing} does not exist`),
    });
    const dir = mkdtempSync(join(tmpdir(), 'dynamodel-file-'));
    const file = join(dir, 'not-a-folder');
    writeFileSync(file, 'x');
    try {
      await expect(startLocalDynamo({ dbPath: file })).rejects.toMatchObject({
        code: 'BAD_DB_PATH',
        message: expect.stringContaining('is not a folder'),
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports a port that is already taken before starting Java', async () => {
    const db = await start();
    const error: unknown = await startLocalDynamo({ port: db.port }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LocalDynamoError);
    expect((error as LocalDynamoError).code).toBe('START_FAILED');
    expect((error as LocalDynamoError).message).toContain(`Port ${db.port} on 127.0.0.1 is already in use`);
  });

  it('reports a Java process that dies while starting, with what it printed', async () => {
    const error: unknown = await startLocalDynamo({ javaOptions: ['-Xmx1k'] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LocalDynamoError);
    expect((error as LocalDynamoError).code).toBe('START_FAILED');
    expect((error as LocalDynamoError).message).toMatch(/exited while starting[\s\S]*It printed:[\s\S]*heap/i);
  });

  it('ends the Java process when its Node parent is killed outright (SIGKILL)', async () => {
    const fixture = join(__dirname, 'fixtures', 'start-and-wait.ts');
    const parent = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', fixture], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const firstLine = await new Promise<string>((resolve, reject) => {
      createInterface({ input: parent.stdout }).once('line', resolve);
      parent.once('exit', () => reject(new Error('fixture exited before printing')));
    });
    const { pid } = JSON.parse(firstLine) as { pid: number };
    expect(isAlive(pid)).toBe(true);
    parent.kill('SIGKILL');
    await expect(waitForExit(pid, 15_000)).resolves.toBe(true);
  });
});

describe('findJava', () => {
  it('says how to install Java when none is found', () => {
    expect(() => findJava({ ...process.env, JAVA_HOME: '/nonexistent/jdk' })).toThrow(
      expect.objectContaining({
        code: 'JAVA_MISSING',
        message: expect.stringContaining('apt-get install -y openjdk-17-jre-headless'),
      }),
    );
  });

  it('finds the Java on this machine', () => {
    expect(findJava()).toMatch(/java$/);
  });
});

describe('launcher', () => {
  it('ships the compiled launcher next to its source', () => {
    const source = readFileSync(join(__dirname, '..', 'java', 'LoopbackDynamoDBLocal.java'), 'utf8');
    const compiled = readFileSync(join(__dirname, '..', 'java', 'LoopbackDynamoDBLocal.class'));
    expect(source).toContain('setHost');
    expect(compiled.subarray(0, 4).toString('hex')).toBe('cafebabe');
  });
});
