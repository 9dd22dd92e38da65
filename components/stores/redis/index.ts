import type { StoreModule } from "../module";
import { REDIS_IMAGE, REDIS_MEMORY_MB, redisSchema, redisServerSettings, type RedisSettings } from "./schema";
import { redisSpec } from "./spec";

export { redisSpec } from "./spec";
export * from "./schema";
export * from "./settings";

const e = encodeURIComponent;

/** Redis with LRU eviction and AOF persistence (type `polystore:redis:RedisStore`). */
export const redis: StoreModule<"redis", RedisSettings> = {
  kind: "redis",
  title: "Redis",
  componentType: "polystore:redis:RedisStore",
  schema: redisSchema,
  image: REDIS_IMAGE,
  memoryMb: REDIS_MEMORY_MB,
  clientPort: 6379,
  urlVar: "REDIS_URL",
  appEnv: ({ host, port, app, tls }) => ({
    REDIS_URL: `${tls ? "rediss" : "redis"}://${e(app.user)}:${e(app.password)}@${host}:${port}/0`,
    REDIS_HOST: host,
    REDIS_PORT: String(port),
    REDIS_USERNAME: app.user,
    REDIS_PASSWORD: app.password,
    REDIS_DB: "0",
  }),
  users: (s) => ({ admin: "default", app: s.appUser, appKey: "appUser", privileged: [] }),
  database: () => "0",
  options: (s) => ({ allowAppScripts: String(s.allowAppScripts) }),
  server: (s) => ({ ...redisServerSettings(s) }),
  spec: redisSpec,
  hostPorts: (s) => ({ port: s.port }),
  init: { extensions: [".redis"], adapter: () => import("../../init/adapters/redis").then((m) => m.createRedisAdapter) },
  targets: {
    // redis:*-alpine: `addgroup -S -g 1000 redis` (uid 999); its entrypoint drops to that user.
    kubernetes: { fsGroup: 1000 },
    docker: {},
    aws: { service: "memorydb or elasticache" },
  },
};
