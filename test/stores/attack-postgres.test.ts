/**
 * Attacks on PostgreSQL as the APPLICATION: a database provisioned by
 * polystore's own runner, attacked with a client built only from the env
 * file's DATABASE_URL (appEnv). Each block is one class of issue 14 that must
 * stay closed (or, for what PostgreSQL cannot refuse, stay bounded): the
 * runner's lock, other databases, cross-tenant references, held locks and
 * abandoned sessions, the shared counter and a changed application password.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAdapter, runStore } from "../../components/init";
import { appEnv } from "../../components/stores";
import type { StoreConnection } from "../../components/core/types";
import { APP_PASSWORD_MISMATCH, checkAppLogin } from "../../stacks/health-app";
import { copyScripts, ok, removeDir, run, storeConnection, uniqueSuffix, withPg } from "./init-support";

const ORG_A = "00000000-0000-4000-8000-0000000000aa";
const ORG_B = "00000000-0000-4000-8000-0000000000bb";
const PROJECT_B = "00000000-0000-4000-8000-0000000000b1";
const USER_B = "00000000-0000-4000-8000-0000000000b2";
const NOWHERE = "00000000-0000-4000-8000-0000000000ff";

let base: StoreConnection;
let conn: StoreConnection;
const roles: string[] = [];

/** A pg client from the env file's DATABASE_URL (optionally another database on the same server). */
async function asApp<T>(f: (c: pg.Client) => Promise<T>, database?: string): Promise<T> {
  const url = new URL(appEnv(conn).DATABASE_URL!);
  if (database) url.pathname = `/${database}`;
  const c = new pg.Client({ connectionString: url.toString() });
  c.on("error", () => undefined);
  await c.connect();
  try {
    return await f(c);
  } finally {
    await c.end().catch(() => undefined);
  }
}

const asAdmin = <T>(database: string, f: (c: pg.Client) => Promise<T>): Promise<T> => withPg(base, "admin", database, f);

/** Runs `f` in a transaction as tenant `org`; always rolls back unless `commit`. */
async function asTenant<T>(c: pg.Client, org: string, f: () => Promise<T>, commit = false): Promise<T> {
  await c.query("BEGIN");
  try {
    await c.query("SELECT set_config('app.current_org', $1, true)", [org]);
    const out = await f();
    await c.query(commit ? "COMMIT" : "ROLLBACK");
    return out;
  } catch (err) {
    await c.query("ROLLBACK").catch(() => undefined);
    throw err;
  }
}

/** SQLSTATE and message of a failing query, with the ids in it replaced so two failures can be compared. */
async function failure(p: Promise<unknown>): Promise<{ code: string; message: string; detail: string }> {
  const err = (await p.then(() => undefined, (e: unknown) => e)) as { code?: string; message?: string; detail?: string } | undefined;
  if (!err) throw new Error("expected the statement to fail");
  const scrub = (s = "") => s.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, "<id>");
  return { code: err.code ?? "", message: scrub(err.message), detail: scrub(err.detail) };
}

beforeAll(async () => {
  base = storeConnection("postgres");
  const db = `polystore_atk_${uniqueSuffix()}`;
  await asAdmin("postgres", (c) => c.query(`CREATE DATABASE ${db}`));
  roles.push(`${db}_app`, `${db}_owner`, `${db}_other`);
  conn = {
    ...base, database: db, app: { user: `${db}_app`, password: `pw-${uniqueSuffix()}` },
    // Short session limits so the held-lock test ends in seconds (the stack defaults are 5 s / 30 s / 60 s).
    options: { ...base.options, ownerRole: `${db}_owner`, appLockTimeoutMs: "500", appStatementTimeoutMs: "3000", appIdleInTransactionTimeoutMs: "1500" },
  };
  ok(await run(conn, "apply"));
  // Tenant B's rows, written by B.
  await asApp((c) =>
    asTenant(c, ORG_B, async () => {
      await c.query("INSERT INTO organizations (id, name, slug) VALUES ($1, 'B', 'org-b')", [ORG_B]);
      await c.query("INSERT INTO users (id, organization_id, email) VALUES ($1, $2, 'b@b.example')", [USER_B, ORG_B]);
      await c.query("INSERT INTO projects (id, organization_id, name, slug) VALUES ($1, $2, 'B secret', 'launch')", [PROJECT_B, ORG_B]);
    }, true),
  );
  await asApp((c) => asTenant(c, ORG_A, () => c.query("INSERT INTO organizations (id, name, slug) VALUES ($1, 'A', 'org-a')", [ORG_A]), true));
});

afterAll(async () => {
  await asAdmin("postgres", async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${conn.database} WITH (FORCE)`);
    for (const r of roles) await c.query(`DROP ROLE IF EXISTS ${r}`);
  });
});

describe("attack as the app (DATABASE_URL from the env file): the runner's lock", () => {
  it("cannot take the runner's lock; holding the old advisory key no longer stops an apply", async () => {
    const dir = copyScripts("postgres");
    try {
      writeFileSync(join(dir, "900_extra.sql"), "CREATE TABLE attack_extra (id int);\n");
      await asApp(async (c) => {
        expect((await c.query("SELECT pg_try_advisory_lock(1886350457, 1) AS ok")).rows[0].ok).toBe(true);
        await c.query("BEGIN");
        expect((await failure(c.query("LOCK TABLE polystore.init_lock IN ACCESS EXCLUSIVE MODE"))).message).toMatch(/permission denied for schema polystore/);
        await c.query("ROLLBACK");
        expect((await failure(c.query("SELECT * FROM polystore.schema_history"))).message).toMatch(/permission denied for schema polystore/);
        // While the app holds what it can: the runner still takes its lock and applies.
        const r = ok(await runStore(conn, await createAdapter(conn), "apply", { scriptsDir: dir, lockTimeoutMs: 3000, waitTimeoutMs: 10_000 }));
        expect(r.applied.map((a) => a.version)).toEqual([900]);
      });
    } finally {
      removeDir(dir);
    }
  });

  it("the lock still excludes a second runner, which names the holder", async () => {
    const holder = await createAdapter(conn);
    await holder.connect();
    await holder.acquireLock("attack-holder", 1000);
    try {
      const blocked = await runStore(conn, await createAdapter(conn), "repair", { lockTimeoutMs: 500, waitTimeoutMs: 5000 });
      expect(blocked.error).toMatch(/could not take the init lock within 500 ms \(held by polystore-init attack-holder\)/);
    } finally {
      await holder.releaseLock("attack-holder");
      await holder.close();
    }
    ok(await runStore(conn, await createAdapter(conn), "repair", { lockTimeoutMs: 2000, waitTimeoutMs: 5000 }));
  });
});

describe("attack as the app: other databases", () => {
  it("cannot connect to postgres or template1; only the app role may connect to the app's database", async () => {
    for (const other of ["postgres", "template1"]) {
      await expect(asApp(() => Promise.resolve(), other)).rejects.toThrow(new RegExp(`permission denied for database "?${other}"?`));
    }
    const other = `${conn.database}_other`;
    await asAdmin("postgres", (c) => c.query(`CREATE ROLE ${other} LOGIN PASSWORD 'other-pw'`));
    const c = new pg.Client({ host: conn.host, port: conn.port, user: other, password: "other-pw", database: conn.database });
    await expect(c.connect()).rejects.toThrow(/permission denied for database/);
    await c.end().catch(() => undefined);
  });
});

describe("attack as the app: cross-tenant references and probes", () => {
  it("tenant A cannot reference B's project or user, and B's ids fail exactly like ids that do not exist", async () => {
    await asApp(async (c) => {
      const insertArticle = (project: string | null, author: string | null) =>
        asTenant(c, ORG_A, () => c.query("INSERT INTO articles (organization_id, project_id, author_id, title, slug) VALUES ($1, $2, $3, 't', 'a')", [ORG_A, project, author]));
      const toB = await failure(insertArticle(PROJECT_B, null));
      const toNowhere = await failure(insertArticle(NOWHERE, null));
      expect(toB.code).toBe("23503");
      expect(toB).toEqual(toNowhere);
      const authorB = await failure(insertArticle(null, USER_B));
      expect(authorB.code).toBe("23503");
      expect(authorB).toEqual(await failure(insertArticle(null, NOWHERE)));
      const createdByB = await failure(asTenant(c, ORG_A, () => c.query("INSERT INTO projects (organization_id, name, slug, created_by) VALUES ($1, 'p', 'p', $2)", [ORG_A, USER_B])));
      expect(createdByB.code).toBe("23503");
    });
  });

  it("tenant A cannot probe B's project slugs or user emails: the same values are simply free in A", async () => {
    await asApp((c) =>
      asTenant(c, ORG_A, async () => {
        await c.query("INSERT INTO projects (organization_id, name, slug) VALUES ($1, 'mine', 'launch')", [ORG_A]);
        await c.query("INSERT INTO users (organization_id, email) VALUES ($1, 'b@b.example')", [ORG_A]);
        expect((await c.query("SELECT count(*)::int AS n FROM projects")).rows[0].n).toBe(1);
      }),
    );
  });

  it("articles have no shared counter: the app sees no sequence, and seq still orders inserts", async () => {
    await asApp(async (c) => {
      expect((await failure(c.query("SELECT last_value FROM articles_seq_seq"))).message).toMatch(/does not exist/);
      await asTenant(c, ORG_A, async () => {
        for (const slug of ["one", "two"]) await c.query("INSERT INTO articles (organization_id, title, slug) VALUES ($1, 't', $2)", [ORG_A, slug]);
        const rows = (await c.query("SELECT slug FROM articles ORDER BY seq, id")).rows.map((r) => r.slug);
        expect(rows).toEqual(["one", "two"]);
      });
      expect((await c.query("SELECT count(*)::int AS n FROM pg_sequences")).rows[0].n).toBe(0);
    });
  });
});

describe("attack as the app: held locks and abandoned sessions are bounded", () => {
  it("an ACCESS EXCLUSIVE lock left in an idle transaction ends by itself; waiters give up after lock_timeout", async () => {
    const holder = new pg.Client({ connectionString: appEnv(conn).DATABASE_URL });
    holder.on("error", () => undefined);
    await holder.connect();
    const pid = (await holder.query("SELECT pg_backend_pid() AS pid")).rows[0].pid as number;
    await holder.query("BEGIN");
    await holder.query("LOCK TABLE projects IN ACCESS EXCLUSIVE MODE");
    // The holder now sits idle in its transaction, as an abandoned or hostile session would.
    const started = Date.now();
    const waiter = await asApp(async (c) => failure(asTenant(c, ORG_A, () => c.query("SELECT count(*) FROM projects"))));
    expect(waiter.code).toBe("55P03"); // lock_not_available: canceled by lock_timeout, not hung
    expect(Date.now() - started).toBeLessThan(2000);
    await new Promise((r) => setTimeout(r, 2500));
    // The server ended the abandoned session (and with it the lock): its backend is gone.
    expect((await asAdmin(conn.database, (c) => c.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = $1", [pid]))).rows[0].n).toBe(0);
    await expect(holder.query("SELECT 1")).rejects.toThrow();
    await holder.end().catch(() => undefined);
    expect(await asApp((c) => asTenant(c, ORG_A, async () => (await c.query("SELECT count(*)::int AS n FROM projects")).rows[0].n))).toBe(0);
  });

  it("a long statement is cancelled by statement_timeout", async () => {
    expect((await asApp((c) => failure(c.query("SELECT pg_sleep(10)")))).code).toBe("57014");
  });
});

describe("attack as the app: a changed application password", () => {
  it("health reports an app password that no longer matches the stack, without printing it; the next apply resets it", async () => {
    expect(await checkAppLogin(conn, 5000)).toBeUndefined();
    await asApp((c) => c.query("ALTER ROLE CURRENT_USER PASSWORD 'changed-by-a-compromised-app'"));
    const problem = await checkAppLogin(conn, 5000);
    expect(problem).toBe(APP_PASSWORD_MISMATCH);
    expect(problem).not.toContain(conn.app.password);
    ok(await run(conn, "apply"));
    expect(await checkAppLogin(conn, 5000)).toBeUndefined();
  });
});
