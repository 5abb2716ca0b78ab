import { ResourceInUseError, createDynamoExecutor, wrapExecutor, type Executor } from '@dynamodel/executor';

/**
 * An executor on DynamoDB Local that refuses the first index creation as DynamoDB refuses a change
 * to a busy table (`ResourceInUseException`), without sending it. `refused` counts the refusals.
 */
export function busyOnceExecutor(config: Parameters<typeof createDynamoExecutor>[0]): {
  executor: Executor;
  refused: () => number;
  destroy: () => void;
} {
  const base = createDynamoExecutor(config);
  let refused = 0;
  const executor = wrapExecutor(base, async (operation, input, options, next) => {
    const updates = (input as { GlobalSecondaryIndexUpdates?: { Create?: unknown }[] }).GlobalSecondaryIndexUpdates;
    if (operation === 'UpdateTable' && updates?.some((update) => update.Create) && refused === 0) {
      refused++;
      throw new ResourceInUseError('Attempt to change a resource which is still in use: Table is being updated', {
        code: 'ResourceInUseException',
        operation,
      });
    }
    return next(operation, input, options);
  });
  return { executor, refused: () => refused, destroy: () => base.destroy() };
}
