/**
 * `npm run restore -- --stack <s> <id> [--store <kind>]… [--yes] [--force] [--verify-only] [--to <dir>] [--connections <file>]`
 *
 * Checks the archive (tar, manifest, stack, checksums), checks every target
 * store is up and (unless --force) empty, asks (unless --yes; refuses without a
 * terminal), restores store by store (each keeps its old data until the new is
 * loaded and counted), then verifies counts and ledgers against the manifest,
 * prints a table and exits 1 on any mismatch. --verify-only stops after the
 * archive checks. A managed backup (`<id>.managed.json`, target aws) is restored BESIDE the live
 * resources (stacks/backup/managed.ts), then the archive of the same id, if any, as above.
 * Exit codes: stacks/cli/exit.ts.
 */
import { listArchives, planRestore, type RestorePlan } from "../../components/backup/engine";
import { ID_PATTERN } from "../../components/backup/archive";
import { DEFAULT_WAIT_MINUTES } from "../../components/backup/managed/wait";
import type { StoreKind } from "../../components/core/types";
import { managedRecord, restoreManaged, type ManagedDeps } from "./managed";
import { CliUsageError, EXIT, wantsHelp } from "../cli/exit";
import { archiveDir, commonProblems, parseCommandLine, CONNECTION_USAGE, loadConnections, processIO, report, restoreAndVerify, selectStores, type CliIO } from "./common";

export const RESTORE_USAGE = `usage: npm run restore -- --stack <name> <id> [--store <kind>]... [--yes] [--force] [--verify-only] [--to <dir>] [--connections <file>]
  <id>                    the backup to restore (YYYYMMDD_HHMMSS; see npm run backup -- list)
${CONNECTION_USAGE}
  --yes                   do not ask (required when stdin is not a terminal)
  --force                 replace stores that hold data (refused otherwise)
  --verify-only           check the archive (checksums, manifest, stack) and print its counts; restore nothing
  --wait-minutes <n>      aws: how long to wait for each resource restored beside the live one (default ${DEFAULT_WAIT_MINUTES})`;

export async function restoreMain(argv: string[], io: CliIO = processIO, deps: ManagedDeps = {}): Promise<number> {
  if (wantsHelp(argv)) {
    io.out(`${RESTORE_USAGE}\n`);
    return EXIT.ok;
  }
  let plan: RestorePlan | undefined;
  try {
    const { values: v, positionals } = parseCommandLine(argv, { yes: { type: "boolean" }, force: { type: "boolean" }, "verify-only": { type: "boolean" }, "wait-minutes": { type: "string" } });
    const problems: string[] = [];
    const id = positionals[0];
    if (!id) problems.push("missing <id> (see npm run backup -- list)");
    else if (!ID_PATTERN.test(id)) problems.push(`<id> ${id}: expected YYYYMMDD_HHMMSS`);
    if (positionals.length > 1) problems.push(`unexpected argument(s): ${positionals.slice(1).join(" ")}`);
    const stores = commonProblems(v, problems);
    const waitMinutes = v["wait-minutes"] === undefined ? DEFAULT_WAIT_MINUTES : Number(v["wait-minutes"]);
    if (!Number.isInteger(waitMinutes) || waitMinutes < 1) problems.push(`--wait-minutes ${v["wait-minutes"]}: expected a whole number of minutes, at least 1`);
    if (problems.length) throw new CliUsageError(problems.join("\n"));
    const stack = v.stack!;
    const dir = archiveDir(stack, v.to);
    const managed = managedRecord(dir, id!, stack);
    let archived = stores;
    if (managed) {
      const hasArchive = listArchives(dir).some((a) => a.id === id);
      const mine = (stores ?? (Object.keys(managed.stores) as StoreKind[])).filter((k) => managed.stores[k] || !hasArchive);
      const opts = { stack, yes: v.yes ?? false, verifyOnly: v["verify-only"] ?? false, waitMinutes };
      const code = mine.length ? await restoreManaged(managed, mine, opts, io, deps) : 0;
      archived = stores?.filter((k) => !managed.stores[k]);
      if (code !== 0 || !hasArchive || (stores && !archived?.length)) return code;
    }
    plan = await planRestore(dir, id!, stack, archived);
    const manifest = plan.archive.manifest;
    if (v["verify-only"]) {
      io.out(`archive ${plan.archive.path}: manifest and ${plan.stores.length} store(s) check out (sha256 of every part)\n`);
      for (const k of plan.stores) {
        const s = manifest.stores[k]!;
        for (const [g, c] of Object.entries(s.counts)) io.out(`  ${k.padEnd(13)} ${g}: ${Object.values(c).reduce((a, b) => a + b, 0)} in ${Object.keys(c).length} object(s)\n`);
        io.out(`  ${k.padEnd(13)} ledger ${s.ledger.join(",") || "-"}; ${s.method}\n`);
      }
      return EXIT.ok;
    }
    const conns = await loadConnections(stack, v);
    selectStores(conns, plan.stores);
    return await restoreAndVerify(conns, plan, { force: v.force ?? false, yes: v.yes ?? false, target: `stack ${stack}` }, io);
  } catch (err) {
    return report("restore", err, io, RESTORE_USAGE);
  } finally {
    plan?.archive.remove();
  }
}

if (require.main === module) restoreMain(process.argv.slice(2)).then((c) => (process.exitCode = c));
