/**
 * `npm run backup -- [run] --stack <s> [--store <kind>]… [--to <dir>] [--keep-days <n>] [--wait-minutes <n>] [--dump] [--connections <file>]`
 * `npm run backup -- list --stack <s> [--to <dir>]`
 * `npm run backup -- prune --stack <s> [--to <dir>] [--keep-days <n>]`
 *
 * One id per run. Stores on target aws (the stack output `stores` names their managed resource)
 * get the managed service's own snapshot, recorded in `<dir>/<id>.managed.json`
 * (stacks/backup/managed.ts); every other store is dumped into `<dir>/<id>.tar.gz`
 * (components/backup). `--dump` (or `--connections`) dumps every store over its connection.
 * After a successful run, archives and polystore's snapshots older than --keep-days (default 7)
 * are deleted. Reads as each store's admin identity. Exit codes: stacks/cli/exit.ts.
 */
import { DEFAULT_KEEP_DAYS, listArchives, polystoreVersion, pruneArchives, runBackup } from "../../components/backup/engine";
import { backupId } from "../../components/backup/archive";
import { listManagedRuns, managedSummary, readManagedManifest } from "../../components/backup/managed/manifest";
import { pruneManaged } from "../../components/backup/managed/prune";
import { runManagedBackup } from "../../components/backup/managed/run";
import type { ManagedTarget } from "../../components/backup/managed/types";
import type { StoreKind } from "../../components/core/types";
import { DEFAULT_WAIT_MINUTES } from "../../components/backup/managed/wait";
import { PROJECT_ROOT } from "../../components/init/project-root";
import { CliUsageError, EXIT, wantsHelp } from "../cli/exit";
import { archiveDir, commonProblems, parseCommandLine, CONNECTION_USAGE, humanAge, humanBytes, loadConnections, processIO, report, selectStores, type CliIO } from "./common";
import { allManagedTargets, loadStoresOutput, partitionStores, type ManagedDeps } from "./managed";

export const BACKUP_USAGE = `usage: npm run backup -- [run] --stack <name> [--store <kind>]... [--to <dir>] [--keep-days <n>] [--wait-minutes <n>] [--dump] [--connections <file>]
       npm run backup -- list  --stack <name> [--to <dir>]
       npm run backup -- prune --stack <name> [--to <dir>] [--keep-days <n>]
${CONNECTION_USAGE}
  --keep-days <n>         delete archives and polystore's managed snapshots older than n days after a successful run / on prune (default ${DEFAULT_KEEP_DAYS})
  --wait-minutes <n>      aws: how long to wait for each managed snapshot to become available (default ${DEFAULT_WAIT_MINUTES})
  --dump                  aws: dump managed stores over their connections instead of taking the service's own snapshot`;

/** Parses a whole number option at least `min`; pushes a problem naming it otherwise. */
function wholeNumber(name: string, raw: string | undefined, fallback: number, problems: string[], unit: string): number {
  const n = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(n) || n < 1) problems.push(`--${name} ${raw}: expected a whole number of ${unit}, at least 1`);
  return n;
}

/** A run id not used by an archive or a managed record in `dir`. */
async function freshId(dir: string): Promise<string> {
  const used = () => new Set([...listArchives(dir).map((a) => a.id), ...listManagedRuns(dir).map((r) => r.id)]);
  let id = backupId();
  while (used().has(id)) {
    await new Promise((r) => setTimeout(r, 250));
    id = backupId();
  }
  return id;
}

export async function backupMain(argv: string[], io: CliIO = processIO, deps: ManagedDeps = {}): Promise<number> {
  if (wantsHelp(argv)) {
    io.out(`${BACKUP_USAGE}\n`);
    return EXIT.ok;
  }
  try {
    const { values: v, positionals } = parseCommandLine(argv, { "keep-days": { type: "string" }, "wait-minutes": { type: "string" }, dump: { type: "boolean" } });
    const problems: string[] = [];
    const command = positionals[0] ?? "run";
    if (!["run", "list", "prune"].includes(command)) problems.push(`unknown command "${command}" (expected run, list or prune)`);
    if (positionals.length > 1) problems.push(`unexpected argument(s): ${positionals.slice(1).join(" ")}`);
    const stores = commonProblems(v, problems);
    const keepDays = wholeNumber("keep-days", v["keep-days"], DEFAULT_KEEP_DAYS, problems, "days");
    const waitMinutes = wholeNumber("wait-minutes", v["wait-minutes"], DEFAULT_WAIT_MINUTES, problems, "minutes");
    if (problems.length) throw new CliUsageError(problems.join("\n"));
    const stack = v.stack!;
    const dir = archiveDir(stack, v.to);
    const log = (m: string) => io.err(`${m}\n`);

    if (command === "list") {
      const rows = [
        ...listArchives(dir).map((a) => ({ id: a.id, at: a.createdAt, what: humanBytes(a.bytes) })),
        ...listManagedRuns(dir).map((r) => ({ id: r.id, at: r.createdAt, what: `managed: ${managedSummary(readManagedManifest(r.path))}` })),
      ].sort((a, b) => b.id.localeCompare(a.id));
      if (!rows.length) io.out(`no backups in ${dir}\n`);
      else {
        io.out(`ID               AGE       SIZE / SNAPSHOTS\n`);
        for (const r of rows) io.out(`${r.id}  ${humanAge(Date.now() - r.at.getTime()).padEnd(8)}  ${r.what}\n`);
        io.out(`${rows.length} backup(s) in ${dir}\n`);
      }
      return EXIT.ok;
    }
    if (command === "prune") {
      const gone = pruneArchives(dir, keepDays);
      io.out(gone.length ? `deleted ${gone.length} backup(s) older than ${keepDays} days: ${gone.join(", ")}\n` : `nothing older than ${keepDays} days in ${dir}\n`);
      // Managed snapshots: only where this folder has managed runs (a docker-only stack needs no Pulumi CLI to prune).
      if (!listManagedRuns(dir).length) return EXIT.ok;
      return reportManagedPrune(await pruneManaged(allManagedTargets(await loadStoresOutput(stack, deps)), { stack, dir, keepDays, deps: deps.adapters, log }), keepDays, io);
    }

    // --connections / --connections-env: every store over its connection, as before (no stack output is read).
    const source = { connections: v.connections, "connections-env": v["connections-env"] };
    const given = source.connections !== undefined || source["connections-env"] !== undefined;
    const split = given ? undefined : partitionStores(await loadStoresOutput(stack, deps), stores, stack, v.dump ?? false);
    if (!split?.managed.length) {
      const conns = await loadConnections(stack, source);
      const kinds = selectStores(conns, split ? split.dumped : stores);
      const { path, manifest } = await runBackup(conns, { stack, dir, stores: kinds, projectRoot: PROJECT_ROOT, log });
      printArchive(io, path, manifest);
      const gone = pruneArchives(dir, keepDays);
      if (gone.length) io.out(`pruned ${gone.length} backup(s) older than ${keepDays} days: ${gone.join(", ")}\n`);
      return EXIT.ok;
    }
    return await mixedRun(split.managed, split.dumped, { stack, dir, keepDays, waitMinutes }, io, deps);
  } catch (err) {
    return report("backup", err, io, BACKUP_USAGE);
  }
}

/** Managed snapshots, then the dump of the other stores, under one id; prune only when all succeeded. */
async function mixedRun(managed: ManagedTarget[], dumped: StoreKind[], o: { stack: string; dir: string; keepDays: number; waitMinutes: number }, io: CliIO, deps: ManagedDeps): Promise<number> {
  const log = (m: string) => io.err(`${m}\n`);
  const id = await freshId(o.dir);
  const run = await runManagedBackup(managed, { stack: o.stack, dir: o.dir, id, waitMinutes: o.waitMinutes, polystoreVersion: polystoreVersion(PROJECT_ROOT), log, deps: deps.adapters, clock: deps.clock });
  io.out(`backup ${id} of stack ${o.stack}: managed snapshots recorded in ${run.path}\n`);
  for (const [kind, s] of Object.entries(run.manifest.stores)) io.out(`  ${kind.padEnd(13)} ${s!.service} ${s!.snapshot}: ${s!.state}${s!.engineVersion ? `; ${s!.engineVersion}` : ""}\n`);
  const failures = run.failures.map((f) => f.message);
  if (dumped.length) {
    try {
      const conns = deps.connections ? await deps.connections(o.stack) : await loadConnections(o.stack, {});
      const kinds = selectStores(conns, dumped);
      const { path, manifest } = await runBackup(conns, { stack: o.stack, dir: o.dir, stores: kinds, projectRoot: PROJECT_ROOT, id, log });
      printArchive(io, path, manifest);
    } catch (err) {
      failures.push(`${dumped.join(", ")} (dump): ${(err as Error).message}`);
    }
  }
  if (failures.length) {
    io.err(`backup ${id}: ${failures.length} store(s) failed; the others are recorded (nothing pruned):\n${failures.join("\n")}\n`);
    return EXIT.failed;
  }
  const gone = pruneArchives(o.dir, o.keepDays);
  if (gone.length) io.out(`pruned ${gone.length} backup(s) older than ${o.keepDays} days: ${gone.join(", ")}\n`);
  return reportManagedPrune(await pruneManaged(managed, { stack: o.stack, dir: o.dir, keepDays: o.keepDays, deps: deps.adapters, log }), o.keepDays, io);
}

function printArchive(io: CliIO, path: string, manifest: Awaited<ReturnType<typeof runBackup>>["manifest"]): void {
  io.out(`backup ${manifest.id} of stack ${manifest.stack}: ${path}\n`);
  for (const [kind, s] of Object.entries(manifest.stores)) {
    const totals = Object.entries(s!.counts).map(([g, c]) => `${Object.values(c).reduce((a, b) => a + b, 0)} ${g.split(" ")[0]}`);
    io.out(`  ${kind.padEnd(13)} ${s!.engineVersion}; ${totals.join(", ")}; ledger ${s!.ledger.join(",") || "-"}\n`);
  }
}

function reportManagedPrune(r: Awaited<ReturnType<typeof pruneManaged>>, keepDays: number, io: CliIO): number {
  if (r.deleted.length) io.out(`deleted ${r.deleted.length} managed snapshot(s) older than ${keepDays} days: ${r.deleted.join(", ")}\n`);
  if (r.failures.length) {
    io.err(`prune: ${r.failures.join("\n")}\n`);
    return EXIT.failed;
  }
  return EXIT.ok;
}

if (require.main === module) backupMain(process.argv.slice(2)).then((c) => (process.exitCode = c));
