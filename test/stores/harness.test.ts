/**
 * Proves the real-engine harness itself: every engine it started answers a
 * real query with the admin credentials it handed out, refuses a wrong
 * password where the engine has authentication, and runs with the settings
 * polystore gives it (Redis: components/stores/redis/settings.ts).
 */
import { Client as ElasticClient, errors as esErrors } from "@elastic/elasticsearch";
import { Client as OpenSearchClient } from "@opensearch-project/opensearch";
import Redis from "ioredis";
import { MongoClient } from "mongodb";
import neo4j from "neo4j-driver";
import { Client as PgClient } from "pg";
import { afterAll, beforeEach, describe, expect, inject, it } from "vitest";
import { DEFAULT_REDIS_SERVER_SETTINGS } from "../../components/stores/redis";
import type { StoreConnection } from "../../components/core/types";
import { ENGINE_KINDS, type EngineKind } from "../harness/engines";
import { mongoUri } from "../harness/lib/ferretdb";

const connections = inject("connections");

function conn(kind: EngineKind): StoreConnection {
  const c = connections[kind];
  if (!c) throw new Error(`the harness provided no ${kind} connection (POLYSTORE_HARNESS_ENGINES limits the engines started)`);
  return c;
}

/** CI as CI systems set it (any value but empty, "false" or "0"). */
const IN_CI = !["", "false", "0"].includes((process.env.CI ?? "").trim().toLowerCase());

/**
 * Makes the current describe block need `kind`: when the harness did not start it (a developer's
 * POLYSTORE_HARNESS_ENGINES subset) each test is reported SKIPPED with that reason, never passed;
 * in CI, where every engine must run, it fails instead.
 */
function needs(kind: EngineKind): void {
  beforeEach((ctx) => {
    if (connections[kind]) return;
    const why = `the harness did not start ${kind} (POLYSTORE_HARNESS_ENGINES=${process.env.POLYSTORE_HARNESS_ENGINES ?? ""})`;
    if (IN_CI) throw new Error(`${why}: in CI every engine must run`);
    ctx.skip(why);
  });
}

const closers: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  await Promise.allSettled(closers.map((close) => close()));
});

describe("postgres", () => {
  needs("postgres");
  it("answers select 1 as a superuser over scram-sha-256 on loopback", async () => {
    const c = conn("postgres");
    const client = new PgClient({ host: c.host, port: c.port, database: c.database, user: c.admin.user, password: c.admin.password });
    await client.connect();
    closers.push(() => client.end());
    expect((await client.query("select 1 as one")).rows).toEqual([{ one: 1 }]);
    const facts = await client.query(
      "select current_database() as db, current_setting('listen_addresses') as listen, current_setting('password_encryption') as enc, (select rolsuper from pg_roles where rolname = current_user) as superuser",
    );
    expect(facts.rows[0]).toEqual({ db: "polystore", listen: "127.0.0.1", enc: "scram-sha-256", superuser: true });
  });

  it("refuses a wrong password", async () => {
    const c = conn("postgres");
    const client = new PgClient({ host: c.host, port: c.port, database: c.database, user: c.admin.user, password: `${c.admin.password}x` });
    await expect(client.connect()).rejects.toThrow(/password authentication failed/);
  });
});

describe("redis", () => {
  needs("redis");
  it("runs with polystore's server settings (512 MB, allkeys-lru, AOF everysec) and auth", async () => {
    const c = conn("redis");
    const client = new Redis({ host: c.host, port: c.port, password: c.admin.password, lazyConnect: true, maxRetriesPerRequest: 1 });
    await client.connect();
    closers.push(() => client.quit());
    const get = async (key: string) => ((await client.config("GET", key)) as string[])[1];
    expect(await get("maxmemory")).toBe(String(DEFAULT_REDIS_SERVER_SETTINGS.maxmemoryMb * 1024 * 1024));
    expect(await get("maxmemory")).toBe("536870912");
    expect(await get("maxmemory-policy")).toBe("allkeys-lru");
    expect(await get("appendonly")).toBe("yes");
    expect(await get("appendfsync")).toBe("everysec");
    expect(await get("timeout")).toBe("300");
    expect(await get("bind")).toBe("127.0.0.1");
    expect(await get("save")).toBe("");
    await client.set("harness:probe", "1");
    expect(await client.get("harness:probe")).toBe("1");
  });

  it("refuses clients without the password", async () => {
    const c = conn("redis");
    // No ready check: ioredis would run INFO on connect, get NOAUTH and drop the connection.
    const anon = new Redis({ host: c.host, port: c.port, lazyConnect: true, enableReadyCheck: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
    anon.on("error", () => undefined);
    await anon.connect();
    closers.push(async () => anon.disconnect());
    await expect(anon.get("harness:probe")).rejects.toThrow(/NOAUTH/);
  });
});

describe("neo4j", () => {
  needs("neo4j");
  it("answers RETURN 1 over Bolt with the admin password", async () => {
    const c = conn("neo4j");
    const driver = neo4j.driver(`bolt://${c.host}:${c.port}`, neo4j.auth.basic(c.admin.user, c.admin.password));
    closers.push(() => driver.close());
    const res = await driver.executeQuery("RETURN 1 AS one", {}, { database: c.database });
    expect(res.records[0].get("one").toNumber()).toBe(1);
    const version = await driver.executeQuery("CALL dbms.components() YIELD versions RETURN versions[0] AS v", {}, { database: "system" });
    expect(version.records[0].get("v")).toMatch(/^5\.26\./);
  });

  it("refuses a wrong password", async () => {
    const c = conn("neo4j");
    const driver = neo4j.driver(`bolt://${c.host}:${c.port}`, neo4j.auth.basic(c.admin.user, `${c.admin.password}x`));
    closers.push(() => driver.close());
    await expect(driver.executeQuery("RETURN 1")).rejects.toMatchObject({ code: "Neo.ClientError.Security.Unauthorized" });
  });
});

describe("elasticsearch", () => {
  needs("elasticsearch");
  const node = (c: StoreConnection) => `http://${c.host}:${c.port}`;

  it("reports cluster health to the admin user, version 8.14.1", async () => {
    const c = conn("elasticsearch");
    const client = new ElasticClient({ node: node(c), auth: { username: c.admin.user, password: c.admin.password } });
    closers.push(() => client.close());
    const health = await client.cluster.health({ wait_for_status: "yellow", timeout: "30s" });
    expect(["green", "yellow"]).toContain(health.status);
    expect(health.number_of_nodes).toBe(1);
    const nodes = await client.nodes.info({ filter_path: "nodes.*.version" });
    expect(Object.values((nodes as unknown as { nodes: Record<string, { version: string }> }).nodes).map((n) => n.version)).toEqual(["8.14.1"]);
    expect((await client.security.authenticate()).username).toBe(c.admin.user);
  });

  it("refuses a wrong password (security is on)", async () => {
    const c = conn("elasticsearch");
    const client = new ElasticClient({ node: node(c), auth: { username: c.admin.user, password: `${c.admin.password}x` } });
    closers.push(() => client.close());
    const err = await client.cluster.health().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(esErrors.ResponseError);
    expect((err as InstanceType<typeof esErrors.ResponseError>).statusCode).toBe(401);
  });
});

describe("opensearch", () => {
  needs("opensearch");
  it("reports cluster health, version 2.19.1, flavor opensearch", async () => {
    const c = conn("opensearch");
    expect(c.kind).toBe("elasticsearch");
    expect(c.options?.flavor).toBe("opensearch");
    const client = new OpenSearchClient({ node: `http://${c.host}:${c.port}` });
    closers.push(() => client.close());
    const health = await client.cluster.health({ wait_for_status: "yellow", timeout: "30s" });
    expect(["green", "yellow"]).toContain(health.body.status);
    const info = await client.info();
    expect(info.body.version.distribution).toBe("opensearch");
    expect(info.body.version.number).toBe("2.19.1");
  });
});

describe("mongodb (FerretDB)", () => {
  needs("mongodb");
  it("answers ping and inserts/finds with the admin user", async () => {
    const c = conn("mongodb");
    const client = new MongoClient(mongoUri(c, c.admin), { serverSelectionTimeoutMS: 5000 });
    await client.connect();
    closers.push(() => client.close());
    const db = client.db(c.database);
    expect((await db.command({ ping: 1 })).ok).toBe(1);
    const col = db.collection<{ _id: string; n: number }>("harness_probe");
    await col.insertOne({ _id: "a", n: 1 });
    expect(await col.find({ n: 1 }).toArray()).toEqual([{ _id: "a", n: 1 }]);
  });

  it("refuses unauthenticated commands and a wrong password", async () => {
    const c = conn("mongodb");
    const anon = new MongoClient(`mongodb://${c.host}:${c.port}/${c.database}`, { serverSelectionTimeoutMS: 5000 });
    closers.push(() => anon.close());
    await expect(anon.db(c.database).collection("harness_probe").findOne({})).rejects.toThrow(/requires authentication/);
    const bad = new MongoClient(mongoUri(c, { user: c.admin.user, password: `${c.admin.password}x` }), { serverSelectionTimeoutMS: 5000 });
    closers.push(() => bad.close());
    await expect(bad.connect()).rejects.toThrow(/Authentication failed/);
  });
});

describe("clickhouse (chdb)", () => {
  needs("clickhouse");
  it("answers SELECT version() in a session on the harness's data dir, with the polystore database", async () => {
    const c = conn("clickhouse");
    expect(c.host).toBe("chdb");
    expect(c.port).toBe(0);
    const { Session } = await import("chdb");
    const session = new Session(c.options?.path as string);
    try {
      expect(String(session.query("SELECT version()", "TabSeparated")).trim()).toMatch(/^\d+\.\d+\.\d+/);
      expect(String(session.query("SELECT name FROM system.databases WHERE name = 'polystore'", "TabSeparated")).trim()).toBe("polystore");
    } finally {
      session.close();
    }
  });
});

describe("harness", () => {
  it("provided a connection for every engine it was asked to start", () => {
    const asked = (process.env.POLYSTORE_HARNESS_ENGINES ?? ENGINE_KINDS.join(",")).split(",").map((s) => s.trim());
    if (IN_CI) expect(asked.sort(), "CI runs every engine: POLYSTORE_HARNESS_ENGINES must not limit them").toEqual([...ENGINE_KINDS].sort());
    expect(Object.keys(connections).sort()).toEqual([...asked].sort());
    for (const c of Object.values(connections)) {
      expect(c.host === "chdb" || c.host === "127.0.0.1").toBe(true);
      expect(c.app).toEqual(c.admin);
    }
  });
});
