import { z } from "zod";
import { commonStoreKeys, identifier, port } from "../schema";
import { REDIS_APPENDFSYNC, REDIS_EVICTION_POLICIES, type RedisServerSettings } from "./settings";

/** Redis's pinned image (the latest 7.4.x patch). */
export const REDIS_IMAGE = "redis:7.4.11-alpine";
/** Default container memory limit in MB: maxmemory 512 is 53% of it (the fork of an AOF rewrite needs room; the rule is at most 75%). */
export const REDIS_MEMORY_MB = 960;

/** `polystore:stores.redis`. */
export const redisSchema = z.strictObject({
  ...commonStoreKeys(REDIS_IMAGE),
  /** `maxmemory` in MB. Default 512. */
  maxmemoryMb: z.number().int().min(1).default(512),
  /** `maxmemory-policy`. Default `allkeys-lru`. */
  maxmemoryPolicy: z.enum(REDIS_EVICTION_POLICIES).default("allkeys-lru"),
  /** AOF persistence. Default true. */
  appendonly: z.boolean().default(true),
  /** AOF fsync policy. Default `everysec`. */
  appendfsync: z.enum(REDIS_APPENDFSYNC).default("everysec"),
  /** Idle client timeout in seconds. Default 300. */
  timeoutSeconds: z.number().int().min(0).default(300),
  /** ACL user applications log in as (no FLUSHALL/FLUSHDB/CONFIG/DEBUG/KEYS, seed key namespaces only). Default `app`. */
  appUser: identifier.default("app"),
  /**
   * Let the application user run Lua with EVAL/EVALSHA (keys still checked against its ACL;
   * FUNCTION, SCRIPT FLUSH/KILL and every other server-side code path stay denied). Default false.
   */
  allowAppScripts: z.boolean().default(false),
  /** Host port on Docker. Default 6379. */
  port: port.default(6379),
});

export type RedisSettings = z.output<typeof redisSchema>;

/** The server settings of a Redis store's config: the one typed form every target and the runner's check use. */
export function redisServerSettings(s: RedisSettings): RedisServerSettings {
  return {
    maxmemoryMb: s.maxmemoryMb,
    maxmemoryPolicy: s.maxmemoryPolicy,
    appendonly: s.appendonly,
    appendfsync: s.appendfsync,
    timeoutSeconds: s.timeoutSeconds,
  };
}

/** The server settings of a store configured with every default (seed 004: 512 MB, allkeys-lru, AOF everysec). */
export const DEFAULT_REDIS_SERVER_SETTINGS: RedisServerSettings = redisServerSettings(redisSchema.parse({}));
