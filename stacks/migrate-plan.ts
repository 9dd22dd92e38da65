/**
 * `npm run migrate -- plan --stack <s> [--store <kind>]… [--connections <file>] [--format text|json]`
 *
 * Read-only: per store, what `apply` would run (pending scripts in order, their
 * checksums and statements after placeholder substitution, passwords masked),
 * applied scripts whose file changed, ledger rows with no file. Takes no lock and
 * writes nothing. Exit 0 when apply would run; 1 when a store could not be read
 * or apply would refuse; 2 on a usage error.
 */
import { resolve } from "node:path";
import { createAdapter } from "../components/init";
import { connectionsFromEnv, connectionsFromFile, connectionsFromStack, type Connections } from "../components/init/connections";
import { planStore, type PlanReport } from "../components/init/plan";
import { PROJECT_ROOT } from "../components/init/project-root";
import type { StoreKind } from "../components/core/types";
import { CliUsageError, EXIT, wantsHelp } from "./cli/exit";
import { parseCli } from "./migrate";

export const PLAN_USAGE = `usage: npm run migrate -- plan --stack <name> [--store <kind>]... [--connections <file.json>] [--format text|json]
  Read-only (no lock, no write): the scripts apply would run per store, in order, with checksums and the
  statements after placeholder substitution (passwords masked); applied scripts whose file changed; ledger
  rows with no file. Exit 0 when apply would run, 1 when a store cannot be read or apply would refuse.
  Takes the connection options of status/apply (--stack, --connections, --connections-env, --store,
  --scripts-dir, --wait-timeout).`;

/** Splits `--format <f>` off the arguments; the rest are status/apply's options. */
export function parsePlanCli(argv: string[]): { format: "text" | "json"; rest: string[] } {
  const rest: string[] = [];
  let format = "text";
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--format") format = argv[++i] ?? "";
    else if (a.startsWith("--format=")) format = a.slice("--format=".length);
    else rest.push(a);
  }
  if (format !== "text" && format !== "json") throw new CliUsageError(`--format ${format || "(missing)"}: expected text or json`);
  return { format, rest };
}

function short(checksum: string): string {
  return checksum.slice(0, 12);
}

/** Human-readable plan of every store. */
export function formatPlan(plans: PlanReport[]): string {
  const out: string[] = [];
  for (const p of plans) {
    if (!p.ok) {
      out.push(`${p.kind} (${p.address}): ERROR ${p.error ?? "unknown"}`, "");
      continue;
    }
    out.push(`${p.kind} (${p.address}): ${p.pending.length} pending, ${p.upToDate.length} applied, ${p.changed.length} changed, ${p.missingFiles.length} ledger row(s) without a file`);
    for (const s of p.pending) {
      out.push(`  ${s.retry ? "retry  " : "pending"} ${s.fileName}  sha256:${short(s.checksum)}`);
      for (const st of s.statements) out.push(`    ${String(st.line).padStart(4)} | ${st.text.replace(/\n/g, "\n         | ")}`);
    }
    for (const c of p.changed) out.push(`  changed ${c.fileName}  ledger sha256:${short(c.recorded)} ≠ file sha256:${short(c.current)}`);
    for (const m of p.missingFiles) out.push(`  no file for ledger row ${m.version} (${m.name})`);
    for (const r of p.refusals) out.push(`  apply would REFUSE: ${r}`);
    out.push("");
  }
  const refusing = plans.filter((p) => !p.ok || p.refusals.length).map((p) => p.kind);
  out.push(refusing.length ? `migrate plan: apply would fail or refuse for ${refusing.join(", ")}` : `migrate plan: ${plans.reduce((n, p) => n + p.pending.length, 0)} script(s) pending; nothing was locked or written`);
  return out.join("\n");
}

async function loadConnections(cli: ReturnType<typeof parseCli>): Promise<Connections> {
  if (cli.connectionsEnv) return connectionsFromEnv(cli.connectionsEnv);
  if (cli.connections) return connectionsFromFile(cli.connections);
  return connectionsFromStack(cli.stack!, PROJECT_ROOT);
}

/** Plans every selected store; returns the exit code. */
export async function runPlan(argv: string[], write: (s: string) => void = (s) => process.stdout.write(s), writeErr: (s: string) => void = (s) => process.stderr.write(s)): Promise<number> {
  if (wantsHelp(argv)) return write(`${PLAN_USAGE}\n`), EXIT.ok;
  let format: "text" | "json";
  let cli: ReturnType<typeof parseCli>;
  try {
    const parsed = parsePlanCli(argv);
    format = parsed.format;
    cli = parseCli(["status", ...parsed.rest]);
  } catch (err) {
    writeErr(`${(err as Error).message}\n${PLAN_USAGE}\n`);
    return EXIT.usage;
  }
  let connections: Connections;
  try {
    connections = await loadConnections(cli);
  } catch (err) {
    writeErr(`migrate plan: ${(err as Error).message}\n`);
    return EXIT.failed;
  }
  const kinds = cli.stores.length ? cli.stores : (Object.keys(connections) as StoreKind[]);
  const missing = kinds.filter((k) => !connections[k]);
  if (missing.length) {
    writeErr(`migrate plan: no connection for ${missing.join(", ")} (have: ${Object.keys(connections).join(", ") || "none"})\n`);
    return EXIT.failed;
  }
  const scriptsDir = cli.scriptsDir ? resolve(PROJECT_ROOT, cli.scriptsDir) : undefined;
  const plans = await Promise.all(kinds.map(async (kind) => planStore(connections[kind]!, await createAdapter(connections[kind]!), { scriptsDir, waitTimeoutMs: cli.waitTimeoutMs })));
  write(format === "json" ? `${JSON.stringify(plans, null, 2)}\n` : `${formatPlan(plans)}\n`);
  return plans.every((p) => p.ok && p.refusals.length === 0) ? EXIT.ok : EXIT.failed;
}
