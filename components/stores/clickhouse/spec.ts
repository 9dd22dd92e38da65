import { CLICKHOUSE_IMAGE, CLICKHOUSE_MEMORY_MB, type ClickhouseSettings } from "./schema";
import type { SpecSecrets, StoreSpec } from "../../core/spec";

/** ClickHouse with a non-default admin user that may manage users (for the application user). */
export function clickhouseSpec(cfg: ClickhouseSettings, secrets: SpecSecrets): StoreSpec {
  return {
    kind: "clickhouse",
    image: cfg.image ?? CLICKHOUSE_IMAGE,
    env: {
      CLICKHOUSE_USER: cfg.adminUser,
      CLICKHOUSE_DB: cfg.database,
      CLICKHOUSE_DEFAULT_ACCESS_MANAGEMENT: "1",
    },
    secretEnv: { CLICKHOUSE_PASSWORD: secrets.adminPassword },
    ports: [
      { name: "client", containerPort: 8123, hostPort: cfg.port },
      { name: "native", containerPort: 9000, hostPort: cfg.nativePort },
    ],
    healthcheck: {
      // clickhouse-client (since 22.3) reads CLICKHOUSE_USER / CLICKHOUSE_PASSWORD from the
      // container's environment: the password never lands on a command line.
      shell: 'clickhouse-client --query "SELECT 1"',
      intervalSeconds: 5,
      timeoutSeconds: 5,
      retries: 20,
      startPeriodSeconds: 10,
    },
    dataPath: "/var/lib/clickhouse",
    memoryMb: cfg.memoryMb ?? CLICKHOUSE_MEMORY_MB,
    settings: { database: cfg.database, adminUser: cfg.adminUser, appUser: cfg.appUser },
  };
}
