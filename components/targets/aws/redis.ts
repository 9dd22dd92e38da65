import type { RedisSettings } from "../../stores";
import type { AwsRedisConfig } from "./schema";
import { appAclRules } from "../../stores/redis/settings";
import type { AwsInfra } from "./network";

/** Redis's client port on ElastiCache and MemoryDB. */
export const AWS_REDIS_PORT = 6379;

/** Access string of the administrative user: every key, channel and command. */
export const ADMIN_ACCESS_STRING = "on ~* &* +@all";

/**
 * Access string of the application user: the same key namespaces and command
 * rules the init runner gives it with ACL SETUSER on Docker/Kubernetes
 * (`appAclRules`), minus what the managed services' access-string syntax does
 * not take (`resetchannels`, the default for new users on Redis 7, and
 * `command|subcommand` rules, whose commands `-@admin`/`-@dangerous` already deny).
 */
export function appAccessString(): string {
  const rules = appAclRules().filter((r) => r !== "resetchannels" && !r.includes("|"));
  return ["on", ...rules].join(" ");
}

/** The Redis server parameters a managed service takes (CONFIG is unavailable there). */
export function redisParameters(s: RedisSettings): Array<{ name: string; value: string }> {
  return [
    { name: "maxmemory-policy", value: s.maxmemoryPolicy },
    { name: "timeout", value: String(s.timeoutSeconds) },
  ];
}

/**
 * The AWS service a Redis store becomes: MemoryDB unless set, or unless AOF is off (ElastiCache
 * has no AOF; asking for it there is a configuration error, never dropped silently).
 */
export function redisAwsService(s: Pick<RedisSettings, "appendonly">, a: { service?: AwsRedisConfig["service"] } | undefined): "memorydb" | "elasticache" {
  return a?.service ?? (s.appendonly === false ? "elasticache" : "memorydb");
}

/** Replicas of the primary: configured, else 1 in production and 0 otherwise. */
export function redisReplicas(infra: AwsInfra, a: AwsRedisConfig): number {
  return a.replicas ?? (infra.config.production ? 1 : 0);
}

/**
 * Connection options for the init runner on managed Redis: CONFIG GET is not
 * available (the parameter group holds the settings), and the users are
 * managed through the cloud API, not ACL SETUSER.
 */
export function managedRedisOptions(extra: Record<string, string> = {}): Record<string, string> {
  return { configCheck: "off", manageAppUser: "false", ...extra };
}
