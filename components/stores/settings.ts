import type {
  ClickhouseConfig,
  ElasticsearchConfig,
  MongodbConfig,
  Neo4jConfig,
  PostgresConfig,
  RedisConfig,
} from "../../stacks/config/stores";
import type { StoreKind } from "../core/types";

/** Validated settings per store kind. */
export interface StoreSettingsByKind {
  postgres: PostgresConfig;
  redis: RedisConfig;
  mongodb: MongodbConfig;
  elasticsearch: ElasticsearchConfig;
  clickhouse: ClickhouseConfig;
  neo4j: Neo4jConfig;
}
export type StoreSettings = StoreSettingsByKind[StoreKind];

/** The identity names a store's settings define: admin and application user. */
export function userNames(kind: StoreKind, s: StoreSettings): { admin: string; app: string } {
  switch (kind) {
    case "postgres": {
      const p = s as PostgresConfig;
      return { admin: p.adminUser, app: p.appRole };
    }
    case "redis":
      return { admin: "default", app: (s as RedisConfig).appUser };
    case "mongodb": {
      const m = s as MongodbConfig;
      return { admin: m.adminUser, app: m.appUser };
    }
    case "elasticsearch":
      return { admin: "elastic", app: (s as ElasticsearchConfig).appUser };
    case "clickhouse": {
      const c = s as ClickhouseConfig;
      return { admin: c.adminUser, app: c.appUser };
    }
    case "neo4j":
      return { admin: "neo4j", app: (s as Neo4jConfig).appUser };
  }
}

/** The database / namespace name of a store. */
export function databaseName(kind: StoreKind, s: StoreSettings): string {
  switch (kind) {
    case "redis":
      return "0";
    case "elasticsearch":
      return (s as ElasticsearchConfig).indexPrefix;
    default:
      return (s as PostgresConfig | MongodbConfig | ClickhouseConfig | Neo4jConfig).database;
  }
}

/**
 * The init adapter's options that come from a store's settings (what the
 * runner enforces on the application identity), for every target's connection:
 * PostgreSQL the owner role and the application role's session limits, Redis
 * whether the application may run Lua.
 */
export function identityOptions(kind: StoreKind, s: StoreSettings): Record<string, string> {
  if (kind === "postgres") {
    const p = s as PostgresConfig;
    return {
      ownerRole: p.ownerRole,
      appLockTimeoutMs: String(p.appLockTimeoutMs),
      appStatementTimeoutMs: String(p.appStatementTimeoutMs),
      appIdleInTransactionTimeoutMs: String(p.appIdleInTransactionTimeoutMs),
    };
  }
  if (kind === "redis") return { allowAppScripts: String((s as RedisConfig).allowAppScripts) };
  return {};
}
