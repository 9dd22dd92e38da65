/**
 * Redis server settings shared by every target that runs redis-server itself
 * (Docker, Kubernetes and the test harness), so that all of them start Redis
 * with exactly the same arguments.
 */

/** The eviction policies Redis accepts for `maxmemory-policy`. */
export const REDIS_EVICTION_POLICIES = [
  "allkeys-lru",
  "volatile-lru",
  "allkeys-lfu",
  "volatile-lfu",
  "allkeys-random",
  "volatile-random",
  "volatile-ttl",
  "noeviction",
] as const;
export type RedisEvictionPolicy = (typeof REDIS_EVICTION_POLICIES)[number];

/** `appendfsync` values. */
export const REDIS_APPENDFSYNC = ["always", "everysec", "no"] as const;
export type RedisAppendFsync = (typeof REDIS_APPENDFSYNC)[number];

/** The server-side settings polystore renders for redis-server. */
export interface RedisServerSettings {
  /** `maxmemory`, in megabytes. Default 512 (seed 004). */
  maxmemoryMb: number;
  /** `maxmemory-policy`. Default `allkeys-lru`. */
  maxmemoryPolicy: RedisEvictionPolicy;
  /** `appendonly`. Default true. */
  appendonly: boolean;
  /** `appendfsync`. Default `everysec`. */
  appendfsync: RedisAppendFsync;
  /** `timeout` for idle client connections, in seconds. Default 300. */
  timeoutSeconds: number;
}

export const DEFAULT_REDIS_SERVER_SETTINGS: RedisServerSettings = {
  maxmemoryMb: 512,
  maxmemoryPolicy: "allkeys-lru",
  appendonly: true,
  appendfsync: "everysec",
  timeoutSeconds: 300,
};

/**
 * The redis-server arguments for the given settings, without the password
 * (which every target passes out of band: an environment variable in
 * containers, `--requirepass` on the test harness's command line).
 */
export function redisServerArgs(s: RedisServerSettings): string[] {
  return [
    "--maxmemory", `${s.maxmemoryMb}mb`,
    "--maxmemory-policy", s.maxmemoryPolicy,
    "--appendonly", s.appendonly ? "yes" : "no",
    "--appendfsync", s.appendfsync,
    "--timeout", String(s.timeoutSeconds),
    "--protected-mode", "yes",
  ];
}

/** Key namespaces the application user may touch (seed 004). */
export const APP_KEY_PATTERNS = ["session:*", "user:*", "cache:*", "lock:*"];

/** ACL rules for the application user, after `reset on >password`. */
export function appAclRules(patterns: readonly string[] = APP_KEY_PATTERNS): string[] {
  return [
    ...patterns.map((p) => `~${p}`),
    "resetchannels",
    "+@all",
    "-@admin",
    "-@dangerous",
    // Read-only; client libraries call it for their ready check (ioredis does by default).
    "+info",
    // Named explicitly as well, so the intent survives category changes between Redis versions.
    "-flushall", "-flushdb", "-config", "-debug", "-keys", "-shutdown", "-monitor", "-acl", "-script|flush", "-script|kill",
  ];
}

/**
 * redis-server arguments that create the application ACL user at startup
 * (`--user <name> reset on <rules>`); the password rule (`>password`) must
 * follow them, out of band like the admin password. The init runner applies
 * the same rules with ACL SETUSER on every run.
 */
export function redisAppUserArgs(appUser: string): string[] {
  return ["--user", appUser, "reset", "on", ...appAclRules()];
}
