import { spawn, execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { findFreePort, isPortFree } from '../free-port';
import { OutputTail } from '../output-tail';
import { killOnExit, stopProcess } from '../process-lifetime';

const run = promisify(execFile);

/** A `redis-server` this process started on 127.0.0.1, for tests and development. */
export interface LocalRedis {
  readonly port: number;
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  /** Stops the server (SIGTERM, then SIGKILL) and removes its working folder. */
  stop(): Promise<void>;
}

export interface StartLocalRedisOptions {
  /** The port on 127.0.0.1; a free one when absent. */
  readonly port?: number;
  /** More `redis-server` arguments (`['--cluster-enabled', 'yes']`). */
  readonly args?: readonly string[];
  readonly startTimeoutMs?: number;
}

/** Why a local Redis could not be started. */
export class LocalRedisError extends Error {
  override readonly name = 'LocalRedisError';
}

/** In the process title of every redis-server started here. */
export const PROCESS_TAG = 'dynamodel-local-redis';

/** Printed by redis-server once it accepts connections. */
const READY_LINE = 'Ready to accept connections';

/**
 * Starts Debian's `redis-server` on 127.0.0.1 with nothing persisted, and resolves once it accepts
 * connections. The server ends with `stop()` and when this Node process exits.
 */
export async function startLocalRedis(options: StartLocalRedisOptions = {}): Promise<LocalRedis> {
  const port = options.port ?? (await findFreePort());
  if (options.port !== undefined && !(await isPortFree(options.port))) {
    throw new LocalRedisError(`Port ${options.port} on 127.0.0.1 is already in use.`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'dynamodel-redis-'));
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--protected-mode',
    'yes',
    '--save',
    '',
    '--appendonly',
    'no',
    '--dir',
    dir,
    // Named in the process list, so a server left running by a test can be found (.ci/run does).
    '--proc-title-template',
    `{title} {listen-addr} {server-mode} ${PROCESS_TAG}`,
    ...(options.args ?? []),
  ];
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const output = new OutputTail();
  const forget = killOnExit(child);
  const exit = new Promise<void>((resolve) => {
    child.once('close', () => resolve());
    child.once('error', () => resolve());
  });
  const ready = new Promise<void>((resolve, reject) => {
    output.follow(child.stdout, (line) => line.includes(READY_LINE) && resolve());
    output.follow(child.stderr);
    child.once('error', (error) =>
      reject(
        new LocalRedisError(
          (error as NodeJS.ErrnoException).code === 'ENOENT'
            ? 'redis-server is not installed (Debian: apt-get install redis-server)'
            : `redis-server did not start: ${error.message}`,
        ),
      ),
    );
    void exit.then(() => reject(new LocalRedisError(`redis-server exited while starting:\n${output.text()}`)));
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new LocalRedisError(`redis-server did not start within ${options.startTimeoutMs ?? 10_000} ms`)),
      options.startTimeoutMs ?? 10_000,
    );
  });
  const stop = async (): Promise<void> => {
    await stopProcess(child, exit);
    forget();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await Promise.race([ready, timeout]);
  } catch (error) {
    await stop();
    throw error;
  } finally {
    clearTimeout(timer);
  }
  return { port, url: `redis://127.0.0.1:${port}`, stop };
}

/** A Redis Cluster of local masters (no replicas), every node on 127.0.0.1. */
export interface LocalRedisCluster {
  readonly nodes: readonly LocalRedis[];
  /** What `new Cluster(startupNodes)` takes. */
  readonly startupNodes: readonly { readonly host: string; readonly port: number }[];
  stop(): Promise<void>;
}

/**
 * Starts `masters` cluster-enabled `redis-server`s (3 by default, the smallest cluster Redis
 * accepts), joins them with `redis-cli --cluster create`, and resolves once every node reports
 * `cluster_state:ok`.
 */
export async function startLocalRedisCluster(
  options: { readonly masters?: number; readonly args?: readonly string[] } = {},
): Promise<LocalRedisCluster> {
  const nodes: LocalRedis[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(nodes.map((node) => node.stop()));
  };
  try {
    for (let i = 0; i < (options.masters ?? 3); i++) {
      // A cluster node also listens on port + 10000 (its bus), which must be free as well.
      let port = await findFreePort();
      while (port + 10_000 > 65_535 || !(await isPortFree(port + 10_000))) port = await findFreePort();
      nodes.push(
        await startLocalRedis({
          port,
          args: [
            '--cluster-enabled',
            'yes',
            '--cluster-config-file',
            `nodes-${port}.conf`,
            '--cluster-node-timeout',
            '5000',
            ...(options.args ?? []),
          ],
        }),
      );
    }
    const addresses = nodes.map((node) => `127.0.0.1:${node.port}`);
    await run('redis-cli', ['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes']);
    const deadline = Date.now() + 20_000;
    for (const node of nodes) {
      for (;;) {
        const { stdout } = await run('redis-cli', ['-p', String(node.port), 'cluster', 'info']);
        if (stdout.includes('cluster_state:ok')) break;
        if (Date.now() > deadline) throw new LocalRedisError(`Redis Cluster did not become ready:\n${stdout}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { nodes, startupNodes: nodes.map((node) => ({ host: '127.0.0.1', port: node.port })), stop };
}
