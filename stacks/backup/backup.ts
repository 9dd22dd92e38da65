/**
 * `npm run backup -- [run] --stack <s> [--store <kind>]… [--to <dir>] [--keep-days <n>] [--connections <file>]`
 * `npm run backup -- list --stack <s> [--to <dir>]`
 * `npm run backup -- prune --stack <s> [--to <dir>] [--keep-days <n>]`
 *
 * One archive per run (`<dir>/<YYYYMMDD_HHMMSS>.tar.gz`, see components/backup);
 * after a successful run, archives older than --keep-days (default 7) are deleted.
 * Reads as each store's admin identity. Exit codes: stacks/cli/exit.ts.
 */
import { DEFAULT_KEEP_DAYS, listArchives, pruneArchives, runBackup } from "../../components/backup/engine";
import { PROJECT_ROOT } from "../../components/init/project-root";
import { CliUsageError, EXIT, wantsHelp } from "../cli/exit";
import { archiveDir, commonProblems, parseCommandLine, CONNECTION_USAGE, humanAge, humanBytes, loadConnections, processIO, report, selectStores, type CliIO } from "./common";

export const BACKUP_USAGE = `usage: npm run backup -- [run] --stack <name> [--store <kind>]... [--to <dir>] [--keep-days <n>] [--connections <file>]
       npm run backup -- list  --stack <name> [--to <dir>]
       npm run backup -- prune --stack <name> [--to <dir>] [--keep-days <n>]
${CONNECTION_USAGE}
  --keep-days <n>         delete archives older than n days after a successful run / on prune (default ${DEFAULT_KEEP_DAYS})`;

export async function backupMain(argv: string[], io: CliIO = processIO): Promise<number> {
  if (wantsHelp(argv)) {
    io.out(`${BACKUP_USAGE}\n`);
    return EXIT.ok;
  }
  try {
    const { values: v, positionals } = parseCommandLine(argv, { "keep-days": { type: "string" } });
    const problems: string[] = [];
    const command = positionals[0] ?? "run";
    if (!["run", "list", "prune"].includes(command)) problems.push(`unknown command "${command}" (expected run, list or prune)`);
    if (positionals.length > 1) problems.push(`unexpected argument(s): ${positionals.slice(1).join(" ")}`);
    const stores = commonProblems(v, problems);
    const keepDays = v["keep-days"] === undefined ? DEFAULT_KEEP_DAYS : Number(v["keep-days"]);
    if (!Number.isInteger(keepDays) || keepDays < 1) problems.push(`--keep-days ${v["keep-days"]}: expected a whole number of days, at least 1`);
    if (problems.length) throw new CliUsageError(problems.join("\n"));
    const stack = v.stack!;
    const dir = archiveDir(stack, v.to);

    if (command === "list") {
      const rows = listArchives(dir);
      if (!rows.length) io.out(`no backups in ${dir}\n`);
      else {
        io.out(`ID               AGE       SIZE\n`);
        for (const a of rows) io.out(`${a.id}  ${humanAge(Date.now() - a.createdAt.getTime()).padEnd(8)}  ${humanBytes(a.bytes)}\n`);
        io.out(`${rows.length} backup(s) in ${dir}\n`);
      }
      return EXIT.ok;
    }
    if (command === "prune") {
      const gone = pruneArchives(dir, keepDays);
      io.out(gone.length ? `deleted ${gone.length} backup(s) older than ${keepDays} days: ${gone.join(", ")}\n` : `nothing older than ${keepDays} days in ${dir}\n`);
      return EXIT.ok;
    }

    const conns = await loadConnections(stack, v);
    const kinds = selectStores(conns, stores);
    const log = (m: string) => io.err(`${m}\n`);
    const { path, manifest } = await runBackup(conns, { stack, dir, stores: kinds, projectRoot: PROJECT_ROOT, log });
    io.out(`backup ${manifest.id} of stack ${stack}: ${path}\n`);
    for (const [kind, s] of Object.entries(manifest.stores)) {
      const totals = Object.entries(s!.counts).map(([g, c]) => `${Object.values(c).reduce((a, b) => a + b, 0)} ${g.split(" ")[0]}`);
      io.out(`  ${kind.padEnd(13)} ${s!.engineVersion}; ${totals.join(", ")}; ledger ${s!.ledger.join(",") || "-"}\n`);
    }
    const gone = pruneArchives(dir, keepDays);
    if (gone.length) io.out(`pruned ${gone.length} backup(s) older than ${keepDays} days: ${gone.join(", ")}\n`);
    return EXIT.ok;
  } catch (err) {
    return report("backup", err, io, BACKUP_USAGE);
  }
}

if (require.main === module) backupMain(process.argv.slice(2)).then((c) => (process.exitCode = c));
