import type { StoreModule } from "../module";
import { CLICKHOUSE_IMAGE, CLICKHOUSE_MEMORY_MB, clickhouseSchema, type ClickhouseSettings } from "./schema";
import { clickhouseSpec } from "./spec";

export { clickhouseSpec } from "./spec";
export * from "./schema";

/** ClickHouse with a non-default admin user (type `polystore:clickhouse:ClickhouseStore`). */
export const clickhouse: StoreModule<"clickhouse", ClickhouseSettings> = {
  kind: "clickhouse",
  title: "ClickHouse",
  componentType: "polystore:clickhouse:ClickhouseStore",
  schema: clickhouseSchema,
  image: CLICKHOUSE_IMAGE,
  memoryMb: CLICKHOUSE_MEMORY_MB,
  clientPort: 8123,
  urlVar: "CLICKHOUSE_URL",
  appEnv: ({ host, port, database: db, app, tls }) => ({
    CLICKHOUSE_URL: `${tls ? "https" : "http"}://${host}:${port}`,
    CLICKHOUSE_HOST: host,
    CLICKHOUSE_PORT: String(port),
    CLICKHOUSE_DB: db,
    CLICKHOUSE_DATABASE: db,
    CLICKHOUSE_USER: app.user,
    CLICKHOUSE_USERNAME: app.user,
    CLICKHOUSE_PASSWORD: app.password,
  }),
  users: (s) => ({ admin: s.adminUser, app: s.appUser, appKey: "appUser", adminKey: "adminUser", privileged: [{ name: "default", what: "ClickHouse's built-in `default` user" }] }),
  database: (s) => s.database,
  options: () => ({}),
  spec: clickhouseSpec,
  hostPorts: (s) => ({ port: s.port, nativePort: s.nativePort }),
  init: { extensions: [".sql"], adapter: () => import("../../init/adapters/clickhouse").then((m) => m.createClickHouseAdapter) },
  targets: {
    kubernetes: { fsGroup: 101 },
    docker: { nofile: 262144 },
    aws: { none: "AWS has no managed ClickHouse: use target kubernetes, or external (e.g. ClickHouse Cloud)" },
  },
};
