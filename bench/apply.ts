/**
 * Part 1, Apply: N generated PostgreSQL migrations into an empty database,
 * each tool as a cold process on the same server in the same run, the order
 * rotated every iteration:
 * - polystore: `node --import tsx stacks/migrate.ts apply --connections <file> --store postgres --scripts-dir <dir> --json`
 * - Flyway:    `java -cp … FlywayLauncher` (flyway-core + flyway-database-postgresql + pgjdbc)
 * - psql:      a bash loop spawning `psql -v ON_ERROR_STOP=1 -f` per file
 * Right after its apply, polystore and Flyway each run again with nothing
 * pending (the no-op re-run of part 2, at the scale of N migrations).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { RunReport } from "../components/init/types";
import type { StoreConnection } from "../components/core/types";
import type { BenchContext, Section } from "./context";
import { generateMigrations, type MigrationSet } from "./migrations";
import { runTimed, tail } from "./proc";
import { figure, ratios, rotate } from "./stats";
import { verifySchema } from "./verify";

type Tool = "polystore" | "flyway" | "psql";
const TOOLS: Tool[] = ["polystore", "flyway", "psql"];

interface Sample {
  applyMs: Record<Tool, number>;
  runnerApplyMs: number;
  noopMs: { polystore: number; flyway: number };
  runnerNoopMs: number;
  noopRoundTrips: number;
  applyRoundTrips: number;
}

function migrateArgs(op: string, connFile: string, scriptsDir: string): string[] {
  return ["--import", "tsx", "stacks/migrate.ts", op, "--connections", connFile, "--store", "postgres", "--scripts-dir", scriptsDir, "--json", "--wait-timeout", "30"];
}

async function polystore(ctx: BenchContext, conn: StoreConnection, set: MigrationSet, expectApplied: number): Promise<{ ms: number; report: RunReport }> {
  const file = join(ctx.workDir, `connections-${conn.database}.json`);
  writeFileSync(file, JSON.stringify({ postgres: conn }), { mode: 0o600 });
  const t = await runTimed(process.execPath, migrateArgs("apply", file, set.polystoreDir));
  let report: RunReport | undefined;
  try {
    report = (JSON.parse(t.stdout) as RunReport[])[0];
  } catch {
    report = undefined;
  }
  if (t.code !== 0 || !report?.ok || report.applied.length !== expectApplied) {
    throw new Error(`polystore apply into ${conn.database} failed (exit ${t.code}, applied ${report?.applied.length ?? "?"} of ${expectApplied}): ${report?.error ?? tail(t)}`);
  }
  return { ms: t.ms, report };
}

async function flyway(ctx: BenchContext, conn: StoreConnection, set: MigrationSet, expectExecuted: number): Promise<number> {
  const fw = ctx.flyway!;
  const args = [...fw.javaArgs, "--url", `jdbc:postgresql://${conn.host}:${conn.port}/${conn.database}`, "--user", conn.admin.user, "--locations", set.flywayDir];
  const t = await runTimed("java", args, { FLYWAY_BENCH_PASSWORD: conn.admin.password });
  const m = /FLYWAY_RESULT (\{.*\})/.exec(t.stdout);
  const result = m ? (JSON.parse(m[1]!) as { success: boolean; migrationsExecuted: number }) : undefined;
  if (t.code !== 0 || !result?.success || result.migrationsExecuted !== expectExecuted) {
    throw new Error(`Flyway migrate into ${conn.database} failed (exit ${t.code}, executed ${result?.migrationsExecuted ?? "?"} of ${expectExecuted}): ${tail(t)}`);
  }
  return t.ms;
}

async function psqlLoop(conn: StoreConnection, set: MigrationSet): Promise<number> {
  const script = `for f in "$BENCH_DIR"/*.sql; do psql -X -q -v ON_ERROR_STOP=1 -h "$BENCH_HOST" -p "$BENCH_PORT" -U "$BENCH_USER" -d "$BENCH_DB" -f "$f" >/dev/null || exit 1; done`;
  const t = await runTimed("bash", ["-c", script], {
    BENCH_DIR: set.polystoreDir, BENCH_HOST: conn.host, BENCH_PORT: String(conn.port), BENCH_USER: conn.admin.user, BENCH_DB: conn.database,
    PGPASSWORD: conn.admin.password,
  });
  if (t.code !== 0) throw new Error(`psql loop into ${conn.database} failed (exit ${t.code}): ${tail(t)}`);
  return t.ms;
}

/** Process start-up alone: each CLI with no arguments (usage error, exit 2) after loading its code. */
async function startup(ctx: BenchContext): Promise<{ polystore: number; jvm: number }> {
  const p = await runTimed(process.execPath, ["--import", "tsx", "stacks/migrate.ts"]);
  const j = await runTimed("java", ctx.flyway!.javaArgs);
  if (p.code !== 2 || j.code !== 2) throw new Error(`start-up probes: expected usage errors (exit 2), got polystore ${p.code}, java ${j.code}`);
  return { polystore: p.ms, jvm: j.ms };
}

export async function benchApply(ctx: BenchContext, count: number): Promise<Section> {
  const set = generateMigrations(count, ctx.workDir);
  ctx.log(`apply: ${count} migrations generated in ${set.root}`);
  const samples: Sample[] = [];
  const starts: Array<{ polystore: number; jvm: number }> = [];
  // One untimed warm-up of each tool (OS file cache, tsx's compile cache, the JVM's class-data sharing archive).
  {
    const conn = await ctx.ns.fresh("postgres", "warmup");
    await polystore(ctx, conn, set, count);
    const c2 = await ctx.ns.fresh("postgres", "warmup");
    await flyway(ctx, c2, set, count);
    await ctx.ns.cleanup();
  }
  for (let i = 0; i < ctx.iterations; i++) {
    const s: Omit<Partial<Sample>, "applyMs" | "noopMs"> & { applyMs: Partial<Sample["applyMs"]>; noopMs: Partial<Sample["noopMs"]> } = { applyMs: {}, noopMs: {} };
    for (const tool of rotate(TOOLS, i)) {
      const conn = await ctx.ns.fresh("postgres", `apply_${tool}`);
      if (tool === "polystore") {
        const first = await polystore(ctx, conn, set, count);
        s.applyMs.polystore = first.ms;
        s.runnerApplyMs = first.report.durationMs;
        s.applyRoundTrips = first.report.roundTrips;
        await verifySchema(ctx, conn.database, set);
        const again = await polystore(ctx, conn, set, 0);
        s.noopMs.polystore = again.ms;
        s.runnerNoopMs = again.report.durationMs;
        s.noopRoundTrips = again.report.roundTrips;
      } else if (tool === "flyway") {
        s.applyMs.flyway = await flyway(ctx, conn, set, count);
        await verifySchema(ctx, conn.database, set);
        s.noopMs.flyway = await flyway(ctx, conn, set, 0);
      } else {
        s.applyMs.psql = await psqlLoop(conn, set);
        await verifySchema(ctx, conn.database, set);
      }
    }
    starts.push(await startup(ctx));
    await ctx.ns.cleanup();
    samples.push(s as Sample);
    ctx.log(`apply ${i + 1}/${ctx.iterations}: polystore ${(s.applyMs.polystore! / 1000).toFixed(2)} s, flyway ${(s.applyMs.flyway! / 1000).toFixed(2)} s, psql ${(s.applyMs.psql! / 1000).toFixed(2)} s`);
  }
  const col = (f: (s: Sample) => number) => samples.map(f);
  const sec = (xs: number[]) => xs.map((x) => x / 1000);
  const poly = col((s) => s.applyMs.polystore);
  const fw = col((s) => s.applyMs.flyway);
  const ps = col((s) => s.applyMs.psql);
  return {
    id: "apply",
    title: `1. Apply ${count} PostgreSQL migrations into an empty database (cold process each)`,
    figures: [
      figure("apply.polystore_s", "polystore (node + tsx, whole process)", "s", sec(poly)),
      figure("apply.flyway_s", `Flyway ${ctx.flyway!.version} (JVM, whole process)`, "s", sec(fw)),
      figure("apply.psql_s", "psql -f per file (bash loop)", "s", sec(ps)),
      figure("apply.flyway_over_polystore", "flyway_over_polystore", "ratio", ratios(fw, poly), { target: { op: ">=", value: 1 } }),
      figure("apply.psql_over_polystore", "psql_over_polystore", "ratio", ratios(ps, poly)),
      figure("apply.polystore_runner_s", "  polystore runner alone (report.durationMs)", "s", sec(col((s) => s.runnerApplyMs))),
      figure("apply.polystore_startup_s", "  polystore CLI start-up (no work)", "s", sec(starts.map((x) => x.polystore))),
      figure("apply.jvm_startup_s", "  JVM start-up (no work)", "s", sec(starts.map((x) => x.jvm))),
      figure("apply.polystore_round_trips", "  polystore round trips (apply)", "count", col((s) => s.applyRoundTrips)),
      figure("noop200.polystore_s", "no-op re-run: polystore (whole process)", "s", sec(col((s) => s.noopMs.polystore))),
      figure("noop200.flyway_s", "no-op re-run: Flyway (whole process)", "s", sec(col((s) => s.noopMs.flyway))),
      figure("noop200.polystore_noop_over_apply", "polystore noop_over_apply (process)", "ratio", ratios(col((s) => s.noopMs.polystore), poly)),
      figure("noop200.polystore_runner_noop_over_apply", "polystore noop_over_apply (runner)", "ratio", ratios(col((s) => s.runnerNoopMs), col((s) => s.runnerApplyMs)), { target: { op: "<=", value: 0.05 } }),
      figure("noop200.flyway_noop_over_apply", "Flyway noop_over_apply (process)", "ratio", ratios(col((s) => s.noopMs.flyway), fw)),
      figure("noop200.polystore_round_trips", "  polystore round trips (no-op)", "count", col((s) => s.noopRoundTrips)),
    ],
    details: { migrations: count, statementsPerMigration: 5, order: "rotated per iteration: polystore→flyway→psql, flyway→psql→polystore, …" },
    notes: [
      "Each tool applies into its own fresh CREATE DATABASE on the same server; all three end with the same tables, views, indexes and rows (checked after every apply).",
      "polystore and Flyway wrap each migration in its own transaction with a ledger row; the psql loop has no ledger and runs statements in autocommit.",
      "polystore runs the scripts as its owner role (SET LOCAL ROLE) and ensures the app identity on every apply; Flyway runs them as the admin.",
    ],
  };
}
