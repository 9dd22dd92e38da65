/**
 * `migrate plan` against the real engines: on a store with its first script
 * applied, plan lists exactly the scripts (and in the order) that `apply` then
 * applies, with statements; it takes no lock and writes nothing (ledger rows
 * equal before and after; the lock document/key/row is absent, or for PostgreSQL
 * no advisory lock is held, or for ClickHouse no claim row was added). After an
 * applied script is edited and another removed, plan names both and says apply
 * would refuse, and apply does refuse.
 */
import { randomBytes } from "node:crypto";
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import neo4j from "neo4j-driver";
import Redis from "ioredis";
import { MongoClient } from "mongodb";
import pg from "pg";
import { afterAll, describe, expect, it, inject } from "vitest";
import { createAdapter, runStore } from "../../components/init";
import { createExecutor } from "../../components/init/adapters/clickhouse-executor";
import { ES_LOCK_INDEX } from "../../components/init/adapters/elasticsearch";
import { MONGO_LOCK } from "../../components/init/adapters/mongodb";
import { createSearchHttp } from "../../components/init/adapters/search-http";
import { planStore } from "../../components/init/plan";
import { defaultScriptsDir } from "../../components/init/runner";
import type { StoreConnection } from "../../components/core/types";
import { ok, uniqueSuffix, withPg } from "./init-support";

type Engine = "postgres" | "redis" | "clickhouse" | "neo4j" | "mongodb" | "elasticsearch" | "opensearch";

/** Per engine: a fresh, empty place for a ledger, and the lock's state (must be "none" between runs). */
interface Fixture {
  fresh(base: StoreConnection): Promise<StoreConnection>;
  lockState(conn: StoreConnection): Promise<string>;
  cleanup(conn: StoreConnection): Promise<void>;
}

const withAdminPg = <T>(conn: StoreConnection, database: string, f: (c: pg.Client) => Promise<T>): Promise<T> => withPg(conn, "admin", database, f);

async function withRedis<T>(conn: StoreConnection, f: (r: Redis) => Promise<T>): Promise<T> {
  const r = new Redis({ host: conn.host, port: conn.port, username: conn.admin.user, password: conn.admin.password, db: Number(conn.database), lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  r.on("error", () => undefined);
  await r.connect();
  try {
    return await f(r);
  } finally {
    r.disconnect();
  }
}

async function withNeo4j<T>(conn: StoreConnection, cypher: string, params: Record<string, unknown> = {}, database = "neo4j"): Promise<Array<Record<string, unknown>>> {
  const d = neo4j.driver(`bolt://${conn.host}:${conn.port}`, neo4j.auth.basic(conn.admin.user, conn.admin.password), { disableLosslessIntegers: true });
  const s = d.session({ database });
  try {
    return (await s.run(cypher, params)).records.map((r) => r.toObject());
  } finally {
    await s.close();
    await d.close();
  }
}

async function withMongo<T>(conn: StoreConnection, f: (c: MongoClient) => Promise<T>): Promise<T> {
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

const search = (): Fixture => ({
  // One cluster-wide ledger: start from no polystore or articles indices (as elasticsearch.test.ts does).
  async fresh(base) {
    await this.cleanup(base);
    return base;
  },
  async lockState(conn) {
    const http = createSearchHttp(conn);
    try {
      const res = await http.send({ method: "GET", path: `/${ES_LOCK_INDEX}/_doc/init`, ok: [404] });
      return res.status === 404 ? "none" : `lock doc ${JSON.stringify(res.body?._source)}`;
    } finally {
      await http.close();
    }
  },
  async cleanup(conn) {
    const http = createSearchHttp(conn);
    try {
      const cat = await http.send({ method: "GET", path: "/_cat/indices/articles-*,polystore-*", querystring: { format: "json", h: "index", expand_wildcards: "all" } });
      for (const { index } of cat.body as Array<{ index: string }>) await http.send({ method: "DELETE", path: `/${index}` });
      await http.send({ method: "DELETE", path: "/_index_template/articles", ok: [404] });
    } finally {
      await http.close();
    }
  },
});

const FIXTURES: Record<Engine, Fixture> = {
  postgres: {
    async fresh(base) {
      const db = `polystore_plan_${uniqueSuffix()}`;
      await withAdminPg(base, "postgres", (c) => c.query(`CREATE DATABASE ${db}`));
      return { ...base, database: db, app: { user: `${db}_app`, password: `pw-${uniqueSuffix()}` }, options: { ...base.options, ownerRole: `${db}_owner` } };
    },
    async lockState(conn) {
      // The runner's lock is a table lock on polystore.init_lock held by a second admin session (and, before
      // that, an advisory lock): neither may be held by anyone once plan has run.
      const r = await withAdminPg(conn, conn.database, (c) =>
        c.query(
          "SELECT count(*)::int AS n FROM pg_locks l LEFT JOIN pg_class k ON k.oid = l.relation " +
            "WHERE l.pid <> pg_backend_pid() AND (k.relname = 'init_lock' OR l.locktype = 'advisory')",
        ),
      );
      return r.rows[0].n === 0 ? "none" : `${r.rows[0].n} runner lock(s) held`;
    },
    async cleanup(conn) {
      await withAdminPg(conn, "postgres", async (c) => {
        await c.query(`DROP DATABASE IF EXISTS ${conn.database} WITH (FORCE)`);
        await c.query(`DROP ROLE IF EXISTS ${conn.database}_app`);
        await c.query(`DROP ROLE IF EXISTS ${conn.database}_owner`);
      });
    },
  },
  redis: {
    // Logical database 15 belongs to this file (redis.test.ts uses 8-14).
    async fresh(base) {
      const conn = { ...base, database: "15", app: { user: `app_${uniqueSuffix()}`, password: `pw-${uniqueSuffix()}` } };
      await withRedis(conn, (r) => r.flushdb());
      return conn;
    },
    async lockState(conn) {
      const v = await withRedis(conn, (r) => r.get("polystore:init:lock"));
      return v === null ? "none" : `lock key held by ${v}`;
    },
    async cleanup(conn) {
      await withRedis(conn, async (r) => {
        await r.flushdb();
        await r.call("ACL", "DELUSER", conn.app.user);
      });
    },
  },
  clickhouse: {
    async fresh(base) {
      return { ...base, database: `plan_${uniqueSuffix()}`, options: { ...base.options, lockSettleMs: "150" } };
    },
    // The claim-row lock: rows are appended and marked released; plan must add none.
    async lockState(conn) {
      const ch = await createExecutor(conn);
      try {
        const exists = await ch.query<{ n: number }>("SELECT count() AS n FROM system.tables WHERE database = 'polystore' AND name = 'init_lock'");
        if (Number(exists[0]?.n ?? 0) === 0) return "none";
        const rows = await ch.query<{ n: number }>(`SELECT count() AS n FROM polystore.init_lock WHERE database = '${conn.database}'`);
        return `${Number(rows[0]?.n ?? 0)} claim row(s)`;
      } finally {
        await ch.close();
      }
    },
    async cleanup(conn) {
      const ch = await createExecutor(conn);
      try {
        await ch.query(`DROP DATABASE IF EXISTS \`${conn.database}\``);
      } finally {
        await ch.close();
      }
    },
  },
  neo4j: {
    async fresh(base) {
      const conn = { ...base, app: { user: "polystore_app", password: randomBytes(18).toString("base64url") } };
      await this.cleanup(conn);
      return conn;
    },
    async lockState(conn) {
      const rows = await withNeo4j(conn, "MATCH (l:__PolystoreLock) RETURN count(l) AS n");
      return rows[0]!.n === 0 ? "none" : `${rows[0]!.n} lock node(s)`;
    },
    async cleanup(conn) {
      for (const r of await withNeo4j(conn, "SHOW CONSTRAINTS YIELD name RETURN name")) await withNeo4j(conn, `DROP CONSTRAINT \`${r.name}\` IF EXISTS`);
      for (const r of await withNeo4j(conn, "SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP' RETURN name")) await withNeo4j(conn, `DROP INDEX \`${r.name}\` IF EXISTS`);
      await withNeo4j(conn, "MATCH (n) DETACH DELETE n");
      await withNeo4j(conn, "DROP USER $u IF EXISTS", { u: conn.app.user }, "system");
    },
  },
  mongodb: {
    async fresh(base) {
      return { ...base, database: `plan_${uniqueSuffix()}`, app: { user: `app_${uniqueSuffix()}`, password: randomBytes(18).toString("base64url") } };
    },
    async lockState(conn) {
      const doc = await withMongo(conn, (c) => c.db(conn.database).collection<{ _id: string }>(MONGO_LOCK).findOne({ _id: "init" }));
      return doc ? `lock doc ${JSON.stringify(doc)}` : "none";
    },
    async cleanup(conn) {
      await withMongo(conn, async (c) => {
        await c.db(conn.database).command({ dropUser: conn.app.user }).catch(() => undefined);
        await c.db(conn.database).dropDatabase();
      });
    },
  },
  elasticsearch: search(),
  opensearch: search(),
};

const tmpDirs: string[] = [];
afterAll(() => {
  for (const d of tmpDirs) rmSync(d, { recursive: true, force: true });
});

/** A copy of the shipped scripts holding only the first; the others wait in `rest`. */
function splitScripts(kind: StoreConnection["kind"]): { dir: string; rest: string; files: string[] } {
  const root = mkdtempSync(join(tmpdir(), `polystore-plan-${kind}-`));
  tmpDirs.push(root);
  const dir = join(root, "scripts");
  const rest = join(root, "rest");
  cpSync(defaultScriptsDir(kind), dir, { recursive: true });
  mkdirSync(rest);
  const files = readdirSync(dir).filter((f) => /^\d{3,}_/.test(f)).sort();
  for (const f of files.slice(1)) renameSync(join(dir, f), join(rest, f));
  if (files.length === 1 && kind === "redis") {
    // Redis ships one script: a second (idempotent, app namespace) gives plan something pending after the first apply.
    writeFileSync(join(rest, "002_plan_probe.redis"), "HSET cache:plan:probe version 1\n");
    files.push("002_plan_probe.redis");
  }
  return { dir, rest, files };
}

async function ledgerRows(conn: StoreConnection) {
  const a = await createAdapter(conn);
  await a.connect();
  try {
    return await a.readLedger();
  } finally {
    await a.close();
  }
}

const engines = Object.keys(FIXTURES) as Engine[];

describe.each(engines)("migrate plan on %s", (engine) => {
  it("lists exactly what apply then applies, and leaves the ledger and the lock untouched; an edited applied script makes apply refuse", async () => {
    const base = (inject as unknown as (k: string) => Partial<Record<Engine, StoreConnection>>)("connections")[engine];
    if (!base) throw new Error(`the stores harness did not start ${engine} (see POLYSTORE_HARNESS_ENGINES)`);
    const fx = FIXTURES[engine];
    const conn = await fx.fresh(base);
    const apply = async (dir: string) => runStore(conn, await createAdapter(conn), "apply", { scriptsDir: dir, waitTimeoutMs: 30_000, lockTimeoutMs: 60_000 });
    const plan = async (dir: string) => planStore(conn, await createAdapter(conn), { scriptsDir: dir, waitTimeoutMs: 30_000 });
    try {
      const { dir, rest, files } = splitScripts(conn.kind);
      expect(files.length).toBeGreaterThanOrEqual(2);

      // Before any apply: everything pending, no ledger created by plan.
      const empty = await plan(dir);
      expect(empty).toMatchObject({ ok: true, refusals: [], upToDate: [] });
      expect(empty.pending.map((p) => p.fileName)).toEqual([files[0]]);
      expect(await ledgerRows(conn)).toEqual([]);

      expect(ok(await apply(dir)).applied.map((a) => a.fileName)).toEqual([files[0]]);
      for (const f of files.slice(1)) renameSync(join(rest, f), join(dir, f));

      const ledgerBefore = await ledgerRows(conn);
      const lockBefore = await fx.lockState(conn);
      expect(lockBefore).toMatch(/^(none|\d+ claim row\(s\))$/);
      const p = await plan(dir);
      expect(p.error).toBeUndefined();
      expect(p).toMatchObject({ ok: true, refusals: [], changed: [], missingFiles: [], upToDate: [1] });
      expect(p.pending.map((s) => s.fileName)).toEqual(files.slice(1));
      for (const s of p.pending) {
        expect(s.statements.length).toBeGreaterThan(0);
        expect(s.statements.map((st) => st.text).join("\n")).not.toMatch(/\$\{[A-Z_]+\}/); // placeholders substituted
      }
      const json = JSON.stringify(p);
      for (const secret of [conn.admin.password, conn.app.password].filter(Boolean)) expect(json).not.toContain(secret);
      expect(await ledgerRows(conn)).toEqual(ledgerBefore);
      expect(await fx.lockState(conn)).toBe(lockBefore);

      const applied = ok(await apply(dir));
      expect(applied.applied.map((a) => a.fileName)).toEqual(p.pending.map((s) => s.fileName));
      expect((await ledgerRows(conn)).map((e) => e.checksum)).toEqual([...ledgerBefore.map((e) => e.checksum), ...p.pending.map((s) => s.checksum)]);

      // Edit an applied script and remove another: plan names both and says apply would refuse (exit 1).
      appendFileSync(join(dir, files[0]!), "\n");
      rmSync(join(dir, files[files.length - 1]!));
      const ledgerNow = await ledgerRows(conn);
      const refused = await plan(dir);
      expect(refused.ok).toBe(true);
      expect(refused.changed.map((c) => c.fileName)).toEqual([files[0]]);
      expect(refused.missingFiles.map((m) => m.version)).toEqual([files.length]);
      expect(refused.refusals.join("\n")).toContain(`already-applied script(s) changed on disk: ${files[0]}`);
      expect(await ledgerRows(conn)).toEqual(ledgerNow);
      const applyRefused = await apply(dir);
      expect(applyRefused.ok).toBe(false);
      expect(applyRefused.error).toContain(`already-applied script(s) changed on disk: ${files[0]}`);
    } finally {
      await fx.cleanup(conn);
    }
  });
});
