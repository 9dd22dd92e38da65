import type { SpecSecrets, StoreSpec } from "../../core/spec";
import { REDIS_IMAGE, REDIS_MEMORY_MB, redisServerSettings, type RedisSettings } from "./schema";
import { redisServerArgs, redisStartupScript } from "./settings";

/**
 * Redis as a container. Passwords reach the container through the environment
 * and redis-server through stdin, hashed (`redisStartupScript`): never any
 * process's command line. The server arguments are `redisServerArgs`, the same
 * function the test harness starts Redis with, and the application ACL user is
 * created at startup so it survives restarts. The server starts through the
 * image's `docker-entrypoint.sh`, so it runs as the unprivileged `redis` user, not root.
 */
export function redisSpec(cfg: RedisSettings, secrets: SpecSecrets): StoreSpec {
  const server = redisServerSettings(cfg);
  return {
    kind: "redis",
    image: cfg.image ?? REDIS_IMAGE,
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
    memoryMb: cfg.memoryMb ?? REDIS_MEMORY_MB,
    // The one typed form of the server settings (labels, the policy pack and tests read it).
    settings: { ...server, appUser: cfg.appUser, allowAppScripts: cfg.allowAppScripts },
  };
}
