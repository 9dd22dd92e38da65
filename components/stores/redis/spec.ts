import type { RedisConfig } from "../../../stacks/config/stores";
import { CATALOG } from "../catalog";
import type { SpecSecrets, StoreSpec } from "../../core/spec";
import { redisServerArgs, redisStartupScript, type RedisServerSettings } from "./settings";

/** The server settings of a Redis store's config. */
export function redisServerSettings(cfg: RedisConfig): RedisServerSettings {
  return {
    maxmemoryMb: cfg.maxmemoryMb,
    maxmemoryPolicy: cfg.maxmemoryPolicy,
    appendonly: cfg.appendonly,
    appendfsync: cfg.appendfsync,
    timeoutSeconds: cfg.timeoutSeconds,
  };
}

/**
 * Redis as a container. Passwords reach the container through the environment
 * and redis-server through stdin, hashed (`redisStartupScript`): never any
 * process's command line. The server arguments are `redisServerArgs`, the same
 * function the test harness starts Redis with, and the application ACL user is
 * created at startup so it survives restarts. The server starts through the
 * image's `docker-entrypoint.sh`, so it runs as the unprivileged `redis` user, not root.
 */
export function redisSpec(cfg: RedisConfig, secrets: SpecSecrets): StoreSpec {
  const server = redisServerSettings(cfg);
  return {
    kind: "redis",
    image: cfg.image ?? CATALOG.redis.image,
    command: [
      "sh",
      "-c",
      redisStartupScript(cfg.appUser, { allowScripts: cfg.allowAppScripts }),
      "redis-server",
      ...redisServerArgs(server),
      "--dir",
      "/data",
    ],
    env: {},
    secretEnv: { REDIS_PASSWORD: secrets.adminPassword, REDIS_APP_PASSWORD: secrets.appPassword },
    ports: [{ name: "client", containerPort: 6379, hostPort: cfg.port }],
    healthcheck: {
      shell: 'REDISCLI_AUTH="$REDIS_PASSWORD" redis-cli -h 127.0.0.1 ping | grep -q PONG',
      intervalSeconds: 5,
      timeoutSeconds: 3,
      retries: 20,
      startPeriodSeconds: 5,
    },
    dataPath: "/data",
    memoryMb: cfg.memoryMb ?? CATALOG.redis.memoryMb,
    settings: {
      maxmemory: `${server.maxmemoryMb}mb`,
      "maxmemory-policy": server.maxmemoryPolicy,
      appendonly: server.appendonly ? "yes" : "no",
      appendfsync: server.appendfsync,
      timeout: server.timeoutSeconds,
      appUser: cfg.appUser,
      allowAppScripts: cfg.allowAppScripts,
    },
  };
}
