/**
 * ClickHouse adapter: scripts `.sql` split into single statements; ledger and
 * lock in the admin-only database `polystore` (ReplacingMergeTree tables read
 * with argMax, so the newest row per key wins without waiting for merges).
 *
 * ClickHouse has no lock primitive and no transactional DDL. The lock is a
 * claim-row protocol (see acquireLock); what keeps it safe even in its race
 * window is that every script uses idempotent `IF NOT EXISTS` DDL and the
 * ledger is keyed by version. A failed script is recorded with success=0
 * (statements before the failing one stay applied) and re-run whole next time.
 * Placeholders: `${DATABASE}`, `${APP_USER}`.
 */
import type { StoreConnection } from "../../core/types";
import { addressOf, checkIdentifier, errorText, LockTimeoutError, ScriptFailedError, type StoreAdapter } from "../adapter";
import { SCRIPT_EXTENSIONS } from "../registry";
import { splitStatements } from "../statements";
import type { LedgerEntry } from "../types";
import { chIdent, chString, createExecutor, type ClickHouseExecutor } from "./clickhouse-executor";

const LEDGER = "polystore.schema_history";
const LOCK = "polystore.init_lock";

export function createClickHouseAdapter(conn: StoreConnection): StoreAdapter {
  const db = checkIdentifier("clickhouse", "database", conn.database);
  const appUser = checkIdentifier("clickhouse", "app.user", conn.app.user);
  const leaseMs = Number(conn.options?.lockLeaseMs ?? 15 * 60_000);
  const settleMs = Number(conn.options?.lockSettleMs ?? 300);
  const secrets = [conn.admin.password, conn.app.password];
  const dbLit = chString(db);
  let ex: ClickHouseExecutor | undefined;

  const adapter: StoreAdapter = {
    kind: "clickhouse",
    extensions: SCRIPT_EXTENSIONS.clickhouse,
    address: conn.host === "chdb" ? `chdb:${conn.options?.path ?? "?"}` : addressOf(conn),
    roundTrips: 0,

    async connect() {
      ex ??= await createExecutor(conn);
    },
    async ping() {
      await query("SELECT 1 AS ok");
    },
    async serverVersion() {
      return String((await query<{ v: string }>("SELECT version() AS v"))[0]?.v ?? "");
    },
    async close() {
      const e = ex;
      ex = undefined;
      await e?.close().catch(() => undefined);
    },

    async ensureLedger() {
      await command(`CREATE DATABASE IF NOT EXISTS ${chIdent(db)}`);
      await command(
        `CREATE TABLE IF NOT EXISTS ${LEDGER} (database String, version UInt32, name String, checksum String,
          applied_at DateTime64(3, 'UTC'), duration_ms UInt64, success UInt8, error String, deleted UInt8, seq UInt64)
         ENGINE = ReplacingMergeTree(seq) ORDER BY (database, version)`,
      );
    },
    async readLedger() {
      const exists = await query<{ n: string }>(`SELECT count() AS n FROM system.tables WHERE database = 'polystore' AND name = 'schema_history'`);
      if (Number(exists[0]?.n ?? 0) === 0) return [];
      const rows = await query<Record<string, string | number>>(
        `SELECT version, argMax(name, seq) AS name, argMax(checksum, seq) AS checksum, argMax(applied_at, seq) AS applied_at,
                argMax(duration_ms, seq) AS duration_ms, argMax(success, seq) AS success, argMax(error, seq) AS error,
                argMax(deleted, seq) AS del
         FROM ${LEDGER} WHERE database = ${dbLit} GROUP BY version HAVING del = 0 ORDER BY version`,
      );
      return rows.map((r) => ({
        version: Number(r.version),
        name: String(r.name),
        checksum: String(r.checksum),
        appliedAt: new Date(`${String(r.applied_at).replace(" ", "T")}Z`).toISOString(),
        durationMs: Number(r.duration_ms),
        success: Number(r.success) === 1,
        ...(r.error ? { error: String(r.error) } : {}),
      }));
    },
    record: (entry) => writeLedger(entry, false),
    async removeEntry(version) {
      await writeLedger({ version, name: "", checksum: "", appliedAt: new Date().toISOString(), durationMs: 0, success: false }, true);
    },

    /**
     * Claim-row lock: if nobody holds a live claim, insert ours (server time,
     * lease `lockLeaseMs`), wait `lockSettleMs` so concurrent inserts land,
     * then re-read: the earliest live claim wins; a loser withdraws its claim
     * and retries with backoff. Window: a competing claim whose INSERT takes
     * longer than the settle time can make two runners both win.
     */
    async acquireLock(owner, timeoutMs) {
      await command("CREATE DATABASE IF NOT EXISTS polystore");
      await command(
        `CREATE TABLE IF NOT EXISTS ${LOCK} (database String, owner String, claimed_at DateTime64(6, 'UTC'),
          expires_at DateTime64(6, 'UTC'), released UInt8, seq UInt64)
         ENGINE = ReplacingMergeTree(seq) ORDER BY (database, owner)`,
      );
      const deadline = Date.now() + timeoutMs;
      for (let delay = 100; ; delay = Math.min(delay * 2, 2000)) {
        const before = await holder();
        if (!before) {
          await claim(owner, 0);
          await sleep(settleMs);
          const winner = await holder();
          if (winner === owner) return;
          await claim(owner, 1);
        }
        if (Date.now() >= deadline) throw new LockTimeoutError("clickhouse", adapter.address, timeoutMs, await holder());
        await sleep(Math.min(delay * (1 + Math.random()), Math.max(0, deadline - Date.now())));
      }
    },
    async releaseLock(owner) {
      if (ex) await claim(owner, 1).catch(() => undefined);
    },

    async ensureIdentity() {
      if (conn.options?.manageAppUser === "false") return [`app user not managed (options.manageAppUser = "false")`];
      if (!ex?.accessControl) {
        return [`identity not managed on chdb (clickhouse-local has no writable access storage); on a server polystore runs: ${identitySql("***").join("; ")}`];
      }
      if (appUser === conn.admin.user) throw new Error(`clickhouse: app.user must differ from admin.user (both are ${appUser})`);
      for (const sql of identitySql(conn.app.password)) await command(sql);
      return [`ensured user ${appUser} with SELECT, INSERT on ${db}.* only`];
    },
    placeholders: () => ({ DATABASE: db, APP_USER: appUser }),

    async apply(script) {
      const started = Date.now();
      const statements = splitStatements(script.body, ["--"]);
      let done = 0;
      try {
        for (const st of statements) {
          try {
            await command(st.text);
          } catch (err) {
            throw new Error(`statement ${done + 1} of ${statements.length} (line ${st.line}): ${errorText(err, secrets)}`);
          }
          done++;
        }
      } catch (err) {
        const message = errorText(err, secrets) + (done ? `; statements 1-${done} stayed applied (they must be idempotent)` : "");
        await writeLedger({ ...base(script), durationMs: Date.now() - started, success: false, error: message }, false);
        throw new ScriptFailedError(script.fileName, message, false);
      }
      const entry: LedgerEntry = { ...base(script), durationMs: Date.now() - started, success: true };
      await writeLedger(entry, false);
      return entry;
    },
  };

  function identitySql(password: string): string[] {
    const u = chIdent(appUser);
    return [
      `CREATE USER IF NOT EXISTS ${u} IDENTIFIED WITH sha256_password BY ${chString(password)} DEFAULT DATABASE ${chIdent(db)}`,
      `ALTER USER ${u} IDENTIFIED WITH sha256_password BY ${chString(password)} DEFAULT DATABASE ${chIdent(db)}`,
      // WITH REPLACE OPTION swaps the whole privilege set in one statement (no window without grants).
      `GRANT SELECT, INSERT ON ${chIdent(db)}.* TO ${u} WITH REPLACE OPTION`,
    ];
  }

  function base(script: { version: number; name: string; checksum: string }) {
    return { version: script.version, name: script.name, checksum: script.checksum, appliedAt: new Date().toISOString() };
  }

  async function writeLedger(e: LedgerEntry, deleted: boolean): Promise<void> {
    await command(
      `INSERT INTO ${LEDGER} (database, version, name, checksum, applied_at, duration_ms, success, error, deleted, seq) VALUES
       (${dbLit}, ${e.version}, ${chString(e.name)}, ${chString(e.checksum)}, ${chString(e.appliedAt.replace("T", " ").replace("Z", ""))},
        ${Math.round(e.durationMs)}, ${e.success ? 1 : 0}, ${chString(e.error ?? "")}, ${deleted ? 1 : 0}, toUnixTimestamp64Micro(now64(6)))`,
    );
  }

  async function claim(owner: string, released: 0 | 1): Promise<void> {
    await command(
      `INSERT INTO ${LOCK} (database, owner, claimed_at, expires_at, released, seq) VALUES
       (${dbLit}, ${chString(owner)}, now64(6), now64(6) + toIntervalMillisecond(${leaseMs}), ${released}, toUnixTimestamp64Micro(now64(6)))`,
    );
  }

  async function holder(): Promise<string | undefined> {
    const rows = await query<{ owner: string }>(
      `SELECT owner FROM (SELECT owner, argMax(claimed_at, seq) AS c, argMax(expires_at, seq) AS x, argMax(released, seq) AS r
         FROM ${LOCK} WHERE database = ${dbLit} GROUP BY owner) WHERE r = 0 AND x > now64(6) ORDER BY c, owner LIMIT 1`,
    );
    return rows[0]?.owner;
  }

  async function query<T = Record<string, unknown>>(sql: string): Promise<T[]> {
    if (!ex) throw new Error(`clickhouse at ${adapter.address}: not connected`);
    adapter.roundTrips++;
    return ex.query<T>(sql);
  }
  async function command(sql: string): Promise<void> {
    if (!ex) throw new Error(`clickhouse at ${adapter.address}: not connected`);
    adapter.roundTrips++;
    await ex.command(sql);
  }

  return adapter;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
