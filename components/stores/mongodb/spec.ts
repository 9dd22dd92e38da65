import { MONGODB_IMAGE, MONGODB_MEMORY_MB, type MongodbSettings } from "./schema";
import type { SpecSecrets, StoreSpec } from "../../core/spec";

/** MongoDB 7 with authentication on; the root user is the init runner's. */
export function mongodbSpec(cfg: MongodbSettings, secrets: SpecSecrets): StoreSpec {
  return {
    kind: "mongodb",
    image: cfg.image ?? MONGODB_IMAGE,
    command: ["mongod", "--auth", "--bind_ip_all", "--wiredTigerCacheSizeGB", String(cfg.wiredTigerCacheGb)],
    env: { MONGO_INITDB_ROOT_USERNAME: cfg.adminUser, MONGO_INITDB_DATABASE: cfg.database },
    secretEnv: { MONGO_INITDB_ROOT_PASSWORD: secrets.adminPassword },
    ports: [{ name: "client", containerPort: 27017, hostPort: cfg.port }],
    healthcheck: {
      shell: `mongosh --quiet --norc --eval "db.adminCommand('ping').ok" | grep -q 1`,
      intervalSeconds: 5,
      timeoutSeconds: 5,
      retries: 20,
      startPeriodSeconds: 10,
    },
    dataPath: "/data/db",
    memoryMb: cfg.memoryMb ?? MONGODB_MEMORY_MB,
    settings: { database: cfg.database, appUser: cfg.appUser, auth: true, wiredTigerCacheSizeGB: cfg.wiredTigerCacheGb },
  };
}
