import { beforeAll, describe, expect, it } from "vitest";
import { isSecretOutput, valueOf } from "../../util/outputs";
import { evaluate, inputs, ofType, problemsOf, type Evaluated } from "./harness";

/** ClickHouse Cloud and Neo4j Aura (TLS by default), plus a shared PostgreSQL without TLS whose app user is managed elsewhere. */
const EXTERNAL = {
  target: "external",
  stores: {
    clickhouse: { database: "analytics", external: { host: "abc123.eu-west-1.aws.clickhouse.cloud", port: 8443, adminUser: "default", adminPassword: "ch-admin-secret" } },
    neo4j: { external: { host: "f00dcafe.databases.neo4j.io", port: 7687, adminUser: "neo4j", adminPassword: "neo-admin-secret" } },
    postgres: {
      external: { host: "pg.internal.example", port: 6432, tls: false, adminUser: "dba", adminPassword: "pg-admin-secret", appUser: "svc_app", appPassword: "pg-app-secret" },
    },
  },
};

let ext: Evaluated;

beforeAll(async () => {
  ext = await evaluate(EXTERNAL, "staging");
});

describe("external target", () => {
  it("provisions nothing but the generated application passwords and the .env file", () => {
    const types = new Set(ext.registered.filter((r) => !r.type.startsWith("polystore:")).map((r) => r.type));
    expect([...types].sort()).toEqual(["pulumi-nodejs:dynamic/polystore:DotEnvFile", "random:index/randomPassword:RandomPassword"]);
    expect(ofType(ext.registered, "DotEnvFile")).toHaveLength(1);
    // Only application passwords polystore creates (no admin passwords: those are given), none for the PostgreSQL app user given in config.
    expect(ofType(ext.registered, "randomPassword:RandomPassword").map((r) => r.name).sort()).toEqual([
      "clickhouse-app-password",
      "neo4j-app-password",
    ]);
  });

  it("uses TLS by default and plain connections only when asked", async () => {
    const ch = await valueOf(ext.program.stores.clickhouse!.connection);
    const neo = await valueOf(ext.program.stores.neo4j!.connection);
    const pg = await valueOf(ext.program.stores.postgres!.connection);
    expect(ch).toMatchObject({ host: "abc123.eu-west-1.aws.clickhouse.cloud", port: 8443, tls: true, database: "analytics" });
    expect(neo.tls).toBe(true);
    expect(pg.tls).toBe(false);
    const env = await valueOf(ext.program.outputs.env);
    expect(env.CLICKHOUSE_URL).toBe("https://abc123.eu-west-1.aws.clickhouse.cloud:8443");
    expect(env.NEO4J_URI).toBe("neo4j+s://f00dcafe.databases.neo4j.io:7687");
    expect(env.DATABASE_URL).toBe("postgresql://svc_app:pg-app-secret@pg.internal.example:6432/app");
  });

  it("keeps the given passwords secret and away from applications", async () => {
    for (const kind of ["clickhouse", "neo4j", "postgres"] as const) {
      const s = ext.program.stores[kind]!;
      expect(await isSecretOutput(s.adminCredentials)).toBe(true);
      expect(await isSecretOutput(s.connection)).toBe(true);
      expect(await isSecretOutput(s.connectionUrl)).toBe(true);
    }
    expect(await valueOf(ext.program.stores.clickhouse!.adminCredentials)).toEqual({ user: "default", password: "ch-admin-secret" });
    const env = await valueOf(ext.program.outputs.env);
    expect(Object.values(env).join("\n")).not.toMatch(/admin-secret/);
    const file = ofType(ext.registered, "DotEnvFile")[0]!;
    expect(inputs(file).content).not.toMatch(/admin-secret/);
  });

  it("tells the init runner not to manage an application user given in config", async () => {
    expect((await valueOf(ext.program.stores.postgres!.connection)).options).toMatchObject({ manageAppUser: "false", ownerRole: "app_owner" });
    expect((await valueOf(ext.program.stores.neo4j!.connection)).options?.manageAppUser).toBeUndefined();
  });

  it("runs init scripts from the machine running Pulumi and writes the .env file", async () => {
    expect(ext.localInit.sort()).toEqual(["clickhouse", "neo4j", "postgres"]);
    expect(await valueOf(ext.program.outputs.connectionSecrets)).toEqual([
      { sink: "env-file", stores: ["postgres", "clickhouse", "neo4j"], location: ".env.staging" },
    ]);
  });

  it("rejects a missing endpoint, a stray one and a bad one, naming the key", () => {
    const missing = problemsOf({ target: "external", stores: { neo4j: {} } });
    expect(missing).toEqual(["polystore:stores.neo4j.external: required when the target is external (host, port, adminUser, adminPassword)"]);
    const stray = problemsOf({ target: "docker", stores: { neo4j: { external: EXTERNAL.stores.neo4j.external } } });
    expect(stray[0]).toContain("polystore:stores.neo4j.external: only used with target external");
    const bad = problemsOf({ target: "external", stores: { neo4j: { external: { host: "", port: 0, adminUser: "neo4j" } } } });
    expect(bad.some((l) => l.startsWith("polystore:stores.neo4j.external.host:"))).toBe(true);
    expect(bad.some((l) => l.startsWith("polystore:stores.neo4j.external.port:"))).toBe(true);
    expect(bad.some((l) => l.startsWith("polystore:stores.neo4j.external.adminPassword:"))).toBe(true);
  });
});
