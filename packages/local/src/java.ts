import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { LocalDynamoError } from './errors';

const INSTALL_HINT =
  'DynamoDB Local needs Java 17 or newer. On Debian or Ubuntu: apt-get install -y openjdk-17-jre-headless ' +
  '(or set JAVA_HOME to an installed JDK/JRE).';

/**
 * Finds a working `java` command: `$JAVA_HOME/bin/java` when JAVA_HOME is set, else `java` on the PATH.
 * Throws a {@link LocalDynamoError} that says how to install Java when none runs.
 */
export function findJava(env: NodeJS.ProcessEnv = process.env): string {
  const command = env.JAVA_HOME ? join(env.JAVA_HOME, 'bin', 'java') : 'java';
  const probe = spawnSync(command, ['-version'], { encoding: 'utf8', env });
  if (probe.error || probe.status !== 0) {
    const reason = probe.error ? probe.error.message : `exit code ${String(probe.status)}`;
    throw new LocalDynamoError('JAVA_MISSING', `Java was not found (${command}: ${reason}). ${INSTALL_HINT}`, {
      cause: probe.error,
    });
  }
  return command;
}
