/**
 * PostgreSQL init scripts against a real server: what only PostgreSQL does (object
 * ownership, an over-privileged app role corrected, a non-superuser admin, transaction
 * control refused, the CLI and Pulumi provider, health) and row-level security seen
 * through the APPLICATION role. What every adapter must do (ledger, version order, lock,
 * failure, repair, placeholders, identity) is the contract suite (contract/adapter-contract.ts),
 * run for PostgreSQL at the end of this file. Each test works in its own database and roles.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initScriptsProvider } from "../../components/init/resource";
import { createAdapter } from "../../components/init/registry";
import { PROJECT_ROOT } from "../../components/init/runner";
import type { StoreConnection } from "../../components/core/types";
import { copyScripts, ok, removeDir, run, storeConnection, uniqueSuffix, withPg } from "./init-support";
import { describeAdapterContract } from "./contract/adapter-contract";
import { postgresFixture } from "./contract/fixtures";

const ORG_A = "00000000-0000-4000-8000-00000000000a";
const ORG_B = "00000000-0000-4000-8000-00000000000b";

let base: StoreConnection;
const databases: string[] = [];

/** A fresh database with its own app/owner role names. */
async function freshDatabase(): Promise<StoreConnection> {
  const db = `polystore_t_${uniqueSuffix()}`;
  await admin(base, "postgres", (c) => c.query(`CREATE DATABASE ${db}`));
  databases.push(db);
  return { ...base, database: db, app: { user: `${db}_app`, password: `pw-${uniqueSuffix()}'"` }, options: { ...base.options, ownerRole: `${db}_owner` } };
}

const admin = <T>(conn: StoreConnection, database: string, f: (c: pg.Client) => Promise<T>): Promise<T> => withPg(conn, "admin", database, f);

const asApp = <T>(conn: StoreConnection, f: (c: pg.Client) => Promise<T>): Promise<T> => withPg(conn, "app", undefined, f);

beforeAll(() => {
  base = storeConnection("postgres");
});

afterAll(async () => {
  for (const db of databases) {
    await admin(base, "postgres", async (c) => {
      await c.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
      await c.query(`DROP ROLE IF EXISTS ${db}_app`);
      await c.query(`DROP ROLE IF EXISTS ${db}_owner`);
      await c.query(`DROP ROLE IF EXISTS ${db}_admin`);
    });
  }
});

describe("postgres init scripts", () => {
  it("the objects the scripts create are owned by the owner role (not the admin, never the app)", async () => {
    const conn = await freshDatabase();
    ok(await run(conn, "apply"));
    const owners = await admin(conn, conn.database, (c) =>
      c.query("SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public' AND tablename IN ('organizations','users','projects','archived_sessions','articles')"),
    );
    expect(owners.rows).toEqual([{ tableowner: conn.options!.ownerRole }]);
  });

  it("corrects a pre-existing over-privileged app role (superuser admin)", async () => {
    const conn = await freshDatabase();
    await admin(conn, "postgres", (c) => c.query(`CREATE ROLE ${conn.app.user} LOGIN CREATEDB CREATEROLE BYPASSRLS PASSWORD 'old'`));
    ok(await run(conn, "apply"));
    const r = await admin(conn, "postgres", (c) => c.query("SELECT rolbypassrls, rolcreatedb, rolcreaterole FROM pg_roles WHERE rolname = $1", [conn.app.user]));
    expect(r.rows[0]).toEqual({ rolbypassrls: false, rolcreatedb: false, rolcreaterole: false });
    expect(await asApp(conn, async (c) => (await c.query("SELECT count(*)::int AS n FROM projects")).rows[0].n)).toBe(0);
  });

  it("works with a non-superuser admin that only has CREATEROLE and owns the database (as on RDS / Cloud SQL)", async () => {
    const conn = await freshDatabase();
    const adminUser = `${conn.database}_admin`;
    await admin(conn, "postgres", async (c) => {
      await c.query(`CREATE ROLE ${adminUser} LOGIN CREATEROLE PASSWORD 'adminpw'`);
      await c.query(`ALTER DATABASE ${conn.database} OWNER TO ${adminUser}`);
    });
    const limited = { ...conn, admin: { user: adminUser, password: "adminpw" } };
    const first = ok(await run(limited, "apply"));
    expect(first.applied).toHaveLength(4);
    expect(ok(await run(limited, "apply")).applied).toEqual([]);
    const seen = await asApp(conn, async (c) => {
      await c.query("BEGIN");
      await c.query("SELECT set_config('app.current_org', $1, true)", [ORG_A]);
      await c.query("INSERT INTO organizations (id, name, slug) VALUES ($1, 'a', 'a')", [ORG_A]);
      const n = (await c.query("SELECT count(*)::int AS n FROM organizations")).rows[0].n;
      await c.query("ROLLBACK");
      return n;
    });
    expect(seen).toBe(1);
  });

  it("ensures the identity from many runners at once without racing (a no-op apply does it without the migration lock)", async () => {
    const conn = await freshDatabase();
    // Eight at once on a database none of them has seen: each would CREATE the same roles and
    // GRANT on the same database and schema ("role already exists", "tuple concurrently updated").
    const adapters = await Promise.all(Array.from({ length: 8 }, () => createAdapter(conn)));
    try {
      await Promise.all(adapters.map((a) => a.connect()));
      const results = await Promise.allSettled(adapters.map((a) => a.ensureIdentity()));
      expect(results.filter((r) => r.status === "rejected").map((r) => String((r as PromiseRejectedResult).reason))).toEqual([]);
    } finally {
      await Promise.all(adapters.map((a) => a.close()));
    }
    const roles = await admin(conn, "postgres", (c) => c.query("SELECT rolname FROM pg_roles WHERE rolname = ANY($1) ORDER BY 1", [[conn.app.user, conn.options!.ownerRole]]));
    expect(roles.rows.map((r) => r.rolname)).toEqual([conn.app.user, conn.options!.ownerRole].sort());
  });

  it("refuses a script with its own transaction control, naming the file", async () => {
    const conn = await freshDatabase();
    const dir = copyScripts("postgres");
    try {
      writeFileSync(join(dir, "005_tx.sql"), "CREATE TABLE t4 (id int);\nCOMMIT;\nCREATE TABLE t5 (id int);\n");
      const r = await run(conn, "apply", dir);
      expect(r.error).toMatch(/005_tx\.sql failed: contains transaction control \(COMMIT;\)/);
      expect(await admin(conn, conn.database, async (c) => (await c.query("SELECT to_regclass('public.t4') AS t")).rows[0].t)).toBeNull();
    } finally {
      removeDir(dir);
    }
  });

  it("runs through `npm run migrate` and the Pulumi dynamic provider without printing secrets", async () => {
    const conn = await freshDatabase();
    const file = join(mkdtempSync(join(tmpdir(), "polystore-conn-")), "connections.json");
    writeFileSync(file, JSON.stringify({ postgres: conn }), { mode: 0o600 });
    const cli = spawnSync(process.execPath, ["--import", "tsx", "stacks/migrate.ts", "status", "--connections", file], { cwd: PROJECT_ROOT, encoding: "utf8" });
    expect(cli.status).toBe(0);
    expect(cli.stdout).toMatch(/^postgres\s+\S+\s+ok\s+-\s+0\s+1,2,3,4/m);
    const created = await initScriptsProvider.create({ kind: "postgres", connection: conn, scriptsDir: "init-scripts/postgres", checksums: {}, waitTimeoutSeconds: 30 });
    expect(created.outs!.appliedVersions).toEqual([1, 2, 3, 4]);
    expect((await initScriptsProvider.create({ kind: "postgres", connection: conn, scriptsDir: "init-scripts/postgres", checksums: {}, waitTimeoutSeconds: 30 })).outs!.applied).toBe(0);
    const after = spawnSync(process.execPath, ["--import", "tsx", "stacks/migrate.ts", "status", "--connections", file], { cwd: PROJECT_ROOT, encoding: "utf8" });
    for (const out of [cli.stdout, cli.stderr, after.stdout, after.stderr, JSON.stringify(created)]) {
      expect(out).not.toContain(conn.admin.password);
      expect(out).not.toContain(conn.app.password);
    }
    removeDir(join(file, ".."));
  }, 120_000);
});

describe("npm run health", () => {
  it("prints up, version and latency for a running store, DOWN and exit 1 for a closed port, never a password", () => {
    const dir = mkdtempSync(join(tmpdir(), "polystore-health-"));
    try {
      const up = join(dir, "up.json");
      const down = join(dir, "down.json");
      writeFileSync(up, JSON.stringify({ postgres: base }));
      writeFileSync(down, JSON.stringify({ postgres: { ...base, host: "127.0.0.1", port: 1 } }));
      const ok1 = spawnSync(process.execPath, ["--import", "tsx", "stacks/health.ts", "--connections", up], { cwd: PROJECT_ROOT, encoding: "utf8" });
      expect(ok1.status).toBe(0);
      expect(ok1.stdout).toMatch(/^postgres\s+\S+:\d+\s+up\s+\d+\.\d+.*\s\d+(\.\d)?$/m);
      const bad = spawnSync(process.execPath, ["--import", "tsx", "stacks/health.ts", "--connections", down, "--timeout", "5"], { cwd: PROJECT_ROOT, encoding: "utf8" });
      expect(bad.status).toBe(1);
      expect(bad.stdout).toMatch(/^postgres\s+127\.0\.0\.1:1\s+DOWN\s+-\s+-\s+.*ECONNREFUSED/m);
      for (const out of [ok1.stdout, ok1.stderr, bad.stdout, bad.stderr]) expect(out).not.toContain(base.admin.password);
      expect(spawnSync(process.execPath, ["--import", "tsx", "stacks/health.ts"], { cwd: PROJECT_ROOT, encoding: "utf8" }).status).toBe(2);
    } finally {
      removeDir(dir);
    }
  }, 60_000);
});

describe("postgres row-level security through the application role", () => {
  let conn: StoreConnection;
  beforeAll(async () => {
    conn = await freshDatabase();
    ok(await run(conn, "apply"));
    await asApp(conn, async (c) => {
      for (const [org, slug] of [[ORG_A, "acme"], [ORG_B, "globex"]] as const) {
        await c.query("BEGIN");
        await c.query("SELECT set_config('app.current_org', $1, true)", [org]);
        await c.query("INSERT INTO organizations (id, name, slug) VALUES ($1, $2, $2)", [org, slug]);
        await c.query("INSERT INTO projects (organization_id, name, slug) VALUES ($1, $2, $2)", [org, `${slug}-web`]);
        await c.query(
          "INSERT INTO archived_sessions (organization_id, session_id, user_id, created_at, last_activity_at, message_count) VALUES ($1, $2, 'u1', now() - interval '90 seconds', now(), 4)",
          [org, `${slug}-s1`],
        );
        await c.query("INSERT INTO articles (organization_id, title, slug) VALUES ($1, 'Hello', 'hello')", [org]);
        await c.query("COMMIT");
      }
    });
  });

  const inTenant = <T>(org: string | undefined, f: (c: pg.Client) => Promise<T>) =>
    asApp(conn, async (c) => {
      await c.query("BEGIN");
      if (org) await c.query("SELECT set_config('app.current_org', $1, true)", [org]);
      try {
        return await f(c);
      } finally {
        await c.query("ROLLBACK");
      }
    });

  it("the app role is a plain login role: no superuser, no BYPASSRLS, no createdb/createrole, owns nothing, not in the owner role", async () => {
    const r = await admin(conn, conn.database, (c) =>
      c.query(
        `SELECT rolcanlogin, rolsuper, rolbypassrls, rolcreatedb, rolcreaterole,
                (SELECT count(*)::int FROM pg_class WHERE relowner = r.oid) AS owned,
                pg_has_role(r.rolname, $2, 'MEMBER') AS in_owner
         FROM pg_roles r WHERE rolname = $1`,
        [conn.app.user, conn.options!.ownerRole],
      ),
    );
    expect(r.rows[0]).toEqual({ rolcanlogin: true, rolsuper: false, rolbypassrls: false, rolcreatedb: false, rolcreaterole: false, owned: 0, in_owner: false });
  });

  it("tenant A sees only A's rows, in tables and in the summary views", async () => {
    const seen = await inTenant(ORG_A, async (c) => ({
      orgs: (await c.query("SELECT slug FROM organizations")).rows.map((r) => r.slug),
      projects: (await c.query("SELECT slug FROM projects")).rows.map((r) => r.slug),
      articles: (await c.query("SELECT count(*)::int AS n FROM articles")).rows[0].n,
      stats: (await c.query("SELECT organization_id, total_sessions::int FROM session_summary_stats")).rows,
      duration: (await c.query("SELECT session_duration_seconds FROM archived_sessions")).rows.map((r) => r.session_duration_seconds),
    }));
    expect(seen).toEqual({ orgs: ["acme"], projects: ["acme-web"], articles: 1, stats: [{ organization_id: ORG_A, total_sessions: 1 }], duration: [90] });
  });

  it("tenant A cannot insert or move rows into tenant B", async () => {
    await expect(inTenant(ORG_A, (c) => c.query("INSERT INTO projects (organization_id, name, slug) VALUES ($1, 'x', 'x')", [ORG_B]))).rejects.toThrow(
      /new row violates row-level security policy/,
    );
    await expect(inTenant(ORG_A, (c) => c.query("UPDATE projects SET organization_id = $1", [ORG_B]))).rejects.toThrow(/row-level security/);
    const touched = await inTenant(ORG_A, async (c) => (await c.query("UPDATE projects SET name = 'renamed' WHERE organization_id = $1", [ORG_B])).rowCount);
    expect(touched).toBe(0);
  });

  it("sees no rows when no tenant is set", async () => {
    const counts = await inTenant(undefined, async (c) =>
      Promise.all(["organizations", "users", "projects", "archived_sessions", "articles"].map(async (t) => (await c.query(`SELECT count(*)::int AS n FROM ${t}`)).rows[0].n)),
    );
    expect(counts).toEqual([0, 0, 0, 0, 0]);
  });

  it("cannot disable, bypass or drop row-level security", async () => {
    await expect(inTenant(ORG_A, (c) => c.query("ALTER TABLE projects DISABLE ROW LEVEL SECURITY"))).rejects.toThrow(/must be owner of table projects/);
    await expect(inTenant(ORG_A, (c) => c.query("ALTER TABLE projects NO FORCE ROW LEVEL SECURITY"))).rejects.toThrow(/must be owner/);
    await expect(inTenant(ORG_A, (c) => c.query("DROP POLICY tenant_isolation ON projects"))).rejects.toThrow(/must be owner/);
    await expect(
      inTenant(ORG_A, async (c) => {
        await c.query("SET LOCAL row_security = off");
        return c.query("SELECT * FROM projects");
      }),
    ).rejects.toThrow(/query would be affected by row-level security policy/);
    await expect(inTenant(ORG_A, (c) => c.query("CREATE TABLE sneaky (id int)"))).rejects.toThrow(/permission denied for schema public/);
    await expect(inTenant(ORG_A, (c) => c.query("SELECT * FROM polystore.schema_history"))).rejects.toThrow(/permission denied for schema polystore/);
  });
});

describeAdapterContract(postgresFixture);
