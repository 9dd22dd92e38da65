/**
 * PostgreSQL: `pg_dump -Fc` of the connection's database, taken inside an
 * exported snapshot so the manifest's row counts and ledger are exactly the dump's.
 * Restore: `pg_restore` into a staging database `<db>_r<id>`, count it, then
 * switch by renaming (old → `<db>_o<id>`, staging → `<db>`) and drop the old one.
 * A failure before the switch drops only the staging database; the live one is untouched.
 * The password travels in PGPASSWORD (environment), never argv.
 */
import pg from "pg";
import type { StoreConnection } from "../core/types";
import { addressOf, checkIdentifier } from "../init/adapter";
import { join } from "node:path";
import { allCountDifferences, runTool, stagingName } from "./tools";
import { StoreNotUpError, type BackupDriver, type Counts } from "./types";

const FILE = "database.dump";
const SYSTEM_SCHEMAS = "('pg_catalog','information_schema','pg_toast')";

export function createPostgresBackup(conn: StoreConnection): BackupDriver {
  const db = checkIdentifier("postgres", "database", conn.database);
  const maintenance = conn.options?.maintenanceDatabase ?? "postgres";
  const secrets = [conn.admin.password];
  const env = { PGPASSWORD: conn.admin.password, PGSSLMODE: conn.tls ? "require" : "disable", PGCONNECT_TIMEOUT: "10" };
  const toolArgs = (database: string) => ["-h", conn.host, "-p", String(conn.port), "-U", conn.admin.user, "-d", database];
  const q = (s: string) => `"${s.replace(/"/g, '""')}"`;

  const newClient = (database: string) =>
    new pg.Client({
      host: conn.host, port: conn.port, user: conn.admin.user, password: conn.admin.password, database,
      ssl: conn.tls ? { rejectUnauthorized: conn.options?.tlsRejectUnauthorized !== "false" } : undefined,
      connectionTimeoutMillis: 10_000,
    });
  async function withClient<T>(database: string, f: (c: pg.Client) => Promise<T>): Promise<T> {
    const c = newClient(database);
    await c.connect();
    try {
      return await f(c);
    } finally {
      await c.end().catch(() => undefined);
    }
  }
  const exists = (name: string) => withClient(maintenance, async (c) => (await c.query("SELECT 1 FROM pg_database WHERE datname = $1", [name])).rowCount === 1);

  async function tables(c: pg.Client): Promise<string[]> {
    const r = await c.query(`SELECT quote_ident(schemaname) || '.' || quote_ident(tablename) AS t FROM pg_tables WHERE schemaname NOT IN ${SYSTEM_SCHEMAS} ORDER BY 1`);
    return r.rows.map((x) => x.t as string);
  }
  async function countRows(c: pg.Client): Promise<Counts> {
    const out: Counts = {};
    for (const t of await tables(c)) out[t] = Number((await c.query(`SELECT count(*) AS n FROM ${t}`)).rows[0].n);
    return out;
  }
  const countsOf = async (database: string) => (await exists(database)) ? { "rows per table": await withClient(database, countRows) } : { "rows per table": {} };
  async function readLedger(c: pg.Client): Promise<number[]> {
    const t = await c.query("SELECT to_regclass('polystore.schema_history') AS t");
    if (!t.rows[0].t) return [];
    return (await c.query("SELECT version FROM polystore.schema_history WHERE success ORDER BY version")).rows.map((r) => Number(r.version));
  }

  const driver: BackupDriver = {
    kind: "postgres",
    address: addressOf(conn),
    async ping() {
      try {
        await withClient(maintenance, (c) => c.query("SELECT 1"));
      } catch (err) {
        throw new StoreNotUpError("postgres", driver.address, (err as Error).message.split("\n")[0]!);
      }
    },
    async dump(dir) {
      const c = newClient(db);
      try {
        await c.connect();
      } catch (err) {
        if ((err as { code?: string }).code === "3D000") throw new Error(`postgres at ${driver.address}: database ${db} does not exist; nothing to back up`);
        throw err;
      }
      try {
        await c.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
        const snapshot = String((await c.query("SELECT pg_export_snapshot() AS s")).rows[0].s);
        const counts = await countRows(c);
        const ledger = await readLedger(c);
        const version = String((await c.query("SHOW server_version")).rows[0].server_version);
        // -Z0: the archive is gzipped as a whole; compressing the dump too cost half of pg_dump's time for a few percent of size.
        await runTool("pg_dump", ["-Fc", "-Z0", `--snapshot=${snapshot}`, "-f", join(dir, FILE), ...toolArgs(db)], { env, secrets });
        await c.query("COMMIT");
        return {
          engineVersion: `PostgreSQL ${version}`,
          method: "pg_dump -Fc inside an exported snapshot (counts are the dump's)",
          restoreMethod: `pg_restore into staging database ${db}_r<id>, counted, then renamed over ${db}; the old database is dropped only after the switch`,
          files: [FILE],
          counts: { "rows per table": counts },
          ledger,
        };
      } finally {
        await c.end().catch(() => undefined);
      }
    },
    async restore(dir, manifest, id, log) {
      const staging = stagingName(db, id);
      const old = stagingName(db, id).replace(/_r(\d+)$/, "_o$1");
      const file = join(dir, FILE);
      await withClient(maintenance, (c) => c.query(`DROP DATABASE IF EXISTS ${q(staging)}`).then(() => c.query(`CREATE DATABASE ${q(staging)} TEMPLATE template0`)));
      try {
        log(`postgres: pg_restore into staging database ${staging}`);
        // The database-level statements are read from the dump's TOC while the data loads.
        const databaseSql = databaseLevelSql(file, staging);
        await Promise.all([runTool("pg_restore", ["--exit-on-error", "--single-transaction", ...toolArgs(staging), file], { env, secrets }), databaseSql]);
        const [, counts] = await Promise.all([applyStatements(await databaseSql), withClient(staging, countRows).then((c) => ({ "rows per table": c }))]);
        const diff = allCountDifferences(manifest.counts, counts);
        if (diff.length) throw new Error(`postgres: staging database ${staging} does not match the manifest: ${diff.join("; ")}`);
      } catch (err) {
        await withClient(maintenance, (c) => c.query(`DROP DATABASE IF EXISTS ${q(staging)} WITH (FORCE)`)).catch(() => undefined);
        throw err;
      }
      log(`postgres: switching ${staging} → ${db}`);
      await withClient(maintenance, async (c) => {
        const had = (await c.query("SELECT 1 FROM pg_database WHERE datname = $1", [db])).rowCount === 1;
        if (had) {
          await c.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [db]);
          await c.query(`ALTER DATABASE ${q(db)} RENAME TO ${q(old)}`);
        }
        try {
          await c.query(`ALTER DATABASE ${q(staging)} RENAME TO ${q(db)}`);
        } catch (err) {
          if (had) await c.query(`ALTER DATABASE ${q(old)} RENAME TO ${q(db)}`);
          throw err;
        }
        if (had) await c.query(`DROP DATABASE ${q(old)} WITH (FORCE)`);
      });
    },
    counts: () => countsOf(db),
    async ledger() {
      return (await exists(db)) ? withClient(db, readLedger) : [];
    },
    async isEmpty() {
      if (!(await exists(db))) return true;
      return withClient(db, async (c) => {
        for (const t of await tables(c)) {
          if (t.startsWith("polystore.")) continue;
          if ((await c.query(`SELECT 1 FROM ${t} LIMIT 1`)).rowCount) return false;
        }
        return true;
      });
    },
    /** Drops the database and creates it again, empty (so the init runner can apply into it). */
    async wipe() {
      await withClient(maintenance, async (c) => {
        await c.query(`DROP DATABASE IF EXISTS ${q(db)} WITH (FORCE)`);
        await c.query(`CREATE DATABASE ${q(db)}`);
      });
    },
    async close() {},
  };

  /**
   * Owner, GRANT/REVOKE and SET of the database itself are only in the dump's
   * `--create` section; they are re-applied to the staging database (they follow the rename).
   */
  async function databaseLevelSql(file: string, staging: string): Promise<string[]> {
    const sql = await runTool("pg_restore", ["--create", "--schema-only", "-f", "-", file], { secrets });
    const name = new RegExp(`(DATABASE\\s+)(${db}|"${db}")(\\b|\\s|;)`, "g");
    return sql
      .split("\n")
      .filter((l) => /^(ALTER DATABASE|GRANT .* ON DATABASE|REVOKE .* ON DATABASE)/.test(l))
      .map((l) => l.replace(name, `$1${q(staging)}$3`));
  }
  async function applyStatements(statements: string[]): Promise<void> {
    if (!statements.length) return;
    await withClient(maintenance, async (c) => {
      for (const s of statements) await c.query(s);
    });
  }

  return driver;
}
