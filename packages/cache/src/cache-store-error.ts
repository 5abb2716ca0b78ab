/** A cache store answered something it cannot have meant (a corrupted reply, a foreign key). */
export class CacheStoreError extends Error {
  override readonly name = 'CacheStoreError';
}
