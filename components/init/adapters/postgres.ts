/**
 * PostgreSQL adapter: scripts `.sql`, ledger `polystore.schema_history`,
 * one transaction per script (script + ledger row). The init lock is a
 * table lock on `polystore.init_lock` held by a second admin connection's open
 * transaction: the application role has no access to schema `polystore`, so,
 * unlike an advisory lock, it can neither take nor hold it.
 *
 * Scripts run as the owner role (`SET LOCAL ROLE <owner>`), so every object
 * they create is owned by it, not by the admin and never by the app role.
 * Placeholders: `${OWNER_ROLE}`, `${APP_ROLE}`, `${DATABASE}`.
 */
import pg from "pg";
import type { StoreConnection } from "../../core/types";
import { addressOf, checkIdentifier, errorText, LockTimeoutError, ScriptFailedError, type StoreAdapter } from "../adapter";
import { SCRIPT_EXTENSIONS } from "../registry";
import type { LedgerEntry, PreparedScript } from "../types";

/** The lock table (one per database) and the self-conflicting mode the runner holds it in. */
const LOCK_TABLE = "polystore.init_lock";
const LOCK_SQL = `LOCK TABLE ${LOCK_TABLE} IN SHARE ROW EXCLUSIVE MODE NOWAIT`;
/** Catalog races of concurrent `CREATE … IF NOT EXISTS` (unique_violation, duplicate_schema/table) and lock_not_available. */
const RETRYABLE = new Set(["23505", "42P06", "42P07", "55P03"]);
const TX_CONTROL = /^\s*(BEGIN(\s+(TRANSACTION|WORK))?\s*;|START\s+TRANSACTION\b|COMMIT\s*;|ROLLBACK\s*;)/im;


/**
 * Runs schema set-up statements one runner at a time: `REVOKE … ON SCHEMA polystore` from the lock
 * preamble of one runner and from another's ensureLedger (under the migration lock) otherwise race
 * on the same catalog row ("tuple concurrently updated").
 */
function serializedSetup(sql: string): string {
  return `BEGIN; SELECT pg_advisory_xact_lock(hashtext('polystore:schema')); ${sql} COMMIT;`;
}
export function createPostgresAdapter(conn: StoreConnection): StoreAdapter {
  const db = checkIdentifier("postgres", "database", conn.database);
  const appRole = checkIdentifier("postgres", "app.user", conn.app.user);
  const ownerRole = checkIdentifier("postgres", "options.ownerRole", conn.options?.ownerRole ?? `${db}_owner`);
  const secrets = [conn.admin.password, conn.app.password];
  const q = pg.escapeIdentifier;
  const limits = sessionLimits(conn);
  let client: pg.Client | undefined;
  /** The connection whose open transaction holds the init lock. */
  let lockClient: pg.Client | undefined;

  const adapter: StoreAdapter = {
    kind: "postgres",
    extensions: SCRIPT_EXTENSIONS.postgres,
    address: addressOf(conn),
    roundTrips: 0,

    async connect() {
      if (client) return;
      client = await open("polystore-init");
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
      const l = lockClient;
      client = undefined;
      lockClient = undefined;
      await Promise.all([c?.end().catch(() => undefined), l?.end().catch(() => undefined)]);
    },

    async ensureLedger() {
      await run(
        serializedSetup(`CREATE SCHEMA IF NOT EXISTS polystore;
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
         REVOKE ALL ON polystore.schema_history FROM PUBLIC;`),
      ).catch(async (err) => {
        await run("ROLLBACK").catch(() => undefined);
        throw err;
      });
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
      const l = lockClient ?? (lockClient = await open(`polystore-init ${owner}`.slice(0, 63)));
      const lock = async (sql: string, params?: unknown[]) => {
        adapter.roundTrips++;
        return l.query(sql, params);
      };
      // The holder's transaction stays open for the whole run: no server default may end it.
      await lock("SET statement_timeout = 0; SET lock_timeout = 0; SET idle_in_transaction_session_timeout = 0");
      const deadline = Date.now() + timeoutMs;
      for (let delay = 50, ready = false; ; delay = Math.min(delay * 2, 1000)) {
        try {
          if (!ready) {
            await lock(
              serializedSetup(`CREATE SCHEMA IF NOT EXISTS polystore;
               REVOKE ALL ON SCHEMA polystore FROM PUBLIC;
               CREATE TABLE IF NOT EXISTS ${LOCK_TABLE} (id integer PRIMARY KEY);
               REVOKE ALL ON ${LOCK_TABLE} FROM PUBLIC;`),
            );
            ready = true;
          }
          await lock("BEGIN");
          await lock(LOCK_SQL);
          return;
        } catch (err) {
          await lock("ROLLBACK").catch(() => undefined);
          const retryable = RETRYABLE.has((err as { code?: string }).code ?? "") || /tuple concurrently updated/.test(errorText(err));
          if (!retryable) throw new Error(errorText(err, secrets));
        }
        if (Date.now() >= deadline) {
          const h = await run(
            `SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
             WHERE l.locktype = 'relation' AND l.relation = to_regclass($1) AND l.granted AND l.pid <> pg_backend_pid() LIMIT 1`,
            [LOCK_TABLE],
          );
          throw new LockTimeoutError("postgres", adapter.address, timeoutMs, h.rows[0]?.application_name as string | undefined);
        }
        await sleep(Math.min(delay, Math.max(0, deadline - Date.now())));
      }
    },
    async releaseLock() {
      // The lock lives in this adapter's own lock connection: ending its transaction cannot release another runner's lock.
      const l = lockClient;
      lockClient = undefined;
      if (l) {
        adapter.roundTrips++;
        await l.query("ROLLBACK").catch(() => undefined);
        await l.end().catch(() => undefined);
      }
    },

    async ensureIdentity() {
      if (new Set([appRole, ownerRole, conn.admin.user]).size !== 3) {
        throw new Error(`postgres: admin.user, app.user and options.ownerRole must be three different roles (got ${conn.admin.user}, ${appRole}, ${ownerRole})`);
      }
      const manageApp = conn.options?.manageAppUser !== "false";
      // Concurrent runners (a no-op apply ensures the identity without the migration lock) would
      // race on the same roles and grants ("tuple concurrently updated", "role already exists"):
      // one at a time, in one transaction, from the read of the roles to the last grant.
      await run("BEGIN");
      try {
        await run("SELECT pg_advisory_xact_lock(hashtext('polystore:identity'))");
        const notes = await ensureIdentityLocked(manageApp);
        await run("COMMIT");
        return notes;
      } catch (err) {
        await run("ROLLBACK").catch(() => undefined);
        throw err;
      }
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

  /** An admin connection to the application's database. */
  async function open(applicationName: string): Promise<pg.Client> {
    const c = new pg.Client({
      host: conn.host,
      port: conn.port,
      user: conn.admin.user,
      password: conn.admin.password,
      database: db,
      ssl: conn.tls ? { rejectUnauthorized: conn.options?.tlsRejectUnauthorized !== "false" } : undefined,
      application_name: applicationName,
      connectionTimeoutMillis: 5000,
    });
    c.on("error", () => undefined); // a dropped connection surfaces on the next query
    try {
      await c.connect();
    } catch (err) {
      await c.end().catch(() => undefined);
      throw new Error(errorText(err, secrets));
    }
    return c;
  }

  /** The body of ensureIdentity, run inside its transaction and advisory lock. */
  async function ensureIdentityLocked(manageApp: boolean): Promise<string[]> {
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
        // Only the application role (and the owner/admin) may connect to the application's database.
        `REVOKE ALL ON DATABASE ${q(db)} FROM PUBLIC`,
        `GRANT CONNECT, TEMPORARY ON DATABASE ${q(db)} TO ${q(appRole)}`,
        // Bound what one application session can hold: locks, long statements, abandoned transactions.
        manageApp ? `ALTER ROLE ${q(appRole)} SET lock_timeout = ${limits.lockTimeoutMs}` : "",
        manageApp ? `ALTER ROLE ${q(appRole)} SET statement_timeout = ${limits.statementTimeoutMs}` : "",
        manageApp ? `ALTER ROLE ${q(appRole)} SET idle_in_transaction_session_timeout = ${limits.idleInTransactionTimeoutMs}` : "",
        `REVOKE CREATE ON SCHEMA public FROM PUBLIC`,
        `GRANT USAGE, CREATE ON SCHEMA public TO ${q(ownerRole)}`,
        `GRANT USAGE ON SCHEMA public TO ${q(appRole)}`,
      ]
        .filter(Boolean)
        .join(";\n"),
    );
    const others = await revokePublicConnect();
    return [
      `${have.has(ownerRole) ? "updated" : "created"} owner role ${ownerRole} (NOLOGIN)`,
      `CONNECT on database ${db}: ${appRole} only (revoked from PUBLIC)`,
      ...others,
      manageApp
        ? `${have.has(appRole) ? "updated" : "created"} application role ${appRole} (LOGIN, no superuser/createdb/createrole/bypassrls; ` +
          `lock_timeout ${limits.lockTimeoutMs} ms, statement_timeout ${limits.statementTimeoutMs} ms, idle_in_transaction_session_timeout ${limits.idleInTransactionTimeoutMs} ms)`
        : `application role ${appRole} not managed (options.manageAppUser = "false"): only its schema grants were ensured`,
    ];
  }

  /**
   * REVOKE CONNECT, TEMPORARY … FROM PUBLIC on every other database that still grants them
   * (postgres, template1, …) where the admin may (superuser or owner; on RDS the master user
   * owns `postgres`); the others are named in a note.
   */
  async function revokePublicConnect(): Promise<string[]> {
    const r = await run(
      `SELECT d.datname, (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) OR pg_has_role(current_user, d.datdba, 'USAGE') AS allowed
       FROM pg_database d
       WHERE d.datallowconn AND d.datname <> current_database()
         AND (has_database_privilege('public', d.oid, 'CONNECT') OR has_database_privilege('public', d.oid, 'TEMPORARY'))
       ORDER BY d.datname`,
    );
    const allowed = r.rows.filter((row) => row.allowed).map((row) => String(row.datname));
    const refused = r.rows.filter((row) => !row.allowed).map((row) => String(row.datname));
    if (allowed.length) await run(allowed.map((d) => `REVOKE CONNECT, TEMPORARY ON DATABASE ${q(d)} FROM PUBLIC`).join(";\n"));
    return [
      ...(allowed.length ? [`revoked CONNECT and TEMPORARY from PUBLIC on the other database(s) ${allowed.join(", ")}`] : []),
      ...(refused.length ? [`could not revoke CONNECT from PUBLIC on ${refused.join(", ")} (the admin is neither superuser nor owner there): the application can still connect to them`] : []),
    ];
  }

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

/** The application role's session limits from `conn.options` (ms), with the config defaults; throws naming a bad option. */
export function sessionLimits(conn: StoreConnection): { lockTimeoutMs: number; statementTimeoutMs: number; idleInTransactionTimeoutMs: number } {
  const o = conn.options ?? {};
  const problems: string[] = [];
  const read = (key: string, fallback: number) => {
    const raw = o[key];
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || n < 100 || n > 86_400_000) problems.push(`postgres: options.${key} "${raw}" must be a whole number of milliseconds from 100 to 86400000`);
    return n;
  };
  const limits = {
    lockTimeoutMs: read("appLockTimeoutMs", 5_000),
    statementTimeoutMs: read("appStatementTimeoutMs", 30_000),
    idleInTransactionTimeoutMs: read("appIdleInTransactionTimeoutMs", 60_000),
  };
  if (problems.length) throw new Error(problems.join("\n"));
  return limits;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
