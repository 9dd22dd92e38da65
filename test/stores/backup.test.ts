/**
 * `npm run backup` / `npm run restore` against the real engines: for each
 * store, data written as the application, a backup, a wipe (drop database,
 * FLUSHALL, delete index, detach-delete), a restore, and the counts plus a
 * sample of values compared; then every bad-input case, each leaving the data
 * as it was. Runs the CLIs' main functions in-process (exit codes, messages),
 * and the kubernetes backup CronJob's exact command line as a process.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Redis from "ioredis";
import { BSON, Double, Int32, Long, MongoClient, ObjectId } from "mongodb";
import neo4j from "neo4j-driver";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createBackupDriver } from "../../components/backup/drivers";
import { BACKUP_CONNECTIONS_ENV, BACKUP_MOUNT, backupCommand } from "../../components/targets/kubernetes";
import { createSearchHttp } from "../../components/init/adapters/search-http";
import { createExecutor } from "../../components/init/adapters/clickhouse-executor";
import type { StoreConnection, StoreKind } from "../../components/core/types";
import { backupMain } from "../../stacks/backup/backup";
import { restoreMain } from "../../stacks/backup/restore";
import { snapshotMain } from "../../stacks/backup/snapshot";
import type { CliIO } from "../../stacks/backup/common";
import { ok, run, storeConnection, uniqueSuffix, withPg } from "./init-support";

const STACK = "backuptest";
const ORG_A = "00000000-0000-4000-8000-0000000000a1";
const ORG_B = "00000000-0000-4000-8000-0000000000b2";

let work: string;
let archives: string;
const cleanups: Array<() => Promise<unknown>> = [];

interface CliResult {
  code: number;
  out: string;
  err: string;
}

/** Runs a CLI main in-process with captured output; stdin is "not a terminal" unless `answer` is given. */
async function cli(main: (argv: string[], io: CliIO) => Promise<number>, argv: string[], answer?: string): Promise<CliResult> {
  let out = "";
  let err = "";
  const io: CliIO = { out: (s) => void (out += s), err: (s) => void (err += s), isTTY: answer !== undefined, ask: async () => answer ?? "" };
  const code = await main(argv, io);
  return { code, out, err };
}

/** A 0600 connections file holding `conns`. */
function connectionsFile(conns: Partial<Record<StoreKind, StoreConnection>>): string {
  const f = join(work, `conns-${uniqueSuffix()}.json`);
  writeFileSync(f, JSON.stringify(conns), { mode: 0o600 });
  return f;
}

async function backup(file: string, stores: StoreKind[], dir = archives): Promise<string> {
  const r = await cli(backupMain, ["--stack", STACK, "--connections", file, "--to", dir, ...stores.flatMap((s) => ["--store", s])]);
  expect(r.err + r.out).toContain("backup ");
  expect(r.code, r.err).toBe(0);
  const id = /backup (\d{8}_\d{6}) of stack/.exec(r.out)?.[1];
  expect(id).toBeDefined();
  return id!;
}

function restoreArgs(file: string, id: string, stores: StoreKind[], ...extra: string[]): string[] {
  return ["--stack", STACK, "--connections", file, "--to", archives, id, ...stores.flatMap((s) => ["--store", s]), ...extra];
}

async function counts(conn: StoreConnection) {
  const d = await createBackupDriver(conn);
  try {
    return await d.counts();
  } finally {
    await d.close();
  }
}

/** Unpacks an archive, lets `edit` change the folder, packs it as `<dir>/<newId>.tar.gz`. */
function repack(id: string, dir: string, newId: string, edit: (folder: string) => void): void {
  const folder = mkdtempSync(join(work, "repack-"));
  execFileSync("tar", ["-xzf", join(archives, `${id}.tar.gz`), "-C", folder]);
  edit(folder);
  mkdirSync(dir, { recursive: true });
  execFileSync("tar", ["-czf", join(dir, `${newId}.tar.gz`), "-C", folder, "."]);
  rmSync(folder, { recursive: true, force: true });
}

function editManifest(folder: string, f: (m: any) => void): void {
  const p = join(folder, "manifest.json");
  const m = JSON.parse(readFileSync(p, "utf8"));
  f(m);
  writeFileSync(p, JSON.stringify(m));
}

function sha256(path: string): string {
  return execFileSync("sha256sum", [path], { encoding: "utf8" }).split(" ")[0]!;
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "polystore-backup-test-"));
  archives = join(work, "archives");
});

afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
  rmSync(work, { recursive: true, force: true });
});

// ---------------------------------------------------------------- postgres
let pgConn: StoreConnection;

const pgAdmin = <T>(database: string, f: (c: pg.Client) => Promise<T>): Promise<T> => withPg(pgConn, "admin", database, f);

async function pgApp<T>(org: string, f: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ host: pgConn.host, port: pgConn.port, user: pgConn.app.user, password: pgConn.app.password, database: pgConn.database });
  await c.connect();
  try {
    await c.query("BEGIN");
    await c.query("SELECT set_config('app.current_org', $1, true)", [org]);
    const r = await f(c);
    await c.query("COMMIT");
    return r;
  } finally {
    await c.end();
  }
}

async function pgSetup(): Promise<void> {
  const base = storeConnection("postgres");
  const db = `polystore_bk_${uniqueSuffix()}`;
  pgConn = { ...base, database: db, app: { user: `${db}_app`, password: `pw-${uniqueSuffix()}` }, options: { ...base.options, ownerRole: `${db}_owner` } };
  await pgAdmin("postgres", (c) => c.query(`CREATE DATABASE ${db}`));
  cleanups.push(() =>
    pgAdmin("postgres", async (c) => {
      await c.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
      await c.query(`DROP ROLE IF EXISTS ${db}_app`);
      await c.query(`DROP ROLE IF EXISTS ${db}_owner`);
    }),
  );
  ok(await run(pgConn, "apply"));
  for (const [org, slug] of [[ORG_A, "acme"], [ORG_B, "globex"]] as const) {
    await pgApp(org, async (c) => {
      await c.query("INSERT INTO organizations (id, name, slug) VALUES ($1, $2, $2)", [org, slug]);
      for (let i = 0; i < 5; i++) await c.query("INSERT INTO projects (organization_id, name, slug) VALUES ($1, $2, $2)", [org, `${slug}-p${i}`]);
      await c.query("INSERT INTO articles (organization_id, title, slug) VALUES ($1, $2, 'hello')", [org, `Hello from ${slug} – ünïcode ✓`]);
    });
  }
}

describe("backup and restore: postgres", () => {
  beforeAll(pgSetup);

  it("backs up, survives DROP DATABASE, restores the same rows, ledger and RLS", async () => {
    const file = connectionsFile({ postgres: pgConn });
    const before = await counts(pgConn);
    expect(before["rows per table"]!["public.projects"]).toBe(10);
    const id = await backup(file, ["postgres"]);
    await pgAdmin("postgres", (c) => c.query(`DROP DATABASE ${pgConn.database} WITH (FORCE)`));
    const r = await cli(restoreMain, restoreArgs(file, id, ["postgres"], "--yes"));
    expect(r.code, r.err + r.out).toBe(0);
    expect(r.out).toContain("every count and ledger matches the manifest");
    expect(r.out).toMatch(/postgres\s+ledger versions\s+1,2,3,4\s+1,2,3,4\s+ok/);
    expect(await counts(pgConn)).toEqual(before);
    // The application still sees only its tenant's rows, with the same values.
    const titles = await pgApp(ORG_A, (c) => c.query("SELECT title FROM articles"));
    expect(titles.rows).toEqual([{ title: "Hello from acme – ünïcode ✓" }]);
    const projects = await pgApp(ORG_B, (c) => c.query("SELECT slug FROM projects ORDER BY slug"));
    expect(projects.rows.map((x) => x.slug)).toEqual(["globex-p0", "globex-p1", "globex-p2", "globex-p3", "globex-p4"]);
  });

  it("a restore that fails verification leaves the live database as it was (staging dropped)", async () => {
    const file = connectionsFile({ postgres: pgConn });
    const id = await backup(file, ["postgres"]);
    await pgApp(ORG_A, (c) => c.query("INSERT INTO projects (organization_id, name, slug) VALUES ($1, 'late', 'late')", [ORG_A]));
    const live = await counts(pgConn);
    // A manifest that claims one more project than the dump holds: the staging copy cannot match.
    repack(id, archives, "20990101_000001", (f) => editManifest(f, (m) => (m.stores.postgres.counts["rows per table"]["public.projects"] += 1)));
    cleanups.push(async () => rmSync(join(archives, "20990101_000001.tar.gz"), { force: true }));
    const r = await cli(restoreMain, restoreArgs(file, "20990101_000001", ["postgres"], "--yes", "--force"));
    expect(r.code).toBe(1);
    expect(r.err).toContain("postgres: restore failed, postgres was left as it was");
    expect(r.err).toContain("public.projects: expected 11, found 10");
    expect(await counts(pgConn)).toEqual(live);
    const staging = await pgAdmin("postgres", (c) => c.query("SELECT datname FROM pg_database WHERE datname LIKE $1", [`${pgConn.database}_r%`]));
    expect(staging.rows).toEqual([]);
  });
});

// ---------------------------------------------------------------- redis
let redisConn: StoreConnection;

function redisClient(who: "admin" | "app", db = 0): Redis {
  const cred = redisConn[who];
  return new Redis({ host: redisConn.host, port: redisConn.port, username: cred.user, password: cred.password, db, lazyConnect: false, maxRetriesPerRequest: 1 });
}

async function redisSnapshot(): Promise<Record<string, unknown>> {
  const a = redisClient("admin", 0);
  const b = redisClient("admin", 3);
  try {
    return {
      session: await a.get("session:s1"),
      sessionTtl: (await a.pttl("session:s1")) > 0,
      user: (await a.smembers("user:u1:sessions")).sort(),
      cache: await a.hgetall("cache:profile:u1"),
      lock: await a.lrange("lock:queue", 0, -1),
      binary: (await a.getBuffer(Buffer.from([0xff, 0x00, 0x01])))?.toString("hex"),
      zset: await b.zrange("scores", 0, -1, "WITHSCORES"),
      keys0: await a.dbsize(),
      keys3: await b.dbsize(),
    };
  } finally {
    a.disconnect();
    b.disconnect();
  }
}

describe("backup and restore: redis", () => {
  beforeAll(async () => {
    const base = storeConnection("redis");
    redisConn = { ...base, app: { user: `bk_app_${uniqueSuffix()}`, password: `pw-${uniqueSuffix()}` }, options: { ...base.options, configCheck: "off" } };
    const admin = redisClient("admin");
    await admin.flushall();
    admin.disconnect();
    ok(await run(redisConn, "apply"));
    const app = redisClient("app");
    await app.set("session:s1", JSON.stringify({ user: "u1", at: 1 }), "EX", 3600);
    await app.sadd("user:u1:sessions", "s1", "s2");
    await app.hset("cache:profile:u1", { name: "Ada", lang: "en" });
    await app.rpush("lock:queue", "a", "b", "c");
    app.disconnect();
    const admin0 = redisClient("admin", 0);
    await admin0.set(Buffer.from([0xff, 0x00, 0x01]), Buffer.from("binary\u0000value"));
    admin0.disconnect();
    const admin3 = redisClient("admin", 3);
    await admin3.zadd("scores", 1, "x", 2.5, "y");
    admin3.disconnect();
  });

  it("backs up (RDB + DUMP), survives FLUSHALL, restores every key with values and TTLs", async () => {
    const file = connectionsFile({ redis: redisConn });
    const before = await redisSnapshot();
    const beforeCounts = await counts(redisConn);
    const id = await backup(file, ["redis"]);
    const listing = execFileSync("tar", ["-tzf", join(archives, `${id}.tar.gz`)], { encoding: "utf8" });
    expect(listing).toContain("redis/dump.rdb");
    expect(listing).toContain("redis/keys.jsonl");
    const admin = redisClient("admin");
    await admin.flushall();
    admin.disconnect();
    const r = await cli(restoreMain, restoreArgs(file, id, ["redis"], "--yes"));
    expect(r.code, r.err + r.out).toBe(0);
    expect(r.out).toContain("every count and ledger matches the manifest");
    expect(await counts(redisConn)).toEqual(beforeCounts);
    expect(await redisSnapshot()).toEqual(before);
  });

  it("a replay that fails halfway puts the previous keys back", async () => {
    const file = connectionsFile({ redis: redisConn });
    const id = await backup(file, ["redis"]);
    const admin = redisClient("admin");
    await admin.set("cache:only-now", "1");
    admin.disconnect();
    const live = await redisSnapshot();
    repack(id, archives, "20990101_000002", (f) => {
      const keys = join(f, "redis", "keys.jsonl");
      const lines = readFileSync(keys, "utf8").trim().split("\n");
      const last = JSON.parse(lines[lines.length - 1]!);
      lines.push(JSON.stringify({ ...last, key: Buffer.from("cache:broken").toString("base64"), payload: Buffer.from("not a dump payload").toString("base64") }));
      writeFileSync(keys, `${lines.join("\n")}\n`);
      editManifest(f, (m) => {
        for (const p of m.stores.redis.parts) if (p.path === "redis/keys.jsonl") p.sha256 = sha256(keys);
      });
    });
    cleanups.push(async () => rmSync(join(archives, "20990101_000002.tar.gz"), { force: true }));
    const r = await cli(restoreMain, restoreArgs(file, "20990101_000002", ["redis"], "--yes", "--force"));
    expect(r.code).toBe(1);
    expect(r.err).toContain("redis: restore failed, redis was left as it was");
    expect(await redisSnapshot()).toEqual(live);
    const check = redisClient("admin");
    expect(await check.get("cache:only-now")).toBe("1");
    check.disconnect();
  });
});

// ---------------------------------------------------------------- mongodb
let mongoConn: StoreConnection;

async function withMongo<T>(who: "admin" | "app", f: (c: MongoClient) => Promise<T>): Promise<T> {
  const cred = mongoConn[who];
  const c = new MongoClient(`mongodb://${mongoConn.host}:${mongoConn.port}/`, {
    ...(cred.user ? { auth: { username: cred.user, password: cred.password }, authSource: mongoConn.options?.authSource ?? "admin" } : {}),
    ...(mongoConn.options?.authMechanism ? { authMechanism: mongoConn.options.authMechanism as never } : {}),
    directConnection: true,
    serverSelectionTimeoutMS: 5000,
  });
  await c.connect();
  try {
    return await f(c);
  } finally {
    await c.close();
  }
}

/** Every document of a collection as canonical Extended JSON (types included), sorted by _id. */
const canonical = (name: string) =>
  withMongo("admin", async (c) =>
    (await c.db(mongoConn.database).collection(name).find({}, { sort: { _id: 1 }, promoteValues: false }).toArray()).map((d) => BSON.EJSON.stringify(d, { relaxed: false })),
  );

describe("backup and restore: mongodb", () => {
  beforeAll(async () => {
    const base = storeConnection("mongodb");
    mongoConn = { ...base, database: `bk_${uniqueSuffix()}` };
    cleanups.push(() => withMongo("admin", (c) => c.db(mongoConn.database).dropDatabase()));
    ok(await run(mongoConn, "apply"));
    // The harness's FerretDB has one identity: the app writes with it (connection.app).
    await withMongo("app", async (c) => {
      const drafts = c.db(mongoConn.database).collection("content_drafts");
      const docs = Array.from({ length: 25 }, (_, i) => ({
        _id: new ObjectId(),
        author_id: `author-${i % 3}`,
        title: `Draft ${i} – ünïcode ✓`,
        status: i % 2 ? "draft" : "in_review",
        tags: ["a", `t${i}`],
        updated_at: new Date(Date.UTC(2026, 0, 1 + i)),
        words: new Int32(100 + i),
        views: Long.fromString("9007199254740993"),
        ratio: new Double(0.5),
        nested: { deep: { list: [1, 2, { x: "y" }] } },
      }));
      await drafts.insertMany(docs);
      await c.db(mongoConn.database).collection("user_preferences").insertOne({ user_id: "u1", theme: "dark", updated_at: new Date() });
    });
  });

  it("backs up as BSON in mongodump's layout, survives dropDatabase, restores documents with their types and indexes", async () => {
    const file = connectionsFile({ mongodb: mongoConn });
    const before = await counts(mongoConn);
    expect(before["documents per collection"]!.content_drafts).toBe(25);
    const drafts = await canonical("content_drafts");
    const indexes = await withMongo("admin", async (c) => (await c.db(mongoConn.database).collection("content_drafts").listIndexes().toArray()).map((i) => i.name).sort());
    const id = await backup(file, ["mongodb"]);
    const listing = execFileSync("tar", ["-tzf", join(archives, `${id}.tar.gz`)], { encoding: "utf8" });
    expect(listing).toContain("mongodb/content_drafts.bson");
    expect(listing).toContain("mongodb/content_drafts.metadata.json");
    await withMongo("admin", (c) => c.db(mongoConn.database).dropDatabase());
    const r = await cli(restoreMain, restoreArgs(file, id, ["mongodb"], "--yes"));
    expect(r.code, r.err + r.out).toBe(0);
    expect(r.out).toContain("every count and ledger matches the manifest");
    expect(await counts(mongoConn)).toEqual(before);
    expect(await canonical("content_drafts")).toEqual(drafts);
    const after = await withMongo("admin", async (c) => (await c.db(mongoConn.database).collection("content_drafts").listIndexes().toArray()).map((i) => i.name).sort());
    expect(after).toEqual(indexes);
  });
});

// ---------------------------------------------------------------- elasticsearch / opensearch
describe.each(["elasticsearch", "opensearch"] as const)("backup and restore: %s", (flavor) => {
  let conn: StoreConnection;
  const http = () => createSearchHttp(conn);

  beforeAll(async () => {
    const c = (inject as unknown as (k: string) => Partial<Record<string, StoreConnection>>)("connections")[flavor];
    if (!c) throw new Error(`the stores harness did not start ${flavor} (see POLYSTORE_HARNESS_ENGINES)`);
    conn = c;
    ok(await run(conn, "apply"));
    const h = http();
    const body = Array.from({ length: 30 }, (_, i) => [
      { index: { _id: `a${i}` } },
      { id: `a${i}`, slug: `article-${i}`, title: `Article ${i} – ünïcode ✓`, status: i % 3 ? "published" : "draft", language: "en" },
    ]).flat();
    const r = await h.send({ method: "POST", path: "/articles/_bulk", querystring: { refresh: "true" }, bulkBody: body });
    expect(r.body.errors).toBe(false);
    await h.close();
  });

  it("backs up by scroll export, survives deleting the indices, restores documents, aliases and mappings", async () => {
    const file = connectionsFile({ elasticsearch: conn });
    const before = await counts(conn);
    expect(before["documents per index"]!["articles-000001"]).toBe(30);
    const id = await backup(file, ["elasticsearch"]);
    const h = http();
    const mappingBefore = (await h.send({ method: "GET", path: "/articles-000001/_mapping" })).body["articles-000001"];
    await h.send({ method: "DELETE", path: "/articles-000001,polystore-migrations" });
    expect((await h.send({ method: "HEAD", path: "/articles-000001", ok: [404] })).status).toBe(404);
    const r = await cli(restoreMain, restoreArgs(file, id, ["elasticsearch"], "--yes"));
    expect(r.code, r.err + r.out).toBe(0);
    expect(r.out).toContain("every count and ledger matches the manifest");
    expect(await counts(conn)).toEqual(before);
    // Through the application's alias, with the same values and the same mapping.
    const hit = await h.send({ method: "POST", path: "/articles/_search", body: { query: { term: { slug: "article-7" } } } });
    expect(hit.body.hits.hits.map((x: any) => x._source.title)).toEqual(["Article 7 – ünïcode ✓"]);
    expect((await h.send({ method: "GET", path: "/articles-000001/_mapping" })).body["articles-000001"]).toEqual(mappingBefore);
    const alias = await h.send({ method: "GET", path: "/_alias/articles" });
    expect(alias.body["articles-000001"].aliases.articles.is_write_index).toBe(true);
    const leftovers = await h.send({ method: "GET", path: "/_cat/indices/polystore-r*", querystring: { format: "json", expand_wildcards: "all" } });
    expect(leftovers.body).toEqual([]);
    await h.close();
  });
});

// ---------------------------------------------------------------- clickhouse
describe("backup and restore: clickhouse", () => {
  let conn: StoreConnection;
  const sql = async <T = Record<string, unknown>>(query: string): Promise<T[]> => {
    const ex = await createExecutor(conn);
    try {
      return await ex.query<T>(query);
    } finally {
      await ex.close();
    }
  };
  const sample = async () => ({
    events: await sql(`SELECT project_id, name, tokens_used, cost_usd, input FROM ${conn.database}.telemetry_events ORDER BY name`),
    hourly: await sql(`SELECT project_id, sum(event_count) AS n, sum(total_tokens) AS t FROM ${conn.database}.telemetry_metrics_hourly_data GROUP BY project_id ORDER BY project_id`),
  });

  beforeAll(async () => {
    const base = storeConnection("clickhouse");
    conn = { ...base, database: `bk_${uniqueSuffix()}` };
    cleanups.push(() => sql(`DROP DATABASE IF EXISTS ${conn.database} SYNC`));
    ok(await run(conn, "apply"));
    // chdb has no SQL users: the application's inserts go through the same in-process engine.
    const ex = await createExecutor(conn);
    const values = Array.from({ length: 40 }, (_, i) =>
      `('p${i % 4}', 't${i}', 's${i}', 'llm', 'call-${String(i).padStart(2, "0")}', now64(3), ${10 + i}, 'model-x', ${i * 7}, ${i / 100}, 'input ünïcode ✓ ${i}', 'out')`,
    );
    await ex.command(`INSERT INTO ${conn.database}.telemetry_events (project_id, trace_id, span_id, event_type, name, timestamp, duration_ms, model, tokens_used, cost_usd, input, output) VALUES ${values.join(", ")}`);
    await ex.close();
  });

  it("backs up in Native format, survives DROP DATABASE, restores rows, views and the ledger without double-counting", async () => {
    const file = connectionsFile({ clickhouse: conn });
    const before = await counts(conn);
    expect(before["rows per table"]!.telemetry_events).toBe(40);
    expect(before["rows per table"]!.telemetry_metrics_hourly_data).toBeGreaterThan(0);
    const values = await sample();
    const id = await backup(file, ["clickhouse"]);
    const listing = execFileSync("tar", ["-tzf", join(archives, `${id}.tar.gz`)], { encoding: "utf8" });
    expect(listing).toContain("clickhouse/telemetry_events.native");
    expect(listing).toContain("clickhouse/telemetry_metrics_hourly.sql");
    await sql(`DROP DATABASE ${conn.database} SYNC`);
    const r = await cli(restoreMain, restoreArgs(file, id, ["clickhouse"], "--yes"));
    expect(r.code, r.err + r.out).toBe(0);
    expect(r.out).toContain("every count and ledger matches the manifest");
    expect(await counts(conn)).toEqual(before);
    expect(await sample()).toEqual(values);
    // The materialized view is back and feeds its table again.
    await sql(`INSERT INTO ${conn.database}.telemetry_events (project_id, trace_id, span_id, event_type, name, timestamp) VALUES ('p9', 't', 's', 'llm', 'after', now64(3))`);
    const fed = await sql<{ n: unknown }>(`SELECT sum(event_count) AS n FROM ${conn.database}.telemetry_metrics_hourly_data WHERE project_id = 'p9'`);
    expect(Number(fed[0]?.n)).toBe(1);
  });
});

// ---------------------------------------------------------------- neo4j
describe("backup and restore: neo4j", () => {
  let conn: StoreConnection;
  async function cypher(query: string, params: Record<string, unknown> = {}, who: "admin" | "app" = "admin") {
    const d = neo4j.driver(`${conn.options?.scheme ?? "bolt"}://${conn.host}:${conn.port}`, neo4j.auth.basic(conn[who].user, conn[who].password));
    try {
      return (await d.executeQuery(query, params, { database: conn.database })).records.map((r) => r.toObject());
    } finally {
      await d.close();
    }
  }
  const sample = () =>
    cypher(
      `MATCH (p:PowerSource)-[r:COMPATIBLE_WITH]->(t:Torch) RETURN p.gin AS gin, p.amps AS amps, p.ratio AS ratio, p.released AS released,
         p.updated AS updated, p.where AS where, p.tags AS tags, r.since AS since, t.gin AS torch ORDER BY gin, torch`,
    ).then((rows) => rows.map((r) => JSON.stringify(r, (_k, v) => (typeof v === "bigint" ? String(v) : v))));

  beforeAll(async () => {
    conn = storeConnection("neo4j");
    await cypher("MATCH (n) DETACH DELETE n");
    ok(await run(conn, "apply"));
    // The harness's Neo4j has one identity: the application writes with it (connection.app).
    await cypher(
      `UNWIND range(1, 12) AS i
       CREATE (p:PowerSource:Product {gin: 'PS-' + i, amps: i * 10, ratio: i / 4.0, released: date('2024-01-01') + duration({days: i}),
               updated: datetime({year: 2026, month: 1, day: 1, hour: 12, timezone: 'Europe/Stockholm'}), where: point({x: i, y: 2.5}), tags: ['mig', 'ünïcode ✓']})`,
      {}, "app",
    );
    await cypher("UNWIND range(1, 4) AS i CREATE (:Torch:Product {gin: 'T-' + i})", {}, "app");
    await cypher("MATCH (p:PowerSource), (t:Torch) WHERE p.amps % 40 = t.gin ENDS WITH '1' OR toInteger(substring(t.gin, 2)) = p.amps / 30 CREATE (p)-[:COMPATIBLE_WITH {since: 2020 + toInteger(substring(t.gin, 2))}]->(t)", {}, "app");
    await cypher("CREATE (:Note)", {}, "app");
  });

  afterAll(async () => {
    await cypher("MATCH (n) DETACH DELETE n").catch(() => undefined);
  });

  it("backs up through the driver, survives detach-delete, restores nodes, relationships and typed values", async () => {
    const file = connectionsFile({ neo4j: conn });
    const before = await counts(conn);
    expect(before["nodes per label"]!.PowerSource).toBe(12);
    expect(before["nodes per label"]!["(no label)"]).toBeUndefined();
    expect(before["relationships per type"]!.COMPATIBLE_WITH).toBeGreaterThan(0);
    const values = await sample();
    const id = await backup(file, ["neo4j"]);
    await cypher("MATCH (n) DETACH DELETE n");
    const r = await cli(restoreMain, restoreArgs(file, id, ["neo4j"], "--yes"));
    expect(r.code, r.err + r.out).toBe(0);
    expect(r.out).toContain("every count and ledger matches the manifest");
    expect(await counts(conn)).toEqual(before);
    expect(await sample()).toEqual(values);
    // Integers stay INTEGER, floats FLOAT, temporal and spatial values keep their types.
    const types = await cypher("MATCH (p:PowerSource {gin: 'PS-3'}) RETURN valueType(p.amps) AS a, valueType(p.ratio) AS b, valueType(p.released) AS c, valueType(p.updated) AS d, valueType(p.where) AS e");
    expect(types).toEqual([{ a: "INTEGER NOT NULL", b: "FLOAT NOT NULL", c: "DATE NOT NULL", d: "ZONED DATETIME NOT NULL", e: "POINT NOT NULL" }]);
  });
});

// ---------------------------------------------------------------- bad input
describe("backup and restore: bad input leaves everything as it was", () => {
  let file: string;
  let id: string;
  let live: Awaited<ReturnType<typeof counts>>;
  const bad = () => join(work, "bad-archives");
  const restoreFrom = (dir: string, theId: string, ...extra: string[]) =>
    cli(restoreMain, ["--stack", STACK, "--connections", file, "--to", dir, theId, "--store", "postgres", ...extra]);

  beforeAll(async () => {
    if (!pgConn) await pgSetup();
    file = connectionsFile({ postgres: pgConn });
    id = await backup(file, ["postgres"]);
    live = await counts(pgConn);
    expect(live["rows per table"]!["public.organizations"]).toBe(2);
  });

  it("--help answers every command with exit 0", async () => {
    for (const main of [backupMain, restoreMain]) {
      const r = await cli(main, ["--help"]);
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/^usage: npm run (backup|restore)/);
    }
  });

  it("usage errors name every problem at once (exit 2)", async () => {
    const r = await cli(backupMain, ["--store", "mysql", "--keep-days", "0"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("--stack <name> is required");
    expect(r.err).toContain("--store mysql: unknown store");
    expect(r.err).toContain("--keep-days 0: expected a whole number of days, at least 1");
    const r2 = await cli(restoreMain, ["--stack", STACK, "latest"]);
    expect(r2.code).toBe(2);
    expect(r2.err).toContain("<id> latest: expected YYYYMMDD_HHMMSS");
  });

  it("an unknown id is named, with the backups there are (exit 2)", async () => {
    const r = await restoreFrom(archives, "20000101_000000", "--yes", "--force");
    expect(r.code).toBe(2);
    expect(r.err).toContain(`no backup 20000101_000000 in ${archives} (have: `);
    expect(r.err).toContain(id);
  });

  it("a truncated archive is refused before anything is touched", async () => {
    mkdirSync(bad(), { recursive: true });
    const copy = join(bad(), "20990102_000000.tar.gz");
    copyFileSync(join(archives, `${id}.tar.gz`), copy);
    truncateSync(copy, Math.floor(statSync(copy).size / 2));
    const r = await restoreFrom(bad(), "20990102_000000", "--yes", "--force");
    expect(r.code).toBe(1);
    expect(r.err).toContain(`archive ${copy} is corrupt or truncated`);
    expect(await counts(pgConn)).toEqual(live);
  });

  it("a part that fails its checksum is named", async () => {
    repack(id, bad(), "20990102_000001", (f) => {
      const dump = join(f, "postgres", "database.dump");
      const bytes = readFileSync(dump);
      bytes[bytes.length - 1] ^= 0xff;
      writeFileSync(dump, bytes);
    });
    const r = await restoreFrom(bad(), "20990102_000001", "--yes", "--force");
    expect(r.code).toBe(1);
    expect(r.err).toContain("postgres: part postgres/database.dump fails its checksum");
    expect(await counts(pgConn)).toEqual(live);
    // --verify-only finds the same problem, and passes a good archive.
    expect((await restoreFrom(bad(), "20990102_000001", "--verify-only")).code).toBe(1);
    const good = await restoreFrom(archives, id, "--verify-only");
    expect(good.code, good.err).toBe(0);
    expect(good.out).toMatch(/postgres\s+rows per table: \d+ in \d+ object\(s\)/);
  });

  it("a manifest from another stack is refused, naming both stacks", async () => {
    const r = await cli(restoreMain, ["--stack", "prod", "--connections", file, "--to", archives, id, "--yes", "--force"]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`is a backup of stack "${STACK}", not "prod"`);
    expect(await counts(pgConn)).toEqual(live);
  });

  it("a store missing from the archive is named", async () => {
    const r = await cli(restoreMain, ["--stack", STACK, "--connections", file, "--to", archives, id, "--store", "redis", "--yes"]);
    expect(r.code).toBe(1);
    expect(r.err).toContain("holds no redis backup (it has: postgres)");
  });

  it("a store that holds data is refused without --force", async () => {
    const r = await restoreFrom(archives, id, "--yes");
    expect(r.code).toBe(1);
    expect(r.err).toContain(`refusing to restore over data: postgres at ${pgConn.host}:${pgConn.port} is not empty; pass --force`);
    expect(await counts(pgConn)).toEqual(live);
  });

  it("without --yes it refuses when stdin is not a terminal, and asks when it is", async () => {
    const r = await restoreFrom(archives, id, "--force");
    expect(r.code).toBe(2);
    expect(r.err).toContain("stdin is not a terminal; pass --yes");
    const no = await cli(restoreMain, ["--stack", STACK, "--connections", file, "--to", archives, id, "--store", "postgres", "--force"], "no");
    expect(no.code).toBe(1);
    expect(no.err).toContain("not confirmed; nothing was done");
    const yes = await cli(restoreMain, ["--stack", STACK, "--connections", file, "--to", archives, id, "--store", "postgres", "--force"], "yes");
    expect(yes.code, yes.err).toBe(0);
    expect(await counts(pgConn)).toEqual(live);
  });

  it("a store that is not up is named, for backup and restore, and no archive is written", async () => {
    const down = connectionsFile({ postgres: { ...pgConn, port: 1 } });
    const before = (await cli(backupMain, ["list", "--stack", STACK, "--to", archives])).out;
    const b = await cli(backupMain, ["--stack", STACK, "--connections", down, "--to", archives]);
    expect(b.code).toBe(1);
    expect(b.err).toContain(`postgres at ${pgConn.host}:1 is not up`);
    expect((await cli(backupMain, ["list", "--stack", STACK, "--to", archives])).out).toBe(before);
    const r = await cli(restoreMain, ["--stack", STACK, "--connections", down, "--to", archives, id, "--yes", "--force"]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`postgres at ${pgConn.host}:1 is not up`);
  });

  it("list shows age and size; prune deletes only archives older than --keep-days", async () => {
    const dir = join(work, "prune");
    mkdirSync(dir, { recursive: true });
    copyFileSync(join(archives, `${id}.tar.gz`), join(dir, "20000101_000000.tar.gz"));
    copyFileSync(join(archives, `${id}.tar.gz`), join(dir, `${id}.tar.gz`));
    const list = await cli(backupMain, ["list", "--stack", STACK, "--to", dir]);
    expect(list.code).toBe(0);
    expect(list.out).toMatch(new RegExp(`${id}\\s+\\d+m\\s+[\\d.]+ KiB`));
    expect(list.out).toContain("20000101_000000");
    const prune = await cli(backupMain, ["prune", "--stack", STACK, "--to", dir, "--keep-days", "7"]);
    expect(prune.code).toBe(0);
    expect(prune.out).toContain("deleted 1 backup(s) older than 7 days: 20000101_000000");
    expect((await cli(backupMain, ["list", "--stack", STACK, "--to", dir])).out).not.toContain("20000101_000000");
  });
});

// ---------------------------------------------------------------- snapshots
describe("snapshot save / load / reset", () => {
  it("saves a stack's data as a named snapshot, loads it into another stack, resets that stack to its init scripts", async () => {
    if (!pgConn) await pgSetup();
    process.env.POLYSTORE_SNAPSHOT_DIR = join(work, "snapshots");
    const other: StoreConnection = { ...pgConn, database: `${pgConn.database}_2` };
    cleanups.push(() => pgAdmin("postgres", (c) => c.query(`DROP DATABASE IF EXISTS ${other.database} WITH (FORCE)`)));
    const src = connectionsFile({ postgres: pgConn });
    const dst = connectionsFile({ postgres: other });
    const save = await cli(snapshotMain, ["save", "--stack", "dev", "--name", "demo", "--connections", src]);
    expect(save.code, save.err).toBe(0);
    expect((await cli(snapshotMain, ["list"])).out).toMatch(/^demo\s+\d{8}_\d{6}$/m);
    const load = await cli(snapshotMain, ["load", "--stack", "review-pr-7", "--name", "demo", "--connections", dst, "--yes"]);
    expect(load.code, load.err + load.out).toBe(0);
    expect(await counts(other)).toEqual(await counts(pgConn));
    const reset = await cli(snapshotMain, ["reset", "--stack", "review-pr-7", "--connections", dst, "--yes"]);
    expect(reset.code, reset.err + reset.out).toBe(0);
    expect(reset.out).toContain("postgres      reset; applied 1,2,3,4");
    const after = (await counts(other))["rows per table"]!;
    expect(after["public.organizations"]).toBe(0);
    expect(after["polystore.schema_history"]).toBe(4);
    const unknown = await cli(snapshotMain, ["load", "--stack", "x", "--name", "nope", "--connections", dst, "--yes"]);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain("no snapshot named nope");
  });
});

// ---------------------------------------------------------------- the kubernetes CronJob's command
describe("the command the kubernetes backup CronJob runs", () => {
  it("backs up from the connections in its environment variable, prunes old archives and prints no secret", async () => {
    if (!pgConn) await pgSetup();
    const dir = join(work, "cronjob-volume");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "20000101_000000.tar.gz"), "an archive older than --keep-days");
    // Exactly the rendered command line (components/targets/kubernetes/backup.ts), run by npm from
    // the project root as in the runner image; only the mount point is this test's folder.
    const command = backupCommand("prod-eu", 7).map((a) => (a === BACKUP_MOUNT ? dir : a));
    const conns = JSON.stringify({ postgres: pgConn });
    const r = spawnSync(command[0]!, command.slice(1), { cwd: process.cwd(), env: { ...process.env, [BACKUP_CONNECTIONS_ENV]: conns }, encoding: "utf8", timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    const id = /backup (\d{8}_\d{6}) of stack prod-eu: /.exec(r.stdout)?.[1];
    expect(id, r.stdout).toBeDefined();
    expect(r.stdout).toContain("pruned 1 backup(s) older than 7 days: 20000101_000000");
    expect(readdirSync(dir).filter((f) => !f.startsWith("."))).toEqual([`${id}.tar.gz`]);
    expect(statSync(join(dir, `${id}.tar.gz`)).mode & 0o777).toBe(0o600);
    expect(r.stdout + r.stderr).not.toContain(pgConn.admin.password);
    const manifest = JSON.parse(execFileSync("tar", ["-xzOf", join(dir, `${id}.tar.gz`), "manifest.json"], { encoding: "utf8" }));
    expect(manifest).toMatchObject({ stack: "prod-eu", id });
    expect(manifest.stores.postgres.counts["rows per table"]).toEqual((await counts(pgConn))["rows per table"]);
  });

  it("names the variable when it is missing or not JSON, without echoing it (exit 2)", async () => {
    const missing = await cli(backupMain, ["--stack", "prod-eu", "--connections-env", "POLYSTORE_TEST_UNSET_VAR", "--to", join(work, "x")]);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain("--connections-env POLYSTORE_TEST_UNSET_VAR: the environment variable is not set");
    process.env.POLYSTORE_TEST_BAD_VAR = "{not json sekrit";
    const bad = await cli(backupMain, ["--stack", "prod-eu", "--connections-env", "POLYSTORE_TEST_BAD_VAR", "--to", join(work, "x")]);
    delete process.env.POLYSTORE_TEST_BAD_VAR;
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("--connections-env POLYSTORE_TEST_BAD_VAR: the variable does not hold valid JSON");
    expect(bad.err).not.toContain("sekrit");
    const both = await cli(backupMain, ["--stack", "prod-eu", "--connections", "f.json", "--connections-env", "X"]);
    expect(both.code).toBe(2);
    expect(both.err).toContain("--connections and --connections-env are exclusive");
  });
});
