/**
 * `npm run migrate -- status|apply|repair --stack <name> [--store <kind>]… [--connections <file.json>]`
 *
 * Applies (or reports, or repairs) each store's init scripts. Stores run
 * concurrently, each as soon as it answers. Prints a table. Exit codes (stacks/cli/exit.ts):
 * 0 every store succeeded (and `--help`), 1 any failed, 2 usage error, 3 environment not
 * ready (no Pulumi CLI, stack not found). Secrets are never printed.
 * `--connections-env <VAR>` and `--json` are for the Pulumi dynamic provider (components/init/resource.ts).
 */
import { parseArgs } from "node:util";
import { resolve } from "node:path";
import { createAdapter, runStore, type Operation, type RunReport } from "../components/init";
import { connectionsFromEnv, connectionsFromFile, connectionsFromStack, type Connections } from "../components/init/connections";
import { PROJECT_ROOT } from "../components/init/project-root";
import { STORE_KINDS, type StoreKind } from "../components/core/types";
import { EXIT, exitCodeOf, wantsHelp } from "./cli/exit";
import { CONNECTIONS_HELP } from "./cli/connections-help";
import { runLint } from "./migrate-lint";

export const USAGE = `usage: npm run migrate -- <status|apply|repair> --stack <name> [--store <kind>]... [--connections <file.json>]
       npm run migrate -- plan --stack <name> [--store <kind>]... [--format text|json]   (read-only: what apply would run)
       npm run migrate -- lint [--store <kind>]... [--base <git-ref>] [--format text|json|sarif]   (offline)
  status                    show each store's ledger: applied, pending, changed, failed (writes nothing)
  apply                     apply pending scripts under the store's lock (also done by pulumi up)
  repair                    accept edited scripts' new checksums, drop failed ledger rows
  plan                      per store: the scripts apply would run, in order, with checksums and statements (secrets masked)
  lint                      destructive or weakening changes in the scripts, per engine; no store needed
  --stack <name>            read connections from the stack's secret output "connections" (pulumi CLI)
  --connections <file>      read connections from a JSON file instead (Record<store kind, StoreConnection>)
  --connections-env <VAR>   read them from an environment variable (used by pulumi up)
  --store <kind>            only this store (repeatable): ${STORE_KINDS.join(", ")}
  --scripts-dir <dir>       scripts folder (one --store only; default init-scripts/<store>, relative to the project)
  --wait-timeout <seconds>  how long to wait for a store to answer (default 60)
  --recorded <v1,v2,...>    versions the stack's state records as applied (one --store only; used by pulumi up
                            to detect a store ledger that lost entries, e.g. evicted by Redis)
  --json                    print the reports as JSON instead of a table
  -h, --help                this text
exit codes: 0 ok, 1 a store failed, 2 usage error, 3 environment not ready (no Pulumi CLI, no such stack)

${CONNECTIONS_HELP}`;

class UsageError extends Error {}

interface Cli {
  operation: Operation;
  stack?: string;
  connections?: string;
  connectionsEnv?: string;
  stores: StoreKind[];
  scriptsDir?: string;
  waitTimeoutMs: number;
  recorded?: number[];
  json: boolean;
}

export function parseCli(argv: string[]): Cli {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        stack: { type: "string" },
        store: { type: "string", multiple: true },
        connections: { type: "string" },
        "connections-env": { type: "string" },
        "scripts-dir": { type: "string" },
        "wait-timeout": { type: "string" },
        recorded: { type: "string" },
        json: { type: "boolean" },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { values: v, positionals } = parsed;
  const problems: string[] = [];
  const operation = positionals[0];
  if (!operation) problems.push("missing command (status, apply or repair)");
  else if (!["status", "apply", "repair"].includes(operation)) problems.push(`unknown command "${operation}" (expected status, apply or repair)`);
  if (positionals.length > 1) problems.push(`unexpected argument(s): ${positionals.slice(1).join(" ")}`);
  const sources = [v.stack, v.connections, v["connections-env"]].filter((x) => x !== undefined).length;
  if (sources === 0) problems.push("one of --stack, --connections or --connections-env is required");
  if (v.connections && v["connections-env"]) problems.push("--connections and --connections-env are exclusive");
  const stores = (v.store ?? []) as string[];
  for (const s of stores) if (!STORE_KINDS.includes(s as StoreKind)) problems.push(`--store ${s}: unknown store (expected ${STORE_KINDS.join(", ")})`);
  if (v["scripts-dir"] && stores.length !== 1) problems.push("--scripts-dir needs exactly one --store");
  const wait = v["wait-timeout"] === undefined ? 60 : Number(v["wait-timeout"]);
  if (!Number.isFinite(wait) || wait <= 0) problems.push(`--wait-timeout ${v["wait-timeout"]}: expected a positive number of seconds`);
  const recorded = v.recorded === undefined ? undefined : v.recorded.split(",").map((x) => x.trim()).filter(Boolean).map(Number);
  if (v.recorded !== undefined && stores.length !== 1) problems.push("--recorded needs exactly one --store");
  if (recorded?.some((n) => !Number.isInteger(n) || n <= 0)) problems.push(`--recorded ${v.recorded}: expected comma-separated script versions (positive integers)`);
  if (problems.length) throw new UsageError(problems.join("\n"));
  return {
    operation: operation as Operation,
    stack: v.stack,
    connections: v.connections,
    connectionsEnv: v["connections-env"],
    stores: [...new Set(stores)] as StoreKind[],
    scriptsDir: v["scripts-dir"],
    waitTimeoutMs: wait * 1000,
    recorded,
    json: v.json ?? false,
  };
}

async function loadConnections(cli: Cli): Promise<Connections> {
  if (cli.connectionsEnv) return connectionsFromEnv(cli.connectionsEnv);
  if (cli.connections) return connectionsFromFile(cli.connections);
  return connectionsFromStack(cli.stack!, PROJECT_ROOT);
}

/** A fixed-width table of reports. */
export function formatTable(reports: RunReport[]): string {
  const head = ["STORE", "ADDRESS", "RESULT", "APPLIED", "SKIPPED", "PENDING", "MS", "ROUND TRIPS"];
  const rows = reports.map((r) => [
    r.kind, r.address, r.ok ? "ok" : "FAILED",
    r.operation === "repair" ? `${r.repaired.length} repaired` : r.applied.map((a) => String(a.version)).join(",") || "-",
    String(r.skipped.length), r.pending.join(",") || "-", String(r.durationMs), String(r.roundTrips),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
  const out = [line(head), ...rows.map(line)];
  for (const r of reports) {
    for (const n of r.notes) out.push(`  ${r.kind}: ${n}`);
    if (r.error) out.push(`  ${r.kind}: ERROR ${r.error.replace(/\n/g, "\n    ")}`);
  }
  return out.join("\n");
}

export async function main(argv: string[]): Promise<number> {
  if (wantsHelp(argv)) {
    process.stdout.write(`${USAGE}\n`);
    return EXIT.ok;
  }
  if (argv[0] === "lint") return runLint(argv.slice(1));
  if (argv[0] === "plan") return (await import("./migrate-plan")).runPlan(argv.slice(1));
  let cli: Cli;
  try {
    cli = parseCli(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`${err.message}\n(npm run migrate -- --help for usage)\n`);
    return EXIT.usage;
  }
  let connections: Connections;
  try {
    connections = await loadConnections(cli);
  } catch (err) {
    process.stderr.write(`migrate: ${(err as Error).message}\n`);
    return exitCodeOf(err);
  }
  const kinds = cli.stores.length ? cli.stores : (Object.keys(connections) as StoreKind[]);
  const missing = kinds.filter((k) => !connections[k]);
  if (missing.length) {
    process.stderr.write(`migrate: no connection for ${missing.join(", ")} (have: ${Object.keys(connections).join(", ") || "none"})\n`);
    return 1;
  }
  const log = (m: string) => process.stderr.write(`${m}\n`);
  const reports = await Promise.all(
    kinds.map(async (kind) => {
      const conn = connections[kind]!;
      try {
        const adapter = await createAdapter(conn);
        const scriptsDir = cli.scriptsDir ? resolve(PROJECT_ROOT, cli.scriptsDir) : undefined;
        const report = await runStore(conn, adapter, cli.operation, { scriptsDir, waitTimeoutMs: cli.waitTimeoutMs, recorded: cli.recorded, log });
        log(`${kind}: ${report.ok ? "done" : "FAILED"} in ${report.durationMs} ms`);
        return report;
      } catch (err) {
        return failedReport(kind, `${conn.host}:${conn.port}`, cli.operation, (err as Error).message);
      }
    }),
  );
  process.stdout.write(cli.json ? `${JSON.stringify(reports, null, 2)}\n` : `${formatTable(reports)}\n`);
  return reports.every((r) => r.ok) ? 0 : 1;
}

function failedReport(kind: StoreKind, address: string, operation: Operation, error: string): RunReport {
  return { kind, address, operation, ok: false, applied: [], skipped: [], pending: [], missingFiles: [], retried: [], repaired: [], notes: [], durationMs: 0, roundTrips: 0, error };
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`migrate: ${(err as Error).message}\n`);
      process.exit(1);
    },
  );
}
