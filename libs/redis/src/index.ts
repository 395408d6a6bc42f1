export { RedisModule } from './redis.module';
export { RedisConnection } from './redis-connection';
export type { RedisConnectionOptions, RedisStatus } from './redis-connection';
export { RedisHotData } from './redis-hot-data';
export { RedisRateLimiter } from './redis-rate-limiter';
export { RedisCacheFactory, RedisTtlCache } from './redis-cache';
export { RedisSignalBus } from './redis-signal-bus';
