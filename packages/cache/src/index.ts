export type { Cache, CacheHit, CacheInvalidation, CacheLookup, CacheRef, CacheTier, FillOptions } from './cache';
export { CacheStoreError } from './cache-store-error';
export { MemoryCache, type MemoryCacheOptions } from './memory-cache';
export type { NearCacheOptions } from './near/near-tier';
export { FEED_CONNECTION_NAME } from './near/invalidation-feed';
export { RedisCache, type NearCacheStatus, type RedisCacheOptions } from './redis-cache';
