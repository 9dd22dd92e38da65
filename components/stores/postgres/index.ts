import type { StoreModule } from "../module";
import { POSTGRES_IMAGE, POSTGRES_MEMORY_MB, postgresSchema, type PostgresSettings } from "./schema";
import { postgresSpec } from "./spec";

export { postgresSpec } from "./spec";
export * from "./schema";

const e = encodeURIComponent;

/** PostgreSQL 16 with row-level security (type `polystore:postgres:PostgresStore`). */
export const postgres: StoreModule<"postgres", PostgresSettings> = {
  kind: "postgres",
  title: "PostgreSQL",
  componentType: "polystore:postgres:PostgresStore",
  schema: postgresSchema,
  image: POSTGRES_IMAGE,
  memoryMb: POSTGRES_MEMORY_MB,
  clientPort: 5432,
  urlVar: "DATABASE_URL",
  appEnv: ({ host, port, database: db, app, tls }) => {
    const url = `postgresql://${e(app.user)}:${e(app.password)}@${host}:${port}/${db}${tls ? "?sslmode=require" : ""}`;
    return {
      DATABASE_URL: url,
      POSTGRES_URL: url,
      POSTGRES_HOST: host,
      POSTGRES_PORT: String(port),
      POSTGRES_DB: db,
      POSTGRES_USER: app.user,
      POSTGRES_PASSWORD: app.password,
    };
  },
  users: (s) => ({
    admin: s.adminUser,
    app: s.appRole,
    appKey: "appRole",
    adminKey: "adminUser",
    privileged: [{ name: s.ownerRole, what: "the owner role (polystore:stores.postgres.ownerRole), which bypasses row-level security" }],
  }),
  database: (s) => s.database,
  options: (s) => ({
    ownerRole: s.ownerRole,
    appLockTimeoutMs: String(s.appLockTimeoutMs),
    appStatementTimeoutMs: String(s.appStatementTimeoutMs),
    appIdleInTransactionTimeoutMs: String(s.appIdleInTransactionTimeoutMs),
  }),
  spec: postgresSpec,
  hostPorts: (s) => ({ port: s.port }),
  init: { extensions: [".sql"], adapter: () => import("../../init/adapters/postgres").then((m) => m.createPostgresAdapter) },
  targets: {
    kubernetes: { fsGroup: 70 }, // postgres:*-alpine
    docker: {},
    aws: { service: "rds" },
  },
};
