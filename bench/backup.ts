/**
 * Part 6, Backup and restore: for each store, a fresh namespace with its init
 * scripts applied (PostgreSQL also gets 200,000 rows), then per iteration a
 * polystore backup (archive, checksums, counts) and a restore into the wiped
 * store (staging, verification, switch): backup.<store>.s and restore.<store>.s.
 * For PostgreSQL the same data also goes through plain `pg_dump -Fc` +
 * `createdb` + `pg_restore`, side by side, for postgres.over_pg_tools (target ≤ 1.2).
 */
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { backupId } from "../components/backup/archive";
import { createBackupDriver } from "../components/backup/drivers";
import { executeRestore, planRestore, runBackup, withDrivers } from "../components/backup/engine";
import { runTool } from "../components/backup/tools";
import { STORE_KINDS, type StoreConnection, type StoreKind } from "../components/core/types";
import type { BenchContext, Section } from "./context";
import { ROOT } from "./proc";
import { runOnce } from "./runner";
import { figure, ratios, rotate } from "./stats";

const PG_ROWS = 200_000;

async function pgQuery(conn: StoreConnection, database: string, sql: string): Promise<void> {
  const c = new pg.Client({ host: conn.host, port: conn.port, user: conn.admin.user, password: conn.admin.password, database });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

const seconds = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e9;

/** Plain pg_dump -Fc, then DROP/CREATE DATABASE + pg_restore: seconds of dump and of restore. */
async function plainPgTools(conn: StoreConnection, file: string): Promise<{ dump: number; restore: number }> {
  const env = { PGPASSWORD: conn.admin.password };
  const args = ["-h", conn.host, "-p", String(conn.port), "-U", conn.admin.user, "-d"];
  let t = process.hrtime.bigint();
  await runTool("pg_dump", ["-Fc", "-f", file, ...args, conn.database], { env });
  const dump = seconds(t);
  await pgQuery(conn, "postgres", `DROP DATABASE ${conn.database} WITH (FORCE)`);
  t = process.hrtime.bigint();
  await pgQuery(conn, "postgres", `CREATE DATABASE ${conn.database}`);
  await runTool("pg_restore", ["--exit-on-error", "--single-transaction", ...args, conn.database, file], { env });
  return { dump, restore: seconds(t) };
}

export async function benchBackup(ctx: BenchContext): Promise<Section> {
  const kinds = STORE_KINDS.filter((k) => ctx.engines[k]);
  const conns: Partial<Record<StoreKind, StoreConnection>> = {};
  for (const k of kinds) {
    conns[k] = await ctx.ns.fresh(k, "backup");
    await runOnce(conns[k]!);
  }
  if (conns.postgres) {
    await pgQuery(conns.postgres, conns.postgres.database, `CREATE TABLE bench_rows AS SELECT g AS id, md5(g::text) AS payload, now() AS at FROM generate_series(1, ${PG_ROWS}) g; ALTER TABLE bench_rows ADD PRIMARY KEY (id)`);
  }
  const dir = join(ctx.workDir, "backups");
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const backupS: Record<string, number[]> = {};
  const restoreS: Record<string, number[]> = {};
  const plain: number[] = [];
  const ours: number[] = [];
  for (const k of kinds) [backupS, restoreS].forEach((m) => (m[k] = []));
  let n = 0;
  for (let i = 0; i < ctx.iterations; i++) {
    for (const k of rotate(kinds, i)) {
      const id = backupId(new Date(Date.UTC(2000, 0, 1, 0, 0, n++)));
      let t = process.hrtime.bigint();
      await runBackup(conns, { stack: "bench", dir, stores: [k], projectRoot: ROOT, id });
      backupS[k]!.push(seconds(t));
      const d = await createBackupDriver(conns[k]!);
      await d.wipe().finally(() => d.close());
      t = process.hrtime.bigint();
      const plan = await planRestore(dir, id, "bench", [k]);
      try {
        await withDrivers(conns, [k], (drivers) => executeRestore(drivers, plan, () => undefined));
      } finally {
        plan.archive.remove();
      }
      restoreS[k]!.push(seconds(t));
      rmSync(join(dir, `${id}.tar.gz`), { force: true });
      if (k === "postgres") {
        const p = await plainPgTools(conns.postgres!, join(ctx.workDir, "plain.dump"));
        plain.push(p.dump + p.restore);
        ours.push(backupS.postgres!.at(-1)! + restoreS.postgres!.at(-1)!);
      }
    }
    ctx.log(`backup ${i + 1}/${ctx.iterations}: ${kinds.map((k) => `${k} ${backupS[k]!.at(-1)!.toFixed(2)}+${restoreS[k]!.at(-1)!.toFixed(2)} s`).join(", ")}`);
  }
  await ctx.ns.cleanup();
  const figures = kinds.flatMap((k) => [figure(`backup.${k}.s`, `${k}: backup`, "s", backupS[k]!), figure(`restore.${k}.s`, `${k}: restore (incl. verification)`, "s", restoreS[k]!)]);
  if (plain.length) {
    figures.push(figure("backup.postgres.pg_tools_s", "postgres: pg_dump -Fc + createdb + pg_restore", "s", plain));
    figures.push(figure("backup.postgres.over_pg_tools", "postgres: polystore backup+restore over pg_dump+pg_restore", "ratio", ratios(ours, plain), { target: { op: "<=", value: 1.2 } }));
  }
  return {
    id: "backup",
    title: "6. Backup and restore per store (polystore archive, staging restore, verification)",
    figures,
    details: { postgresRows: PG_ROWS },
    notes: [
      `Data: each store's shipped init scripts (ledger, schema, the Redis contract hash); PostgreSQL also ${PG_ROWS} rows in one table. Other stores' figures are the fixed cost of a run, not a throughput.`,
      "polystore's restore includes the archive checks (tar, sha256), the staging copy, the count check and the switch; the plain tools do none of that.",
    ],
  };
}
