/**
 * `migrate plan` against the real engines: on a store with its first script
 * applied, plan lists exactly the scripts (and in the order) that `apply` then
 * applies, with statements; it takes no lock and writes nothing (ledger rows
 * equal before and after; the lock document/key/row is absent, or for PostgreSQL
 * no advisory lock is held, or for ClickHouse no claim row was added). After an
 * applied script is edited and another removed, plan names both and says apply
 * would refuse, and apply does refuse.
 */
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, inject } from "vitest";
import { createAdapter, runStore } from "../../components/init";
import { planStore } from "../../components/init/plan";
import { defaultScriptsDir } from "../../components/init/runner";
import type { StoreConnection } from "../../components/core/types";
import { CONTRACT_FIXTURES, chQuery, cypher, searchCall, withMongo, withRedis } from "./contract/fixtures";
import { ok, withPg } from "./init-support";

type Engine = "postgres" | "redis" | "clickhouse" | "neo4j" | "mongodb" | "elasticsearch" | "opensearch";

/**
 * Per engine: the contract fixture's fresh place and cleanup (contract/fixtures.ts), and the lock's
 * state here, stricter than "nobody holds it": no advisory lock either (PostgreSQL), no claim row
 * at all (ClickHouse). Must be "none" (or an unchanged claim-row count) between runs.
 */
const LOCK_STATE: Record<Engine, (conn: StoreConnection) => Promise<string>> = {
  async postgres(conn) {
    // The runner's lock is a table lock on polystore.init_lock held by a second admin session (and, before
    // that, an advisory lock): neither may be held by anyone once plan has run.
    const r = await withPg(conn, "admin", conn.database, (c) =>
      c.query(
        "SELECT count(*)::int AS n FROM pg_locks l LEFT JOIN pg_class k ON k.oid = l.relation " +
          "WHERE l.pid <> pg_backend_pid() AND (k.relname = 'init_lock' OR l.locktype = 'advisory')",
      ),
    );
    return r.rows[0].n === 0 ? "none" : `${r.rows[0].n} runner lock(s) held`;
  },
  async redis(conn) {
    const v = await withRedis(conn, "admin", (r) => r.get("polystore:init:lock"));
    return v === null ? "none" : `lock key held by ${v}`;
  },
  // The claim-row lock: rows are appended and marked released; plan must add none.
  async clickhouse(conn) {
    const exists = await chQuery<{ n: number }>(conn, "SELECT count() AS n FROM system.tables WHERE database = 'polystore' AND name = 'init_lock'");
    if (Number(exists[0]?.n ?? 0) === 0) return "none";
    const rows = await chQuery<{ n: number }>(conn, `SELECT count() AS n FROM polystore.init_lock WHERE database = '${conn.database}'`);
    return `${Number(rows[0]?.n ?? 0)} claim row(s)`;
  },
  async neo4j(conn) {
    const rows = await cypher(conn, "MATCH (l:__PolystoreLock) RETURN count(l) AS n");
    return rows[0]!.n === 0 ? "none" : `${rows[0]!.n} lock node(s)`;
  },
  async mongodb(conn) {
    const doc = await withMongo(conn, (c) => c.db(conn.database).collection<{ _id: string }>("_polystore_lock").findOne({ _id: "init" }));
    return doc ? `lock doc ${JSON.stringify(doc)}` : "none";
  },
  elasticsearch: searchLockState,
  opensearch: searchLockState,
};

async function searchLockState(conn: StoreConnection): Promise<string> {
  const res = await searchCall(conn, "GET", "/polystore-locks/_doc/init");
  return res.status === 404 ? "none" : `lock doc ${JSON.stringify(res.body?._source)}`;
}

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

const engines = Object.keys(LOCK_STATE) as Engine[];

describe.each(engines)("migrate plan on %s", (engine) => {
  it("lists exactly what apply then applies, and leaves the ledger and the lock untouched; an edited applied script makes apply refuse", async () => {
    const base = (inject as unknown as (k: string) => Partial<Record<Engine, StoreConnection>>)("connections")[engine];
    if (!base) throw new Error(`the stores harness did not start ${engine} (see POLYSTORE_HARNESS_ENGINES)`);
    const fx = { ...CONTRACT_FIXTURES[engine], lockState: LOCK_STATE[engine] };
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
