/**
 * PostgreSQL adapter: scripts `.sql`, ledger `polystore.schema_history`,
 * session advisory lock, one transaction per script (script + ledger row).
 *
 * Scripts run as the owner role (`SET LOCAL ROLE <owner>`), so every object
 * they create is owned by it, not by the admin and never by the app role.
 * Placeholders: `${OWNER_ROLE}`, `${APP_ROLE}`, `${DATABASE}`.
 */
import pg from "pg";
import type { StoreConnection } from "../../shared/types";
import { addressOf, checkIdentifier, errorText, LockTimeoutError, ScriptFailedError, type StoreAdapter } from "../adapter";
import type { LedgerEntry, PreparedScript } from "../types";

/** Advisory lock key pair ("poly", 1): one init lock per database. */
const LOCK_SQL = "SELECT pg_try_advisory_lock(1886350457, 1) AS ok";
const UNLOCK_SQL = "SELECT pg_advisory_unlock(1886350457, 1) AS ok";
const TX_CONTROL = /^\s*(BEGIN(\s+(TRANSACTION|WORK))?\s*;|START\s+TRANSACTION\b|COMMIT\s*;|ROLLBACK\s*;)/im;

export function createPostgresAdapter(conn: StoreConnection): StoreAdapter {
  const db = checkIdentifier("postgres", "database", conn.database);
  const appRole = checkIdentifier("postgres", "app.user", conn.app.user);
  const ownerRole = checkIdentifier("postgres", "options.ownerRole", conn.options?.ownerRole ?? `${db}_owner`);
  const secrets = [conn.admin.password, conn.app.password];
  const q = pg.escapeIdentifier;
  let client: pg.Client | undefined;

  const adapter: StoreAdapter = {
    kind: "postgres",
    extensions: [".sql"],
    address: addressOf(conn),
    roundTrips: 0,

    async connect() {
      if (client) return;
      const c = new pg.Client({
        host: conn.host,
        port: conn.port,
        user: conn.admin.user,
        password: conn.admin.password,
        database: db,
        ssl: conn.tls ? { rejectUnauthorized: conn.options?.tlsRejectUnauthorized !== "false" } : undefined,
        application_name: "polystore-init",
        connectionTimeoutMillis: 5000,
      });
      c.on("error", () => undefined); // a dropped connection surfaces on the next query
      try {
        await c.connect();
      } catch (err) {
        await c.end().catch(() => undefined);
        throw new Error(errorText(err, secrets));
      }
      client = c;
    },
    async ping() {
      await run("SELECT 1");
    },
    async serverVersion() {
      const r = await run("SHOW server_version");
      return String(r.rows[0]?.server_version ?? "");
    },
    async close() {
      const c = client;
      client = undefined;
      await c?.end().catch(() => undefined);
    },

    async ensureLedger() {
      await run(
        `CREATE SCHEMA IF NOT EXISTS polystore;
         REVOKE ALL ON SCHEMA polystore FROM PUBLIC;
         CREATE TABLE IF NOT EXISTS polystore.schema_history (
           version integer PRIMARY KEY,
           name text NOT NULL,
           checksum text NOT NULL,
           applied_at timestamptz NOT NULL,
           duration_ms integer NOT NULL,
           success boolean NOT NULL,
           error text
         );
         REVOKE ALL ON polystore.schema_history FROM PUBLIC;`,
      );
    },
    async readLedger() {
      const exists = await run("SELECT to_regclass('polystore.schema_history') IS NOT NULL AS ok");
      if (!exists.rows[0]?.ok) return [];
      const r = await run("SELECT version, name, checksum, applied_at, duration_ms, success, error FROM polystore.schema_history ORDER BY version");
      return r.rows.map((row) => ({
        version: Number(row.version),
        name: String(row.name),
        checksum: String(row.checksum),
        appliedAt: new Date(row.applied_at as string).toISOString(),
        durationMs: Number(row.duration_ms),
        success: Boolean(row.success),
        ...(row.error ? { error: String(row.error) } : {}),
      }));
    },
    async record(entry) {
      await run(UPSERT_SQL, upsertParams(entry));
    },
    async removeEntry(version) {
      await run("DELETE FROM polystore.schema_history WHERE version = $1", [version]);
    },

    async acquireLock(owner, timeoutMs) {
      await run("SELECT set_config('application_name', $1, false)", [`polystore-init ${owner}`.slice(0, 63)]);
      const deadline = Date.now() + timeoutMs;
      for (let delay = 50; ; delay = Math.min(delay * 2, 1000)) {
        const r = await run(LOCK_SQL);
        if (r.rows[0]?.ok) return;
        if (Date.now() >= deadline) {
          const h = await run(
            `SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
             WHERE l.locktype = 'advisory' AND l.classid = 1886350457 AND l.objid = 1 AND l.granted LIMIT 1`,
          );
          throw new LockTimeoutError("postgres", adapter.address, timeoutMs, h.rows[0]?.application_name as string | undefined);
        }
        await sleep(Math.min(delay, Math.max(0, deadline - Date.now())));
      }
    },
    async releaseLock() {
      // Session-level lock held by this connection only: unlocking cannot release another runner's lock.
      if (client) await run(UNLOCK_SQL).catch(() => undefined);
    },

    async ensureIdentity() {
      if (new Set([appRole, ownerRole, conn.admin.user]).size !== 3) {
        throw new Error(`postgres: admin.user, app.user and options.ownerRole must be three different roles (got ${conn.admin.user}, ${appRole}, ${ownerRole})`);
      }
      const manageApp = conn.options?.manageAppUser !== "false";
      const roles = await run(
        "SELECT rolname, rolcanlogin, rolsuper, rolbypassrls, rolcreatedb, rolcreaterole, rolreplication FROM pg_roles WHERE rolname = ANY($1)",
        [[ownerRole, appRole]],
      );
      const have = new Map(roles.rows.map((r) => [r.rolname as string, r as Record<string, boolean>]));
      if (!manageApp && !have.has(appRole)) {
        throw new Error(`postgres: options.manageAppUser is "false" but the application role ${appRole} does not exist; create it first`);
      }
      const role = (name: string, login: boolean, extra = "") => {
        const row = have.get(name);
        // CREATE with every attribute spelled out; ALTER only what is wrong, because a non-superuser
        // admin (RDS, Cloud SQL) may not even mention SUPERUSER/BYPASSRLS/REPLICATION in ALTER ROLE.
        if (!row) return `CREATE ROLE ${q(name)} ${login ? "LOGIN" : "NOLOGIN"} NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOREPLICATION ${extra}`;
        const fix = [
          row.rolcanlogin !== login ? (login ? "LOGIN" : "NOLOGIN") : "",
          row.rolsuper ? "NOSUPERUSER" : "",
          row.rolbypassrls ? "NOBYPASSRLS" : "",
          row.rolcreatedb ? "NOCREATEDB" : "",
          row.rolcreaterole ? "NOCREATEROLE" : "",
          row.rolreplication ? "NOREPLICATION" : "",
        ].filter(Boolean);
        const pw = extra.startsWith("PASSWORD") ? extra : "";
        return fix.length || pw ? `ALTER ROLE ${q(name)} ${fix.join(" ")} ${pw}` : "";
      };
      await run(
        [
          role(ownerRole, false),
          `GRANT ${q(ownerRole)} TO CURRENT_USER`,
          manageApp ? role(appRole, true, `PASSWORD ${pg.escapeLiteral(conn.app.password)}`) : "",
          `REVOKE ${q(ownerRole)} FROM ${q(appRole)}`,
          `GRANT CONNECT ON DATABASE ${q(db)} TO ${q(appRole)}`,
          `REVOKE CREATE ON SCHEMA public FROM PUBLIC`,
          `GRANT USAGE, CREATE ON SCHEMA public TO ${q(ownerRole)}`,
          `GRANT USAGE ON SCHEMA public TO ${q(appRole)}`,
        ]
          .filter(Boolean)
          .join(";\n"),
      );
      return [
        `${have.has(ownerRole) ? "updated" : "created"} owner role ${ownerRole} (NOLOGIN)`,
        manageApp
          ? `${have.has(appRole) ? "updated" : "created"} application role ${appRole} (LOGIN, no superuser/createdb/createrole/bypassrls)`
          : `application role ${appRole} not managed (options.manageAppUser = "false"): only its schema grants were ensured`,
      ];
    },
    placeholders: () => ({ OWNER_ROLE: ownerRole, APP_ROLE: appRole, DATABASE: db }),

    async apply(script) {
      const tx = TX_CONTROL.exec(script.body);
      if (tx) throw new ScriptFailedError(script.fileName, `contains transaction control (${tx[1]!.trim()}); the runner wraps each script in its own transaction`, true);
      const started = Date.now();
      await run("BEGIN");
      try {
        await run(`SET LOCAL ROLE ${q(ownerRole)}`);
        await run(script.body);
        await run("RESET ROLE");
        const entry: LedgerEntry = { version: script.version, name: script.name, checksum: script.checksum, appliedAt: new Date().toISOString(), durationMs: Date.now() - started, success: true };
        await run(UPSERT_SQL, upsertParams(entry));
        await run("COMMIT");
        return entry;
      } catch (err) {
        await run("ROLLBACK").catch(() => undefined);
        throw new ScriptFailedError(script.fileName, describe(err, script), true);
      }
    },
  };

  async function run(sql: string, params?: unknown[]): Promise<pg.QueryResult> {
    if (!client) throw new Error(`postgres at ${adapter.address}: not connected`);
    adapter.roundTrips++;
    return client.query(sql, params);
  }

  function describe(err: unknown, script: PreparedScript): string {
    const pos = Number((err as { position?: string }).position);
    const line = pos > 0 ? ` (line ${script.body.slice(0, pos - 1).split("\n").length})` : "";
    return errorText(err, secrets) + line;
  }

  return adapter;
}

const UPSERT_SQL = `INSERT INTO polystore.schema_history (version, name, checksum, applied_at, duration_ms, success, error)
  VALUES ($1, $2, $3, $4, $5, $6, $7)
  ON CONFLICT (version) DO UPDATE SET name = EXCLUDED.name, checksum = EXCLUDED.checksum, applied_at = EXCLUDED.applied_at,
    duration_ms = EXCLUDED.duration_ms, success = EXCLUDED.success, error = EXCLUDED.error`;

function upsertParams(e: LedgerEntry): unknown[] {
  return [e.version, e.name, e.checksum, e.appliedAt, Math.round(e.durationMs), e.success, e.error ?? null];
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
