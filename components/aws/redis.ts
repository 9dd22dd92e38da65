import { awsStoreSchemas, type AwsRedisConfig } from "../../stacks/config/aws";
import type { RedisConfig } from "../../stacks/config/stores";
import { appAclRules } from "../redis/settings";
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
export function redisParameters(s: RedisConfig): Array<{ name: string; value: string }> {
  return [
    { name: "maxmemory-policy", value: s.maxmemoryPolicy },
    { name: "timeout", value: String(s.timeoutSeconds) },
  ];
}

/** A Redis store's AWS settings with defaults applied. */
export function redisAws(s: RedisConfig): AwsRedisConfig {
  return s.aws ?? awsStoreSchemas.redis.parse({});
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
