export {
  startLocalRedis,
  startLocalRedisCluster,
  LocalRedisError,
  type LocalRedis,
  type LocalRedisCluster,
  type StartLocalRedisOptions,
} from './start-local-redis';
