/**
 * `npm run restore -- --stack <s> <id> [--store <kind>]… [--yes] [--force] [--verify-only] [--to <dir>] [--connections <file>]`
 *
 * Checks the archive (tar, manifest, stack, checksums), checks every target
 * store is up and (unless --force) empty, asks (unless --yes; refuses without a
 * terminal), restores store by store (each keeps its old data until the new is
 * loaded and counted), then verifies counts and ledgers against the manifest,
 * prints a table and exits 1 on any mismatch. --verify-only stops after the
 * archive checks. Exit codes: stacks/cli/exit.ts.
 */
import { planRestore, type RestorePlan } from "../../components/backup/engine";
import { ID_PATTERN } from "../../components/backup/archive";
import { CliUsageError, EXIT, wantsHelp } from "../cli/exit";
import { archiveDir, commonProblems, parseCommandLine, CONNECTION_USAGE, loadConnections, processIO, report, restoreAndVerify, selectStores, type CliIO } from "./common";

export const RESTORE_USAGE = `usage: npm run restore -- --stack <name> <id> [--store <kind>]... [--yes] [--force] [--verify-only] [--to <dir>] [--connections <file>]
  <id>                    the backup to restore (YYYYMMDD_HHMMSS; see npm run backup -- list)
${CONNECTION_USAGE}
  --yes                   do not ask (required when stdin is not a terminal)
  --force                 replace stores that hold data (refused otherwise)
  --verify-only           check the archive (checksums, manifest, stack) and print its counts; restore nothing`;

export async function restoreMain(argv: string[], io: CliIO = processIO): Promise<number> {
  if (wantsHelp(argv)) {
    io.out(`${RESTORE_USAGE}\n`);
    return EXIT.ok;
  }
  let plan: RestorePlan | undefined;
  try {
    const { values: v, positionals } = parseCommandLine(argv, { yes: { type: "boolean" }, force: { type: "boolean" }, "verify-only": { type: "boolean" } });
    const problems: string[] = [];
    const id = positionals[0];
    if (!id) problems.push("missing <id> (see npm run backup -- list)");
    else if (!ID_PATTERN.test(id)) problems.push(`<id> ${id}: expected YYYYMMDD_HHMMSS`);
    if (positionals.length > 1) problems.push(`unexpected argument(s): ${positionals.slice(1).join(" ")}`);
    const stores = commonProblems(v, problems);
    if (problems.length) throw new CliUsageError(problems.join("\n"));
    const stack = v.stack!;
    plan = await planRestore(archiveDir(stack, v.to), id!, stack, stores);
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
