export type { Cache, CacheInvalidation, CacheLookup, CacheRef, FillOptions } from './cache';
export { CacheStoreError } from './cache-store-error';
export { MemoryCache, type MemoryCacheOptions } from './memory-cache';
export { RedisCache, type RedisCacheOptions } from './redis-cache';
