import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { connect as connectSocket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { CreateTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';

// `dynamodel local` as a user runs it: a process in the foreground, started through the bin
// (src/bin.ts under tsx), read from its output, stopped with Ctrl-C (SIGINT).

const bin = join(__dirname, '..', 'src', 'bin.ts');

interface Started {
  readonly child: ChildProcess;
  readonly lines: string[];
  readonly endpoint: string;
  readonly redisUrl: string | undefined;
  readonly exited: Promise<{ code: number | null; stderr: string }>;
}

/** Every command started, so that a failed test still stops them (gracefully: Redis goes with them). */
const running = new Set<{ child: ChildProcess; exited: Started['exited'] }>();
afterEach(async () => {
  for (const started of running) if (started.child.exitCode === null) started.child.kill('SIGINT');
  await Promise.all([...running].map((started) => started.exited));
  running.clear();
});

function dynamodel(args: readonly string[]): { child: ChildProcess; lines: string[]; exited: Started['exited'] } {
  const child = spawn(process.execPath, ['--import', 'tsx', bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => lines.push(line));
  const exited = new Promise<{ code: number | null; stderr: string }>((resolve) =>
    child.on('exit', (code) => resolve({ code, stderr })),
  );
  running.add({ child, exited });
  return { child, lines, exited };
}

async function start(args: readonly string[]): Promise<Started> {
  const { child, lines, exited } = dynamodel(['local', '--port', '0', ...args]);
  const deadline = Date.now() + 90_000;
  while (!lines.includes('Ctrl-C stops them.')) {
    if (child.exitCode !== null) throw new Error(`dynamodel local exited: ${(await exited).stderr}`);
    if (Date.now() > deadline) throw new Error(`dynamodel local did not start: ${lines.join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const value = (name: string) => lines.find((line) => line.includes(`export ${name}=`))?.split('=')[1];
  return { child, lines, exited, endpoint: value('DYNAMODEL_LOCAL_ENDPOINT') as string, redisUrl: value('REDIS_URL') };
}

const client = (endpoint: string) =>
  new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });

/** Whether something accepts connections at `url`'s host and port. */
function answers(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connectSocket({ host: hostname, port: Number(port) });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function redisPing(url: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connectSocket({ host: hostname, port: Number(port) }, () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().trim());
    });
    socket.once('error', reject);
  });
}

describe('dynamodel local', () => {
  test('keeps its tables in the folder across restarts, starts Redis beside it, and Ctrl-C stops both', async () => {
    const dbPath = join(mkdtempSync(join(tmpdir(), 'dynamodel-cli-')), '.dynamodb');
    const first = await start(['--db-path', dbPath, '--redis']);
    expect(first.lines[0]).toBe(`DynamoDB Local on ${first.endpoint}, data kept in ${dbPath}`);
    expect(first.redisUrl).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
    expect(await redisPing(first.redisUrl as string)).toBe('+PONG');
    const dynamo = client(first.endpoint);
    await dynamo.send(
      new CreateTableCommand({
        TableName: 'kept',
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      }),
    );
    dynamo.destroy();
    first.child.kill('SIGINT');
    expect((await first.exited).code).toBe(0);
    expect(await answers(first.endpoint)).toBe(false);
    expect(await answers(first.redisUrl as string)).toBe(false);

    const second = await start(['--db-path', dbPath]);
    const again = client(second.endpoint);
    expect((await again.send(new ListTablesCommand({}))).TableNames).toEqual(['kept']);
    again.destroy();
    expect(second.redisUrl).toBeUndefined();
    // Without Redis beside it, nothing but the command keeps the process alive (regression: it exited at once).
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(second.child.exitCode).toBeNull();
    expect(await answers(second.endpoint)).toBe(true);
    second.child.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);
  }, 180_000);

  test('--in-memory keeps nothing and writes no folder', async () => {
    const dbPath = join(mkdtempSync(join(tmpdir(), 'dynamodel-cli-')), '.dynamodb');
    const started = await start(['--db-path', dbPath, '--in-memory']);
    expect(started.lines[0]).toBe(
      `DynamoDB Local on ${started.endpoint}, in memory: its tables are gone when it stops`,
    );
    expect(existsSync(dbPath)).toBe(false);
    started.child.kill('SIGINT');
    expect((await started.exited).code).toBe(0);
  }, 120_000);

  test('a bad option or a port in use is one clear line and exit code 1', async () => {
    const badPort = dynamodel(['local', '--port', '70000']);
    const bad = await badPort.exited;
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim()).toBe(
      "error: option '--port <port>' argument '70000' is invalid. a port is a whole number from 0 to 65535",
    );

    const holder = await start(['--in-memory']);
    const { port } = new URL(holder.endpoint);
    const taken = await dynamodel(['local', '--in-memory', '--port', port]).exited;
    expect(taken.code).toBe(1);
    expect(taken.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^dynamodel: .*\b(port|Port)\b.*in use/)]);
    holder.child.kill('SIGINT');
    expect((await holder.exited).code).toBe(0);
  }, 180_000);
});
