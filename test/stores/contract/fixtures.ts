/**
 * Each store's differences for the adapter contract (adapter-contract.ts): scripts in
 * its own format, how its ledger and lock look in the store itself (read with the
 * engine's own client, never through the adapter), how its lock is abandoned, and how
 * its application identity logs in and is refused. Also used by plan.test.ts for fresh
 * places and lock state.
 */
import { randomBytes } from "node:crypto";
import Redis from "ioredis";
import { MongoClient, MongoServerError } from "mongodb";
import neo4j from "neo4j-driver";
import pg from "pg";
import { expect } from "vitest";
import type { StoreConnection } from "../../../components/core/types";
import type { EngineKind } from "../../harness/engines";
import { uniqueSuffix, withPg } from "../init-support";
import type { ContractFixture } from "./adapter-contract";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------- PostgreSQL

const onDb = <T>(conn: StoreConnection, database: string, f: (c: pg.Client) => Promise<T>) => withPg(conn, "admin", database, f);

/** The PostgreSQL adapter's lock: SHARE ROW EXCLUSIVE on polystore.init_lock, held by a session named `polystore-init <owner>`. */
async function pgLockHolder(conn: StoreConnection): Promise<string | undefined> {
  const r = await onDb(conn, conn.database, (c) =>
    c.query(
      `SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
       WHERE l.locktype = 'relation' AND l.relation = to_regclass('polystore.init_lock') AND l.granted AND l.mode = 'ShareRowExclusiveLock'`,
    ),
  );
  return r.rows[0]?.application_name as string | undefined;
}

export const postgresFixture: ContractFixture = {
  engine: "postgres",
  kind: "postgres",
  ext: ".sql",
  async fresh(base) {
    const db = `polystore_c_${uniqueSuffix()}`;
    await onDb(base, "postgres", (c) => c.query(`CREATE DATABASE ${db}`));
    // A password with quotes: it must reach the server intact and never a report.
    return { ...base, database: db, app: { user: `${db}_app`, password: `pw-${uniqueSuffix()}'"` }, options: { ...base.options, ownerRole: `${db}_owner` } };
  },
  async cleanup(conn) {
    await onDb(conn, "postgres", async (c) => {
      await c.query(`DROP DATABASE IF EXISTS ${conn.database} WITH (FORCE)`);
      await c.query(`DROP ROLE IF EXISTS ${conn.app.user}`);
      await c.query(`DROP ROLE IF EXISTS ${conn.options!.ownerRole}`);
    });
  },
  async rawLedger(conn) {
    return onDb(conn, conn.database, async (c) => {
      if ((await c.query("SELECT to_regclass('polystore.schema_history') AS t")).rows[0].t === null) return [];
      return (await c.query("SELECT version, success FROM polystore.schema_history ORDER BY version")).rows.map((r): [number, boolean] => [r.version, r.success]);
    });
  },
  lockHolder: pgLockHolder,
  async abandonLock(conn, owner) {
    // A runner that dies takes its session, and with it the lock, along.
    await onDb(conn, "postgres", (c) => c.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1", [`polystore-init ${owner}`]));
    for (let i = 0; i < 50 && (await pgLockHolder(conn)); i++) await sleep(100);
  },
  probe: {
    script: (id) => `CREATE TABLE IF NOT EXISTS ${id} (id int);\nGRANT SELECT ON ${id} TO \${APP_ROLE};\n`,
    exists: (conn, id) => onDb(conn, conn.database, async (c) => (await c.query("SELECT to_regclass($1) AS t", [`public.${id}`])).rows[0].t !== null),
  },
  failing: {
    script: (id) => `CREATE TABLE IF NOT EXISTS ${id} (id int);\nINSERT INTO no_such_table VALUES (1);\n`,
    error: /relation "no_such_table" does not exist \(line 2\)/,
    transactional: true,
    firstStatementStays: false,
  },
  placeholder: {
    name: "APP_ROLE",
    script: "CREATE TABLE contract_placeholder AS SELECT '${APP_ROLE}'::text AS v;\n",
    read: (conn) =>
      onDb(conn, conn.database, async (c) => {
        if ((await c.query("SELECT to_regclass('public.contract_placeholder') AS t")).rows[0].t === null) return undefined;
        return (await c.query("SELECT v FROM contract_placeholder")).rows[0]?.v as string | undefined;
      }),
  },
  identity: {
    async login(conn, password) {
      try {
        await withPg({ ...conn, app: { ...conn.app, password } }, "app", undefined, (c) => c.query("SELECT 1"));
        return true;
      } catch (err) {
        if ((err as { code?: string }).code === "28P01") return false; // invalid_password
        throw err;
      }
    },
    async useOwn(conn) {
      const org = "00000000-0000-4000-8000-00000000c0de";
      const seen = await withPg(conn, "app", undefined, async (c) => {
        await c.query("BEGIN");
        try {
          await c.query("SELECT set_config('app.current_org', $1, true)", [org]);
          await c.query("INSERT INTO organizations (id, name, slug) VALUES ($1, 'c', 'c')", [org]);
          return (await c.query("SELECT count(*)::int AS n FROM organizations")).rows[0].n;
        } finally {
          await c.query("ROLLBACK");
        }
      });
      expect(seen).toBe(1);
    },
    async refusedAdmin(conn) {
      await withPg(conn, "app", undefined, async (c) => {
        await expect(c.query("SELECT * FROM polystore.schema_history")).rejects.toThrow(/permission denied for schema polystore/);
        await expect(c.query("CREATE TABLE sneaky (id int)")).rejects.toThrow(/permission denied for schema public/);
        await expect(c.query("DROP TABLE organizations")).rejects.toThrow(/must be owner of table organizations/);
        await expect(c.query("CREATE ROLE sneaky")).rejects.toThrow(/permission denied to create role/);
      });
    },
  },
};

// ---------------------------------------------------------------- Redis

const REDIS_LEDGER = "polystore:schema_history";
const REDIS_LOCK = "polystore:init:lock";
/** Logical databases 8-14 belong to the redis test file (plan.test.ts uses 15); files run one at a time. */
let redisDb = 0;

function redisClient(conn: StoreConnection, who: "admin" | "app", password = conn[who].password): Redis {
  const r = new Redis({
    host: conn.host, port: conn.port, username: conn[who].user, password, db: Number(conn.database),
    lazyConnect: true, maxRetriesPerRequest: 0, enableReadyCheck: false, retryStrategy: () => null,
  });
  r.on("error", () => undefined); // failures surface on the awaited call
  return r;
}

export async function withRedis<T>(conn: StoreConnection, who: "admin" | "app", f: (r: Redis) => Promise<T>, password?: string): Promise<T> {
  const r = redisClient(conn, who, password);
  try {
    await r.connect();
    return await f(r);
  } finally {
    r.disconnect();
  }
}

export const redisFixture: ContractFixture = {
  engine: "redis",
  kind: "redis",
  ext: ".redis",
  async fresh(base) {
    const conn: StoreConnection = { ...base, database: String(8 + (redisDb++ % 7)), app: { user: `app_${uniqueSuffix()}`, password: `pw-${uniqueSuffix()}` } };
    await withRedis(conn, "admin", (r) => r.flushdb());
    return conn;
  },
  async cleanup(conn) {
    await withRedis(conn, "admin", async (r) => {
      await r.call("ACL", "DELUSER", conn.app.user);
      await r.flushdb();
    });
  },
  rawLedger: (conn) =>
    withRedis(conn, "admin", async (r) =>
      Object.values(await r.hgetall(REDIS_LEDGER))
        .map((v) => JSON.parse(v) as { version: number; success: boolean })
        .sort((a, b) => a.version - b.version)
        .map((e): [number, boolean] => [e.version, e.success]),
    ),
  lockHolder: (conn) => withRedis(conn, "admin", async (r) => (await r.get(REDIS_LOCK)) ?? undefined),
  async abandonLock(conn) {
    // The lock is a lease (SET NX PX): a crashed holder's lease runs out.
    await withRedis(conn, "admin", (r) => r.pexpire(REDIS_LOCK, 1));
    await sleep(20);
  },
  probe: {
    script: (id) => `SET cache:contract:${id} 1\n`,
    exists: (conn, id) => withRedis(conn, "admin", async (r) => (await r.exists(`cache:contract:${id}`)) === 1),
  },
  failing: {
    // A runtime error inside EXEC: the SET before it is not rolled back.
    script: (id) => `SET cache:contract:${id} 1\nHSET cache:contract:${id} field value\n`,
    error: /line 2 \(HSET\): WRONGTYPE/,
    transactional: false,
    firstStatementStays: true,
  },
  placeholder: {
    name: "APP_USER",
    script: "SET cache:contract:placeholder ${APP_USER}\n",
    read: (conn) => withRedis(conn, "admin", async (r) => (await r.get("cache:contract:placeholder")) ?? undefined),
  },
  identity: {
    async login(conn, password) {
      // AUTH on an unauthenticated connection: a refused AUTH on connect only shows as "Connection is closed."
      return withRedis({ ...conn, admin: { user: "", password: "" } }, "admin", async (r) => {
        try {
          return (await r.call("AUTH", conn.app.user, password)) === "OK";
        } catch (err) {
          if (/WRONGPASS/.test(String((err as Error).message))) return false;
          throw err;
        }
      });
    },
    async useOwn(conn) {
      await withRedis(conn, "app", async (r) => {
        expect(await r.set("session:contract", "data", "EX", 60)).toBe("OK");
        expect(await r.hget("cache:keyspace:contract", "session:ttl_seconds")).toBe("3600");
      });
    },
    async refusedAdmin(conn) {
      await withRedis(conn, "app", async (r) => {
        await expect(r.flushall()).rejects.toThrow(/NOPERM/);
        await expect(r.call("CONFIG", "SET", "maxmemory", "1")).rejects.toThrow(/NOPERM/);
        await expect(r.call("ACL", "LIST")).rejects.toThrow(/NOPERM/);
        await expect(r.get(REDIS_LEDGER)).rejects.toThrow(/NOPERM/);
        await expect(r.set(REDIS_LOCK, "me")).rejects.toThrow(/NOPERM/);
      });
    },
  },
};

// ---------------------------------------------------------------- MongoDB (FerretDB here)

const MONGO_LEDGER = "_polystore_migrations";
const MONGO_LOCK = "_polystore_lock";

export async function withMongo<T>(conn: StoreConnection, f: (c: MongoClient) => Promise<T>): Promise<T> {
  const c = new MongoClient(`mongodb://${conn.host}:${conn.port}/`, {
    ...(conn.admin.user ? { auth: { username: conn.admin.user, password: conn.admin.password }, authSource: conn.options?.authSource ?? "admin" } : {}),
    ...(conn.options?.authMechanism ? { authMechanism: conn.options.authMechanism as never } : {}),
    directConnection: true, serverSelectionTimeoutMS: 10_000,
  });
  await c.connect();
  try {
    return await f(c);
  } finally {
    await c.close();
  }
}

async function asMongoApp<T>(conn: StoreConnection, password: string, f: (c: MongoClient) => Promise<T>): Promise<T> {
  const c = new MongoClient(`mongodb://${conn.host}:${conn.port}/`, {
    auth: { username: conn.app.user, password }, authSource: conn.database, directConnection: true, serverSelectionTimeoutMS: 5_000,
  });
  try {
    await c.connect();
    return await f(c);
  } finally {
    await c.close();
  }
}

export const mongodbFixture: ContractFixture = {
  engine: "mongodb",
  kind: "mongodb",
  ext: ".json",
  async fresh(base) {
    return { ...base, database: `contract_${uniqueSuffix()}`, app: { user: `app_${uniqueSuffix()}`, password: randomBytes(18).toString("base64url") } };
  },
  async cleanup(conn) {
    await withMongo(conn, async (c) => {
      await c.db(conn.database).command({ dropUser: conn.app.user }).catch(() => undefined);
      await c.db(conn.database).dropDatabase();
    });
  },
  rawLedger: (conn) =>
    withMongo(conn, async (c) =>
      (await c.db(conn.database).collection(MONGO_LEDGER).find({}).sort({ version: 1 }).toArray()).map((e): [number, boolean] => [e.version, e.success]),
    ),
  lockHolder: (conn) => withMongo(conn, async (c) => (await c.db(conn.database).collection<{ _id: string; owner: string }>(MONGO_LOCK).findOne({ _id: "init" }))?.owner),
  async abandonLock(conn) {
    await withMongo(conn, (c) => c.db(conn.database).collection<{ _id: string }>(MONGO_LOCK).updateOne({ _id: "init" }, { $set: { expiresAt: new Date(0) } }));
  },
  probe: {
    script: (id) => JSON.stringify({ commands: [{ create: id }] }, null, 2),
    exists: (conn, id) => withMongo(conn, async (c) => (await c.db(conn.database).listCollections({ name: id }).toArray()).length === 1),
  },
  failing: {
    script: (id) => JSON.stringify({ commands: [{ create: id }, { creatIndexes: id, indexes: [] }] }, null, 2), // unknown command
    error: /command 2 of 2 \(creatIndexes contract_\w+\)/,
    transactional: false,
    firstStatementStays: true,
  },
  placeholder: {
    name: "APP_USER",
    script: JSON.stringify({ commands: [{ insert: "contract_placeholder", documents: [{ _id: "p", v: "${APP_USER}" }] }] }, null, 2),
    read: (conn) => withMongo(conn, async (c) => (await c.db(conn.database).collection<{ _id: string; v: string }>("contract_placeholder").findOne({ _id: "p" }))?.v),
  },
  identity: {
    async login(conn, password) {
      try {
        await asMongoApp(conn, password, (c) => c.db(conn.database).command({ ping: 1 }));
        return true;
      } catch (err) {
        if (err instanceof MongoServerError && err.code === 18) return false; // AuthenticationFailed
        throw err;
      }
    },
    async useOwn(conn) {
      await asMongoApp(conn, conn.app.password, async (c) => {
        await c.db(conn.database).collection("user_preferences").insertOne({ user_id: `u-${uniqueSuffix()}`, settings: {} });
        expect(await c.db(conn.database).collection("user_preferences").countDocuments()).toBeGreaterThan(0);
      });
    },
    async refusedAdmin(conn) {
      await asMongoApp(conn, conn.app.password, async (c) => {
        await expect(c.db(`${conn.database}_other`).collection("x").insertOne({ a: 1 })).rejects.toMatchObject({ code: 13 }); // Unauthorized
        await expect(c.db(conn.database).command({ createUser: "sneaky", pwd: "x", roles: [] })).rejects.toMatchObject({ code: 13 });
      });
    },
  },
  async notApplicable(base) {
    const info = await withMongo(base, (c) => c.db(base.database).command({ buildInfo: 1 }));
    if (typeof info.ferretdbVersion !== "string") return {};
    return {
      leastPrivilege:
        `FerretDB ${info.ferretdbVersion} implements users but not roles or authorization, so the application user cannot be confined ` +
        `(the mongodb file's identity test shows it reaching another database); runs against a real MongoDB`,
    };
  },
};

// ---------------------------------------------------------------- Elasticsearch / OpenSearch

const ES_LEDGER = "polystore-migrations";
const ES_LOCK = "polystore-locks";

/** One REST call with the engine's plain HTTP API (admin credentials unless `as` is given). */
export async function searchCall(
  conn: StoreConnection,
  method: string,
  path: string,
  body?: unknown,
  as: { user: string; password: string } = conn.admin,
): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (as.user) headers.authorization = `Basic ${Buffer.from(`${as.user}:${as.password}`).toString("base64")}`;
  const res = await fetch(`http://${conn.host}:${conn.port}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** Deletes every index the scripts, the runner and the contract create (by name: wildcard deletes are refused), and the articles template. */
export async function resetSearch(conn: StoreConnection): Promise<void> {
  const cat = await searchCall(conn, "GET", "/_cat/indices/articles-*,polystore-*?format=json&h=index&expand_wildcards=all");
  for (const { index } of cat.body as Array<{ index: string }>) await searchCall(conn, "DELETE", `/${index}`);
  await searchCall(conn, "DELETE", "/_index_template/articles");
}

async function searchSecured(conn: StoreConnection): Promise<boolean> {
  const path = conn.options?.flavor === "opensearch" ? "/_plugins/_security/api/account" : "/_security/_authenticate";
  return (await searchCall(conn, "GET", path)).status === 200;
}

function searchFixture(engine: "elasticsearch" | "opensearch"): ContractFixture {
  return {
    engine,
    kind: "elasticsearch",
    ext: ".json",
    // One cluster-wide ledger: every case starts from a cluster without polystore or articles indices.
    async fresh(base) {
      await resetSearch(base);
      return { ...base, app: { user: `app_${uniqueSuffix()}`, password: randomBytes(18).toString("base64url") } };
    },
    async cleanup(conn) {
      await resetSearch(conn);
      if (engine === "elasticsearch") {
        await searchCall(conn, "DELETE", `/_security/user/${conn.app.user}`);
        await searchCall(conn, "DELETE", `/_security/role/${conn.app.user}_role`);
      }
    },
    async rawLedger(conn) {
      const res = await searchCall(conn, "POST", `/${ES_LEDGER}/_search`, { size: 1000, sort: [{ version: "asc" }] });
      if (res.status === 404) return [];
      return (res.body.hits.hits as Array<{ _source: { version: number; success: boolean } }>).map((h): [number, boolean] => [h._source.version, h._source.success]);
    },
    async lockHolder(conn) {
      const res = await searchCall(conn, "GET", `/${ES_LOCK}/_doc/init`);
      return res.status === 200 ? (res.body._source.owner as string) : undefined;
    },
    async abandonLock(conn) {
      await searchCall(conn, "POST", `/${ES_LOCK}/_update/init?refresh=true`, { doc: { expiresAt: 0 } });
    },
    probe: {
      // One API call per script; creating an index is not idempotent, which no case needs here.
      script: (id) => JSON.stringify({ method: "PUT", path: `/polystore-contract-${id}` }, null, 2),
      exists: async (conn, id) => (await searchCall(conn, "HEAD", `/polystore-contract-${id}`)).status === 200,
    },
    failing: {
      // One call per script: the failing call is the whole script, so nothing can stay half-applied.
      script: () => JSON.stringify({ method: "PUT", path: "/articles-999999/_alias/contract_fail" }, null, 2),
      error: /index_not_found_exception/,
      transactional: false,
      firstStatementStays: false,
    },
    placeholder: {
      name: "APP_USER",
      script: JSON.stringify({ method: "PUT", path: "/polystore-contract-placeholder", body: { mappings: { _meta: { v: "${APP_USER}" } } } }, null, 2),
      read: async (conn) => {
        const res = await searchCall(conn, "GET", "/polystore-contract-placeholder/_mapping");
        return res.status === 200 ? res.body["polystore-contract-placeholder"].mappings._meta?.v : undefined;
      },
    },
    identity: {
      async login(conn, password) {
        const res = await searchCall(conn, "GET", "/_security/_authenticate", undefined, { user: conn.app.user, password });
        if (res.status !== 200 && res.status !== 401) throw new Error(`unexpected HTTP ${res.status} from _authenticate: ${JSON.stringify(res.body)}`);
        return res.status === 200;
      },
      async useOwn(conn) {
        const app = conn.app;
        expect((await searchCall(conn, "POST", "/articles/_doc?refresh=true", { id: "c1", title: "Written by the app" }, app)).status).toBe(201);
        const found = await searchCall(conn, "POST", "/articles/_search", { query: { match: { "title.autocomplete": "writ" } } }, app);
        expect(found.body.hits.total.value).toBeGreaterThanOrEqual(1);
      },
      async refusedAdmin(conn) {
        const app = conn.app;
        expect((await searchCall(conn, "PUT", "/not-the-apps-index", undefined, app)).status).toBe(403);
        expect((await searchCall(conn, "POST", `/${ES_LEDGER}/_search`, undefined, app)).status).toBe(403);
        expect((await searchCall(conn, "PUT", "/_index_template/hijack", { index_patterns: ["x-*"] }, app)).status).toBe(403);
        expect((await searchCall(conn, "DELETE", "/articles-000001", undefined, app)).status).toBe(403);
        expect((await searchCall(conn, "GET", "/_security/user", undefined, app)).status).toBe(403);
      },
    },
    async notApplicable(base) {
      if (await searchSecured(base)) return {};
      const why = `${engine} runs here without its security plugin (no roles, no users, any credentials accepted; see test/allowed-skips.json)`;
      return { wrongPassword: why, appLogin: why, leastPrivilege: why };
    },
  };
}

export const elasticsearchFixture = searchFixture("elasticsearch");
export const opensearchFixture = searchFixture("opensearch");

// ---------------------------------------------------------------- Neo4j

export async function cypher(conn: StoreConnection, text: string, params: Record<string, unknown> = {}, database = "neo4j", as = conn.admin): Promise<Array<Record<string, any>>> {
  const d = neo4j.driver(`bolt://${conn.host}:${conn.port}`, neo4j.auth.basic(as.user, as.password), { disableLosslessIntegers: true });
  const s = d.session({ database });
  try {
    return (await s.run(text, params)).records.map((r) => r.toObject());
  } finally {
    await s.close();
    await d.close();
  }
}

/** Drops every constraint, index and node (one graph, one ledger per server). */
export async function resetNeo4j(conn: StoreConnection): Promise<void> {
  for (const r of await cypher(conn, "SHOW CONSTRAINTS YIELD name RETURN name")) await cypher(conn, `DROP CONSTRAINT \`${r.name}\` IF EXISTS`);
  for (const r of await cypher(conn, "SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP' RETURN name")) await cypher(conn, `DROP INDEX \`${r.name}\` IF EXISTS`);
  await cypher(conn, "MATCH (n) DETACH DELETE n");
}

export const neo4jFixture: ContractFixture = {
  engine: "neo4j",
  kind: "neo4j",
  ext: ".cypher",
  async fresh(base) {
    await resetNeo4j(base);
    return { ...base, app: { user: `app_${uniqueSuffix()}`, password: randomBytes(18).toString("base64url") } };
  },
  async cleanup(conn) {
    await resetNeo4j(conn);
    await cypher(conn, "DROP USER $u IF EXISTS", { u: conn.app.user }, "system");
  },
  rawLedger: async (conn) =>
    (await cypher(conn, "MATCH (m:__PolystoreMigration) RETURN m.version AS v, m.success AS s ORDER BY m.version")).map((r): [number, boolean] => [r.v, r.s]),
  lockHolder: async (conn) => (await cypher(conn, "MATCH (l:__PolystoreLock) RETURN l.owner AS owner"))[0]?.owner,
  async abandonLock(conn) {
    await cypher(conn, "MATCH (l:__PolystoreLock {id: 'lock'}) SET l.expiresAt = 0");
  },
  probe: {
    script: (id) => `CREATE INDEX ${id} IF NOT EXISTS FOR (p:ContractProbe) ON (p.${id});\n`,
    exists: async (conn, id) => (await cypher(conn, "SHOW INDEXES YIELD name WHERE name = $id RETURN name", { id })).length === 1,
  },
  failing: {
    // Schema commands cannot share a transaction: statement 1 stays, the typo in statement 2 fails.
    script: (id) => `CREATE INDEX ${id} IF NOT EXISTS FOR (p:ContractProbe) ON (p.${id});\nCREAT INDEX ${id}_b IF NOT EXISTS FOR (p:ContractProbe) ON (p.b);\n`,
    error: /statement 2 of 2 \(line 2\): Neo\.ClientError\.Statement\.SyntaxError/,
    transactional: false,
    firstStatementStays: true,
  },
  placeholder: {
    name: "APP_USER",
    script: "MERGE (:ContractPlaceholder {v: '${APP_USER}'});\n",
    read: async (conn) => (await cypher(conn, "MATCH (p:ContractPlaceholder) RETURN p.v AS v"))[0]?.v,
  },
  identity: {
    async login(conn, password) {
      // A fresh driver per check: a pooled connection stays authenticated after a password change.
      const d = neo4j.driver(`bolt://${conn.host}:${conn.port}`, neo4j.auth.basic(conn.app.user, password));
      try {
        return await d.verifyAuthentication();
      } finally {
        await d.close();
      }
    },
    async useOwn(conn) {
      await cypher(conn, "MERGE (:ContractAppNode {x: 1})", {}, "neo4j", conn.app);
      expect(await cypher(conn, "MATCH (n:ContractAppNode) RETURN count(n) AS n", {}, "neo4j", conn.app)).toEqual([{ n: 1 }]);
    },
    async refusedAdmin(conn) {
      // Enterprise: the editor role may write data but not change the schema or manage users.
      await expect(cypher(conn, "CREATE CONSTRAINT app_probe IF NOT EXISTS FOR (n:AppProbe) REQUIRE n.id IS UNIQUE", {}, "neo4j", conn.app)).rejects.toThrow();
      await expect(cypher(conn, "CREATE USER sneaky SET PASSWORD 'sneaky-password'", {}, "system", conn.app)).rejects.toThrow();
    },
  },
  async notApplicable(base) {
    const [{ edition }] = (await cypher(base, "CALL dbms.components() YIELD edition RETURN edition")) as [{ edition: string }];
    if (edition === "enterprise") return {};
    return {
      leastPrivilege:
        `Neo4j ${edition} edition has no role-based access control: every user has full rights ` +
        `(the neo4j file's test "app user is not least-privilege on Community Edition" pins this down)`,
    };
  },
};

// ---------------------------------------------------------------- ClickHouse (chDB here)

interface ChdbSession {
  queryAsync(sql: string, opts?: { format?: string }): Promise<{ text(): string }>;
  close(): void;
}

/** Rows of one query, as the engine's own client returns them: chDB's Session in process, or HTTP for a server. */
export async function chQuery<T = Record<string, any>>(conn: StoreConnection, sql: string, as = conn.admin): Promise<T[]> {
  if (conn.host === "chdb") {
    const { Session } = (await import("chdb")) as unknown as { Session: new (path: string) => ChdbSession };
    const s = new Session(conn.options!.path as string);
    try {
      const text = (await s.queryAsync(sql, { format: "JSONEachRow" })).text();
      return text.split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l) as T);
    } finally {
      s.close();
    }
  }
  const { createClient } = await import("@clickhouse/client");
  const c = createClient({ url: `${conn.tls ? "https" : "http"}://${conn.host}:${conn.port}`, username: as.user, password: as.password });
  try {
    if (!/^\s*(SELECT|SHOW|WITH)\b/i.test(sql)) {
      await c.command({ query: sql });
      return [];
    }
    const res = await c.query({ query: sql, format: "JSONEachRow" });
    return await res.json<T>();
  } finally {
    await c.close();
  }
}

async function chLockHolder(conn: StoreConnection): Promise<string | undefined> {
  const t = await chQuery<{ n: string }>(conn, "SELECT count() AS n FROM system.tables WHERE database = 'polystore' AND name = 'init_lock'");
  if (Number(t[0]?.n) === 0) return undefined;
  const rows = await chQuery<{ owner: string }>(
    conn,
    `SELECT owner FROM (SELECT owner, argMax(expires_at, seq) AS x, argMax(released, seq) AS r FROM polystore.init_lock
     WHERE database = '${conn.database}' GROUP BY owner) WHERE r = 0 AND x > now64(6) ORDER BY owner`,
  );
  return rows.map((r) => r.owner).join(",") || undefined;
}

export const clickhouseFixture: ContractFixture = {
  engine: "clickhouse",
  kind: "clickhouse",
  ext: ".sql",
  async fresh(base) {
    return { ...base, database: `contract_${uniqueSuffix()}`, app: { user: `app_${uniqueSuffix()}`, password: randomBytes(18).toString("base64url") }, options: { ...base.options, lockSettleMs: "150" } };
  },
  async cleanup(conn) {
    await chQuery(conn, `DROP DATABASE IF EXISTS \`${conn.database}\``);
  },
  async rawLedger(conn) {
    const t = await chQuery<{ n: string }>(conn, "SELECT count() AS n FROM system.tables WHERE database = 'polystore' AND name = 'schema_history'");
    if (Number(t[0]?.n) === 0) return [];
    const rows = await chQuery<{ version: number; s: number }>(
      conn,
      `SELECT version, argMax(success, seq) AS s, argMax(deleted, seq) AS d FROM polystore.schema_history
       WHERE database = '${conn.database}' GROUP BY version HAVING d = 0 ORDER BY version`,
    );
    return rows.map((r): [number, boolean] => [Number(r.version), Number(r.s) === 1]);
  },
  lockHolder: chLockHolder,
  async abandonLock(conn, owner) {
    // The claim row's lease runs out: its newest row says it expired.
    await chQuery(
      conn,
      `INSERT INTO polystore.init_lock (database, owner, claimed_at, expires_at, released, seq)
       VALUES ('${conn.database}', '${owner}', now64(6), now64(6) - toIntervalSecond(1), 0, toUnixTimestamp64Micro(now64(6)))`,
    );
  },
  probe: {
    script: (id) => `CREATE TABLE IF NOT EXISTS \${DATABASE}.${id} (id UInt32) ENGINE = MergeTree ORDER BY id;\n`,
    exists: async (conn, id) => (await chQuery(conn, `SELECT name FROM system.tables WHERE database = '${conn.database}' AND name = '${id}'`)).length === 1,
  },
  failing: {
    // No DDL transactions: statement 1 stays.
    script: (id) => `CREATE TABLE IF NOT EXISTS \${DATABASE}.${id} (id UInt32) ENGINE = MergeTree ORDER BY id;\nSELECT no_such_column FROM \${DATABASE}.${id};\n`,
    error: /statement 2 of 2 \(line 2\): .*no_such_column.*statements 1-1 stayed applied/,
    transactional: false,
    firstStatementStays: true,
  },
  placeholder: {
    name: "APP_USER",
    script: "CREATE TABLE IF NOT EXISTS ${DATABASE}.contract_placeholder ENGINE = MergeTree ORDER BY v AS SELECT '${APP_USER}' AS v;\n",
    read: async (conn) => {
      if (!(await clickhouseFixture.probe.exists(conn, "contract_placeholder"))) return undefined;
      return (await chQuery<{ v: string }>(conn, `SELECT v FROM \`${conn.database}\`.contract_placeholder`))[0]?.v;
    },
  },
  identity: {
    async login(conn, password) {
      try {
        await chQuery(conn, "SELECT 1", { user: conn.app.user, password });
        return true;
      } catch (err) {
        if (/Code: 516|AUTHENTICATION_FAILED/.test(String((err as Error).message))) return false;
        throw err;
      }
    },
    async useOwn(conn) {
      expect(await chQuery(conn, `SELECT count() AS n FROM \`${conn.database}\`.telemetry_events`, conn.app)).toEqual([{ n: "0" }]);
    },
    async refusedAdmin(conn) {
      await expect(chQuery(conn, "SELECT * FROM polystore.schema_history", conn.app)).rejects.toThrow(/Not enough privileges|ACCESS_DENIED/);
      await expect(chQuery(conn, `DROP TABLE \`${conn.database}\`.telemetry_events`, conn.app)).rejects.toThrow(/Not enough privileges|ACCESS_DENIED/);
    },
  },
  async notApplicable(base) {
    if (base.host !== "chdb") return {};
    const noAccess = "chDB (clickhouse-local in process) has no writable access storage: users cannot be created here; the clickhouse file shows the SQL a server gets";
    return {
      unreachable: "chDB runs in process: there is no server that could fail to answer",
      wrongPassword: "chDB runs in process without authentication",
      appLogin: noAccess,
      leastPrivilege: noAccess,
    };
  },
};

/** Every fixture by harness engine. */
export const CONTRACT_FIXTURES: Record<EngineKind, ContractFixture> = {
  postgres: postgresFixture,
  redis: redisFixture,
  mongodb: mongodbFixture,
  elasticsearch: elasticsearchFixture,
  opensearch: opensearchFixture,
  neo4j: neo4jFixture,
  clickhouse: clickhouseFixture,
};
