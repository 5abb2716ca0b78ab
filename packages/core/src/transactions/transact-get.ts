import { checkTransaction, prepareTables, requestBytes } from './check-transaction';
import type { TransactionGet } from './transaction-actions';

/** The instances (or `undefined`s) a tuple of reads resolves to, position by position. */
export type TransactGetResult<A extends readonly TransactionGet<unknown>[]> = {
  -readonly [K in keyof A]: A[K] extends TransactionGet<infer R> ? R | undefined : never;
};

/**
 * Reads up to 100 items across models and tables as one serializable snapshot
 * (`TransactGetItems`): `[tweet, user] = await transactGet([Tweet.getOp(id), User.getOp(name)])`,
 * each typed by its model, `undefined` where no item is stored.
 */
export async function transactGet<const A extends readonly TransactionGet<unknown>[]>(
  actions: A,
  options: { readonly signal?: AbortSignal } = {},
): Promise<TransactGetResult<A>> {
  const connection = checkTransaction('transactGet', actions, (index) => requestBytes([actions[index]?.key]));
  const executor = await prepareTables(connection, actions);
  const output = await executor.send(
    'TransactGetItems',
    { TransactItems: actions.map((action) => action.request) },
    { signal: options.signal, idempotent: true },
  );
  return actions.map((action, index) => {
    const item = output.Responses?.[index]?.Item;
    return item ? action.decode(item) : undefined;
  }) as TransactGetResult<A>;
}
