/**
 * `work` over `items`, at most `size` at a time, results in input order. After a failure no further
 * item is started, and the first failure is thrown only once every item already started has
 * settled: nothing the pool started is still writing when its caller hears of the failure (a
 * migration page or a key move can then be rerun, or the process end, without a write racing it).
 */
export async function inSettledPool<T, R>(
  items: readonly T[],
  size: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(size, items.length)) }, async () => {
      while (next < items.length && !failure) {
        const index = next++;
        try {
          results[index] = await work(items[index] as T);
        } catch (error) {
          failure ??= { error };
        }
      }
    }),
  );
  if (failure) throw failure.error;
  return results;
}
