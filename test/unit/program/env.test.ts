import { describe, expect, it } from "vitest";
import { appEnv, appEnvNames } from "../../../components/stores";
import type { StoreConnection } from "../../../components/core/types";

const base = { host: "db.internal", port: 27017, tls: true, database: "app", admin: { user: "root", password: "ROOT" }, app: { user: "app", password: "pw" } };

describe("application environment variables", () => {
  it("points MongoDB URLs at the right auth database (DocumentDB: admin, no retryable writes)", () => {
    const mongo = appEnv({ ...base, kind: "mongodb" } as StoreConnection);
    expect(mongo.MONGODB_URL).toBe("mongodb://app:pw@db.internal:27017/app?authSource=app&tls=true");
    const docdb = appEnv({ ...base, kind: "mongodb", options: { authSource: "admin", retryWrites: "false" } } as StoreConnection);
    expect(docdb.MONGODB_URL).toBe("mongodb://app:pw@db.internal:27017/app?authSource=admin&tls=true&retryWrites=false");
  });

  it("uses TLS schemes when the store requires TLS", () => {
    expect(appEnv({ ...base, kind: "redis", port: 6379 } as StoreConnection).REDIS_URL).toBe("rediss://app:pw@db.internal:6379/0");
    expect(appEnv({ ...base, kind: "neo4j", port: 7687 } as StoreConnection).NEO4J_URI).toBe("neo4j+s://db.internal:7687");
    expect(appEnv({ ...base, kind: "postgres", port: 5432 } as StoreConnection).DATABASE_URL).toBe("postgresql://app:pw@db.internal:5432/app?sslmode=require");
    expect(appEnv({ ...base, kind: "clickhouse", port: 8443 } as StoreConnection).CLICKHOUSE_URL).toBe("https://db.internal:8443");
  });

  it("never carries the admin identity", () => {
    for (const kind of ["postgres", "redis", "mongodb", "elasticsearch", "clickhouse", "neo4j"] as const) {
      const vars = appEnv({ ...base, kind } as StoreConnection);
      expect(Object.values(vars).join(" ")).not.toMatch(/ROOT|root/);
    }
  });

  it("uses the seeds' variable names", () => {
    expect(appEnvNames("postgres")).toEqual(expect.arrayContaining(["DATABASE_URL", "POSTGRES_HOST", "POSTGRES_PORT", "POSTGRES_DB", "POSTGRES_USER", "POSTGRES_PASSWORD"]));
    expect(appEnvNames("redis")).toEqual(expect.arrayContaining(["REDIS_URL", "REDIS_HOST", "REDIS_PORT", "REDIS_PASSWORD"]));
    expect(appEnvNames("clickhouse")).toEqual(expect.arrayContaining(["CLICKHOUSE_URL", "CLICKHOUSE_HOST", "CLICKHOUSE_PORT", "CLICKHOUSE_DB", "CLICKHOUSE_USER", "CLICKHOUSE_PASSWORD"]));
    expect(appEnvNames("neo4j")).toEqual(expect.arrayContaining(["NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD"]));
    expect(appEnvNames("mongodb")).toEqual(expect.arrayContaining(["MONGODB_URL", "MONGODB_HOST", "MONGODB_PORT", "MONGODB_DB"]));
    expect(appEnvNames("elasticsearch")).toEqual(expect.arrayContaining(["ELASTICSEARCH_URL", "ELASTICSEARCH_HOST", "ELASTICSEARCH_PORT"]));
  });
});
