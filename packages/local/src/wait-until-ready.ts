import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import type { LocalClientConfig } from './local-dynamo';

export interface StartProgress {
  /** True once the process says its server has started. */
  launched(): boolean;
  /** False once the process has exited. */
  stillRunning(): boolean;
}

/**
 * Resolves once the process has launched and DynamoDB Local answers a real ListTables call; rejects
 * with the last error when `deadline` passes or the process dies while starting.
 */
export async function waitUntilReady(
  config: LocalClientConfig,
  deadline: number,
  progress: StartProgress,
): Promise<void> {
  const client = new DynamoDBClient({ ...config, maxAttempts: 1 });
  try {
    let lastError: unknown;
    while (Date.now() < deadline && progress.stillRunning()) {
      if (!progress.launched()) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        continue;
      }
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }), { abortSignal: AbortSignal.timeout(2_000) });
        return;
      } catch (error) {
        if (!isNotListeningYet(error)) throw error;
        lastError = error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    if (lastError instanceof Error) throw lastError;
    throw new Error('DynamoDB Local never answered');
  } finally {
    client.destroy();
  }
}

/** Errors that mean "the port does not answer yet", as opposed to a real failure worth reporting now. */
function isNotListeningYet(error: unknown): boolean {
  const { code, name } = error as { code?: unknown; name?: unknown };
  return (
    code === 'ECONNREFUSED' ||
    code === 'ECONNRESET' ||
    name === 'TimeoutError' ||
    name === 'AbortError' ||
    (error instanceof Error && /socket hang up|ECONNREFUSED|ECONNRESET/.test(error.message))
  );
}
