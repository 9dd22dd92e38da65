/**
 * ClickHouse (server over HTTP, or chdb in process): per table its CREATE
 * statement (`<table>.sql`) and its rows in ClickHouse's Native format
 * (`<table>.native`), views and materialized views as statements only, and the
 * database's rows of the runner's ledger (`ledger.json`). `BACKUP … TO
 * File/Disk` is not used: it needs `backups.allowed_path` / `allowed_disk` in
 * the server configuration (chdb refuses it outright) and writes on the
 * server's disk, not where the backup runs.
 * Restore: data tables are created in staging database `<db>_r<id>` and loaded,
 * counted, then the live objects are renamed into `<db>_o<id>`, the staging
 * tables renamed into `<db>`, views re-created (after the data, so
 * materialized views do not insert twice), and `<db>_o<id>` dropped. A failure
 * before the switch drops only the staging database.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { StoreConnection } from "../core/types";
import { checkIdentifier, errorText } from "../init/adapter";
import { chIdent, chString, createExecutor, type ClickHouseExecutor } from "../init/adapters/clickhouse-executor";
import { allCountDifferences, stagingName } from "./tools";
import { StoreNotUpError, type BackupDriver, type Counts } from "./types";

const GROUP = "rows per table";
const VIEW_ENGINES = new Set(["View", "MaterializedView", "LiveView", "WindowView", "Dictionary"]);

interface TableInfo {
  name: string;
  engine: string;
  create: string;
}

export function createClickHouseBackup(conn: StoreConnection): BackupDriver {
  const db = checkIdentifier("clickhouse", "database", conn.database);
  const address = conn.host === "chdb" ? `chdb:${conn.options?.path ?? "?"}` : `${conn.host}:${conn.port}`;
  let ex: ClickHouseExecutor | undefined;
  const exec = async () => (ex ??= await createExecutor(conn));
  const q = async <T>(sql: string) => (await exec()).query<T>(sql);
  const cmd = async (sql: string) => (await exec()).command(sql);

  async function tables(database = db): Promise<TableInfo[]> {
    const rows = await q<{ name: string; engine: string; create_table_query: string }>(
      `SELECT name, engine, create_table_query FROM system.tables WHERE database = ${chString(database)} AND NOT is_temporary AND NOT startsWith(name, '.inner') ORDER BY name`,
    );
    return rows.map((r) => ({ name: r.name, engine: r.engine, create: r.create_table_query }));
  }
  const isData = (t: TableInfo) => !VIEW_ENGINES.has(t.engine);
  async function countTables(database: string, names?: string[]): Promise<Counts> {
    const out: Counts = {};
    for (const t of (await tables(database)).filter(isData)) {
      if (names && !names.includes(t.name)) continue;
      out[t.name] = Number((await q<{ n: string }>(`SELECT count() AS n FROM ${chIdent(database)}.${chIdent(t.name)}`))[0]?.n ?? 0);
    }
    return out;
  }
  const dbExists = async (name: string) => Number((await q<{ n: string }>(`SELECT count() AS n FROM system.databases WHERE name = ${chString(name)}`))[0]?.n) > 0;
  const ledgerExists = async () => Number((await q<{ n: string }>(`SELECT count() AS n FROM system.tables WHERE database = 'polystore' AND name = 'schema_history'`))[0]?.n) > 0;
  /** `CREATE … db.x …` with every `db.` reference pointed at `to`. */
  const retarget = (sql: string, to: string) => sql.replace(new RegExp(`(^|[\\s(,=])\`?${db}\`?\\.`, "g"), `$1${chIdent(to)}.`);

  const driver: BackupDriver = {
    kind: "clickhouse",
    address,
    async ping() {
      try {
        await q("SELECT 1 AS ok");
      } catch (err) {
        throw new StoreNotUpError("clickhouse", address, errorText(err, [conn.admin.password]));
      }
    },
    async dump(dir) {
      const version = String((await q<{ v: string }>("SELECT version() AS v"))[0]?.v ?? "unknown");
      if (!(await dbExists(db))) throw new Error(`clickhouse at ${address}: database ${db} does not exist; nothing to back up`);
      const all = await tables();
      const files: string[] = [];
      const counts: Counts = {};
      for (const t of all) {
        writeFileSync(join(dir, `${t.name}.sql`), `${t.create}\n`, { mode: 0o600 });
        files.push(`${t.name}.sql`);
        if (!isData(t)) continue;
        await (await exec()).exportNative(`SELECT * FROM ${chIdent(db)}.${chIdent(t.name)}`, join(dir, `${t.name}.native`));
        files.push(`${t.name}.native`);
      }
      Object.assign(counts, await countTables(db));
      const ledger = (await ledgerExists()) ? await q(`SELECT * FROM polystore.schema_history WHERE database = ${chString(db)} ORDER BY version, seq`) : [];
      writeFileSync(join(dir, "ledger.json"), JSON.stringify(ledger), { mode: 0o600 });
      writeFileSync(join(dir, "objects.json"), JSON.stringify(all.map((t) => ({ name: t.name, engine: t.engine }))), { mode: 0o600 });
      files.push("ledger.json", "objects.json");
      return {
        engineVersion: `ClickHouse ${version}${conn.host === "chdb" ? " (chdb)" : ""}`,
        method: "Native-format export per table with its CREATE statement, views as statements, ledger rows as JSON (counts taken right after the export)",
        restoreMethod: `tables created and loaded in staging database ${db}_r<id>, counted, old objects renamed into ${db}_o<id>, staging tables renamed into ${db}, views re-created, ${db}_o<id> dropped`,
        files,
        counts: { [GROUP]: counts },
      };
    },
    async restore(dir, manifest, id, log) {
      const staging = stagingName(db, id);
      const old = staging.replace(/_r(\d+)$/, "_o$1");
      const objects = JSON.parse(readFileSync(join(dir, "objects.json"), "utf8")) as Array<{ name: string; engine: string }>;
      const data = objects.filter((o) => !VIEW_ENGINES.has(o.engine));
      const views = objects.filter((o) => VIEW_ENGINES.has(o.engine));
      const statement = (name: string) => readFileSync(join(dir, `${name}.sql`), "utf8").trim();
      await cmd(`DROP DATABASE IF EXISTS ${chIdent(staging)} SYNC`);
      try {
        await cmd(`CREATE DATABASE ${chIdent(staging)}`);
        for (const t of data) {
          log(`clickhouse: loading ${t.name} into ${staging}`);
          await cmd(retarget(statement(t.name), staging));
          await (await exec()).importNative(`${chIdent(staging)}.${chIdent(t.name)}`, join(dir, `${t.name}.native`));
        }
        const diff = allCountDifferences({ [GROUP]: manifest.counts[GROUP] ?? {} }, { [GROUP]: await countTables(staging) });
        if (diff.length) throw new Error(`staging database ${staging} does not match the manifest: ${diff.join("; ")}`);
      } catch (err) {
        await cmd(`DROP DATABASE IF EXISTS ${chIdent(staging)} SYNC`).catch(() => undefined);
        throw err;
      }
      log(`clickhouse: switching ${staging} → ${db}`);
      await cmd(`CREATE DATABASE IF NOT EXISTS ${chIdent(db)}`);
      const live = await tables();
      await cmd(`DROP DATABASE IF EXISTS ${chIdent(old)} SYNC`);
      await cmd(`CREATE DATABASE ${chIdent(old)}`);
      // Views first out (they depend on the tables), tables after.
      for (const t of [...live.filter((x) => !isData(x)), ...live.filter(isData)]) await cmd(`RENAME TABLE ${chIdent(db)}.${chIdent(t.name)} TO ${chIdent(old)}.${chIdent(t.name)}`);
      for (const t of data) await cmd(`RENAME TABLE ${chIdent(staging)}.${chIdent(t.name)} TO ${chIdent(db)}.${chIdent(t.name)}`);
      for (const v of views) await cmd(statement(v.name));
      await cmd(`DROP DATABASE ${chIdent(staging)} SYNC`);
      await cmd(`DROP DATABASE ${chIdent(old)} SYNC`);
      const ledger = JSON.parse(readFileSync(join(dir, "ledger.json"), "utf8")) as Array<Record<string, string | number>>;
      if (ledger.length) {
        await createExecutorLedger();
        await cmd(`DELETE FROM polystore.schema_history WHERE database = ${chString(db)}`);
        const rows = ledger.map((r) =>
          `(${chString(db)}, ${Number(r.version)}, ${chString(String(r.name))}, ${chString(String(r.checksum))}, ${chString(String(r.applied_at))}, ${Number(r.duration_ms)}, ${Number(r.success)}, ${chString(String(r.error ?? ""))}, ${Number(r.deleted)}, ${String(r.seq).replace(/\D/g, "") || "0"})`,
        );
        await cmd(`INSERT INTO polystore.schema_history (database, version, name, checksum, applied_at, duration_ms, success, error, deleted, seq) VALUES ${rows.join(", ")}`);
      }
    },
    async counts() {
      return { [GROUP]: (await dbExists(db)) ? await countTables(db) : {} };
    },
    async ledger() {
      if (!(await ledgerExists())) return [];
      const rows = await q<{ version: number }>(
        `SELECT version FROM (SELECT version, argMax(success, seq) AS ok, argMax(deleted, seq) AS del FROM polystore.schema_history WHERE database = ${chString(db)} GROUP BY version) WHERE ok = 1 AND del = 0 ORDER BY version`,
      );
      return rows.map((r) => Number(r.version));
    },
    async isEmpty() {
      if (!(await dbExists(db))) return true;
      return Object.values(await countTables(db)).every((n) => n === 0);
    },
    async wipe() {
      await cmd(`DROP DATABASE IF EXISTS ${chIdent(db)} SYNC`);
    },
    async close() {
      const e = ex;
      ex = undefined;
      await e?.close().catch(() => undefined);
    },
  };

  /** The ledger table as the runner creates it (components/init/adapters/clickhouse.ts). */
  async function createExecutorLedger(): Promise<void> {
    await cmd("CREATE DATABASE IF NOT EXISTS polystore");
    await cmd(
      `CREATE TABLE IF NOT EXISTS polystore.schema_history (database String, version UInt32, name String, checksum String,
        applied_at DateTime64(3, 'UTC'), duration_ms UInt64, success UInt8, error String, deleted UInt8, seq UInt64)
       ENGINE = ReplacingMergeTree(seq) ORDER BY (database, version)`,
    );
  }

  return driver;
}
