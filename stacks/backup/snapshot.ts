/**
 * `npm run snapshot -- save  --stack <s> --name <n> [--store <kind>]… [--connections <file>]`
 * `npm run snapshot -- load  --stack <s> --name <n> [--store <kind>]… [--force] [--yes] [--connections <file>]`
 * `npm run snapshot -- reset --stack <s> [--store <kind>]… [--yes] [--connections <file>]`
 * `npm run snapshot -- list`
 *
 * Development data layers on the backup machinery: `save` writes a backup
 * archive under `$POLYSTORE_SNAPSHOT_DIR/<name>/` (default .polystore/snapshots)
 * and keeps only the newest; `load` restores it into any stack (the manifest's
 * stack is not enforced: that is the point), verified like `npm run restore`;
 * `reset` wipes each store and re-applies its init scripts with the runner.
 */
import { readdirSync, unlinkSync } from "node:fs";
import { join, resolve } from "node:path";
import { listArchives, planRestore, runBackup, withDrivers, type RestorePlan } from "../../components/backup/engine";
import { createAdapter, runStore } from "../../components/init";
import { PROJECT_ROOT } from "../../components/init/project-root";
import { CliUsageError, EXIT, wantsHelp } from "../cli/exit";
import { commonProblems, parseCommandLine, loadConnections, processIO, report, restoreAndVerify, selectStores, type CliIO } from "./common";

export const SNAPSHOT_USAGE = `usage: npm run snapshot -- save  --stack <name> --name <snapshot> [--store <kind>]... [--connections <file>]
       npm run snapshot -- load  --stack <name> --name <snapshot> [--store <kind>]... [--force] [--yes] [--connections <file>]
       npm run snapshot -- reset --stack <name> [--store <kind>]... [--yes] [--connections <file>]
       npm run snapshot -- list
  --name <snapshot>     letters, digits, "-" and "_" (stored in $POLYSTORE_SNAPSHOT_DIR/<name>, default .polystore/snapshots)
  --force               load over stores that hold data
  --yes                 do not ask (required when stdin is not a terminal)
  reset                 wipes each store (drop database, FLUSHALL, delete indices, detach-delete) and re-applies its init scripts
  -h, --help            this text
exit codes: 0 ok, 1 an operation failed, 2 usage error or an unknown snapshot, 3 environment not ready`;

export function snapshotDir(name: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(resolve(env.POLYSTORE_SNAPSHOT_DIR ?? join(PROJECT_ROOT, ".polystore", "snapshots")), name);
}

export async function snapshotMain(argv: string[], io: CliIO = processIO): Promise<number> {
  if (wantsHelp(argv)) {
    io.out(`${SNAPSHOT_USAGE}\n`);
    return EXIT.ok;
  }
  let plan: RestorePlan | undefined;
  try {
    const { values: v, positionals } = parseCommandLine(argv, { name: { type: "string" }, force: { type: "boolean" }, yes: { type: "boolean" } });
    const command = positionals[0];
    if (command === "list") {
      const root = snapshotDir("");
      const names = (() => {
        try {
          return readdirSync(root);
        } catch {
          return [];
        }
      })();
      const rows = names.flatMap((n) => listArchives(join(root, n)).slice(0, 1).map((a) => `${n.padEnd(24)} ${a.id}`));
      io.out(rows.length ? `${rows.join("\n")}\n` : `no snapshots in ${root}\n`);
      return EXIT.ok;
    }
    const problems: string[] = [];
    if (!command || !["save", "load", "reset"].includes(command)) problems.push(`${command ? `unknown command "${command}"` : "missing command"} (expected save, load, reset or list)`);
    if (positionals.length > 1) problems.push(`unexpected argument(s): ${positionals.slice(1).join(" ")}`);
    const stores = commonProblems(v, problems);
    if (command !== "reset" && !v.name) problems.push("--name <snapshot> is required");
    if (v.name && !/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(v.name)) problems.push(`--name ${v.name}: expected letters, digits, "-" and "_"`);
    if (v.to) problems.push("--to does not apply to snapshots (set POLYSTORE_SNAPSHOT_DIR)");
    if (problems.length) throw new CliUsageError(problems.join("\n"));
    const stack = v.stack!;
    const conns = await loadConnections(stack, v);
    const log = (m: string) => io.err(`${m}\n`);

    if (command === "save") {
      const dir = snapshotDir(v.name!);
      const { manifest } = await runBackup(conns, { stack, dir, stores: selectStores(conns, stores), projectRoot: PROJECT_ROOT, log });
      for (const old of listArchives(dir).filter((a) => a.id !== manifest.id)) unlinkSync(old.path);
      io.out(`snapshot ${v.name} saved from stack ${stack} (${Object.keys(manifest.stores).join(", ")})\n`);
      return EXIT.ok;
    }
    if (command === "load") {
      const dir = snapshotDir(v.name!);
      const newest = listArchives(dir)[0];
      if (!newest) throw new CliUsageError(`no snapshot named ${v.name} (in ${dir}); see npm run snapshot -- list`);
      plan = await planRestore(dir, newest.id, undefined, stores);
      selectStores(conns, plan.stores);
      return await restoreAndVerify(conns, plan, { force: v.force ?? false, yes: v.yes ?? false, target: `stack ${stack}` }, io);
    }
    // reset
    const kinds = selectStores(conns, stores);
    if (!v.yes) {
      if (!io.isTTY) throw new CliUsageError("refusing to reset without confirmation: stdin is not a terminal; pass --yes");
      if ((await io.ask(`reset ${kinds.join(", ")} of stack ${stack}: DELETE all their data and re-apply the init scripts? type "yes": `)).trim() !== "yes") {
        io.err("snapshot: not confirmed; nothing was done\n");
        return EXIT.failed;
      }
    }
    return await withDrivers(conns, kinds, async (drivers) => {
      let failed = 0;
      for (const [kind, d] of drivers) {
        await d.ping();
        await d.wipe();
        const r = await runStore(conns[kind]!, await createAdapter(conns[kind]!), "apply", { log });
        io.out(`${kind.padEnd(13)} ${r.ok ? `reset; applied ${r.applied.map((a) => a.version).join(",") || "-"}` : `FAILED: ${r.error}`}\n`);
        if (!r.ok) failed++;
      }
      return failed ? EXIT.failed : EXIT.ok;
    });
  } catch (err) {
    return report("snapshot", err, io, SNAPSHOT_USAGE);
  } finally {
    plan?.archive.remove();
  }
}

if (require.main === module) snapshotMain(process.argv.slice(2)).then((c) => (process.exitCode = c));
