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

/** The server-side settings polystore renders for redis-server (defaults: `redisSchema`, schema.ts). */
export interface RedisServerSettings {
  /** `maxmemory`, in megabytes. */
  maxmemoryMb: number;
  /** `maxmemory-policy`. */
  maxmemoryPolicy: RedisEvictionPolicy;
  /** `appendonly`. */
  appendonly: boolean;
  /** `appendfsync`. */
  appendfsync: RedisAppendFsync;
  /** `timeout` for idle client connections, in seconds. */
  timeoutSeconds: number;
}

/** Reads server settings back from their JSON form (a connection's `server`); undefined when it is not one. */
export function parseRedisServerSettings(v: unknown): RedisServerSettings | undefined {
  if (typeof v !== "object" || v === null) return undefined;
  const o = v as Record<string, unknown>;
  const ok =
    typeof o.maxmemoryMb === "number" &&
    (REDIS_EVICTION_POLICIES as readonly unknown[]).includes(o.maxmemoryPolicy) &&
    typeof o.appendonly === "boolean" &&
    (REDIS_APPENDFSYNC as readonly unknown[]).includes(o.appendfsync) &&
    typeof o.timeoutSeconds === "number";
  return ok ? (o as unknown as RedisServerSettings) : undefined;
}

/** The CONFIG GET values a server started with these settings reports (maxmemory in bytes). */
export function redisConfigValues(s: RedisServerSettings): Record<string, string> {
  return {
    maxmemory: String(s.maxmemoryMb * 1024 * 1024),
    "maxmemory-policy": s.maxmemoryPolicy,
    appendonly: s.appendonly ? "yes" : "no",
    appendfsync: s.appendfsync,
  };
}

/**
 * The redis-server arguments for the given settings, without the password
 * (which every target passes out of band: stdin in containers, see
 * {@link redisStartupScript}; `--requirepass` on the test harness's command line).
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

/** Key namespaces the application user may touch (seed 004); its Pub/Sub channels use the same prefixes. */
export const APP_KEY_PATTERNS = ["session:*", "user:*", "cache:*", "lock:*"];

/** Options of {@link appAclRules}. */
export interface AppAclOptions {
  /** Key (and channel) patterns. Default {@link APP_KEY_PATTERNS}. */
  patterns?: readonly string[];
  /** The logical database the application uses (`REDIS_DB`); SELECT of any other is refused. Default 0. */
  database?: number;
  /** Allow EVAL/EVALSHA (Lua on the app's own keys, checked against its ACL). Default false (`polystore:stores.redis.allowAppScripts`). */
  allowScripts?: boolean;
}

/**
 * Commands the application identity never gets, beyond `-@admin -@dangerous`:
 * - server-side code (`-@scripting`: FUNCTION LOAD/DELETE/FLUSH/LIST, FCALL, EVAL, SCRIPT …);
 *   a library the app could `FUNCTION LOAD REPLACE` would run with the admin's rights at its next FCALL;
 * - key-space listing: SCAN and RANDOMKEY ignore key patterns, KEYS is already dangerous;
 * - other logical databases: SELECT only of the app's own (first-argument rule), MOVE/COPY … DB n;
 * - CLIENT TRACKING (BCAST pushes the names of keys others write) and PUBSUB's listing/counting
 *   subcommands, which ignore channel patterns.
 */
export const APP_DENIED_RULES = [
  "-@scripting",
  "-scan", "-randomkey", "-move", "-copy",
  "-select",
  "-client|tracking", "-client|caching",
  "-pubsub|channels", "-pubsub|numsub", "-pubsub|numpat", "-pubsub|shardchannels", "-pubsub|shardnumsub",
];

/** What {@link APP_DENIED_RULES} gives back when `allowScripts` is on: Lua on the app's own keys only. */
export const APP_SCRIPT_RULES = ["+eval", "+evalsha", "+eval_ro", "+evalsha_ro", "+script|load", "+script|exists"];

/** ACL rules for the application user, after `reset on >password`. */
export function appAclRules(opts: AppAclOptions = {}): string[] {
  const patterns = opts.patterns ?? APP_KEY_PATTERNS;
  const database = opts.database ?? 0;
  return [
    ...patterns.map((p) => `~${p}`),
    "resetchannels",
    ...patterns.map((p) => `&${p}`),
    "+@all",
    "-@admin",
    "-@dangerous",
    // Read-only; client libraries call it for their ready check (ioredis does by default).
    "+info",
    // Named explicitly as well, so the intent survives category changes between Redis versions.
    "-flushall", "-flushdb", "-config", "-debug", "-keys", "-shutdown", "-monitor", "-acl", "-script|flush", "-script|kill",
    ...APP_DENIED_RULES,
    // First-argument rule (Redis 7.0+): the only database the app may select is its own.
    `+select|${database}`,
    ...(opts.allowScripts ? APP_SCRIPT_RULES : []),
  ];
}

/**
 * The redis-server configuration polystore feeds on **stdin** (`redis-server … -`):
 * the admin (`default`) user and the application ACL user, both with their
 * passwords as SHA-256 hashes (`#<hex>`). It is a shell here-document: the
 * container's `sh -c` expands `$REDIS_PASSWORD`/`$REDIS_APP_PASSWORD` inside it and
 * hashes them with `sha256sum` reading stdin, so no password ever reaches any
 * process's argv (`/proc/<pid>/cmdline`), not even for the first milliseconds.
 * The init runner applies the same rules with ACL SETUSER on every run.
 */
/**
 * How the container starts redis-server: through the official image's `docker-entrypoint.sh`, which
 * drops root for the `redis` user when its first argument is `redis-server` and passes stdin on (it
 * `exec`s `setpriv`/`su-exec`/`gosu` and adds no argument, so `-` stays last).
 */
export const REDIS_CONTAINER_LAUNCHER = "docker-entrypoint.sh redis-server";

export function redisStartupScript(appUser: string, acl: AppAclOptions = {}, launcher: string = REDIS_CONTAINER_LAUNCHER): string {
  const hash = (v: string) => `#$(printf %s "$${v}" | sha256sum | cut -d' ' -f1)`;
  return [
    // `-` must be the last argument: redis-server then reads more configuration from stdin.
    `exec ${launcher} "$@" - <<POLYSTORE_REDIS_CONF`,
    `user default reset on ${hash("REDIS_PASSWORD")} ~* &* +@all`,
    `user ${appUser} reset on ${hash("REDIS_APP_PASSWORD")} ${appAclRules(acl).join(" ")}`,
    "POLYSTORE_REDIS_CONF",
  ].join("\n");
}
