import { DynamoExecutor, type Executor, type OperationName } from '@dynamodel/executor';
import type { LocalClientConfig } from '@dynamodel/local';

/** A real executor that records every operation it is asked to send. */
export interface RecordingExecutor extends Executor {
  readonly calls: { operation: OperationName; table: string | undefined }[];
  count(operation?: OperationName): number;
  destroy(): void;
}

export function recordingExecutor(config: LocalClientConfig): RecordingExecutor {
  const inner = new DynamoExecutor(config);
  const calls: RecordingExecutor['calls'] = [];
  return {
    calls,
    events: inner.events,
    send(operation, input, options) {
      calls.push({ operation, table: (input as { TableName?: string }).TableName });
      return inner.send(operation, input, options);
    },
    count: (operation) => calls.filter((call) => !operation || call.operation === operation).length,
    destroy: () => inner.destroy(),
  };
}
