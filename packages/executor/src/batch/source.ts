/** Pulls from an array, iterable or async iterable one element at a time, so a caller sets the pace. */
export function pullFrom<T>(source: Iterable<T> | AsyncIterable<T>): () => Promise<IteratorResult<T>> {
  if (Symbol.asyncIterator in source) {
    const iterator = source[Symbol.asyncIterator]();
    return () => iterator.next();
  }
  const iterator = source[Symbol.iterator]();
  return () => Promise.resolve(iterator.next());
}
