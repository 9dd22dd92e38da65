/**
 * What `npm run backup`, `restore` and `snapshot` share: connections (the same
 * sources as `npm run migrate`: the stack's secret output, or --connections
 * <file>), store selection, the archive folder, and the I/O the tests replace.
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { connectionsFromEnv, connectionsFromFile, connectionsFromStack, type Connections } from "../../components/init/connections";
import { PROJECT_ROOT } from "../../components/init/project-root";
import { STORE_KINDS, type StoreKind } from "../../components/core/types";
import { CliUsageError, EnvironmentNotReady, exitCodeOf, EXIT } from "../cli/exit";
import { defaultBackupDir, executeRestore, formatVerifyTable, requireEmpty, requireUp, verifyStores, withDrivers, type RestorePlan } from "../../components/backup/engine";

export interface CliIO {
  out(s: string): void;
  err(s: string): void;
  /** Whether stdin is a terminal (confirmation prompts need one). */
  isTTY: boolean;
  /** Asks a question on the terminal; resolves with the answer. */
  ask(question: string): Promise<string>;
}

export const processIO: CliIO = {
  out: (s) => void process.stdout.write(s),
  err: (s) => void process.stderr.write(s),
  isTTY: Boolean(process.stdin.isTTY),
  async ask(question) {
    const { createInterface } = await import("node:readline/promises");
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
      return await rl.question(question);
    } finally {
      rl.close();
    }
  },
};

export const CONNECTION_OPTIONS = {
  stack: { type: "string" },
  connections: { type: "string" },
  "connections-env": { type: "string" },
  store: { type: "string", multiple: true },
  to: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

export const CONNECTION_USAGE = `  --stack <name>          the stack (required): its name goes into the manifest; connections come from
                          its secret output "connections" (pulumi CLI) unless --connections is given
  --connections <file>    read connections from a JSON file instead (as npm run migrate)
  --connections-env <VAR> read them from an environment variable holding that JSON (the in-cluster backup CronJob)
  --store <kind>          only this store (repeatable): ${STORE_KINDS.join(", ")}
  --to <dir>              archive folder (default $POLYSTORE_BACKUP_DIR/<stack> or .polystore/backups/<stack>)
  -h, --help              this text
exit codes: 0 ok, 1 an operation failed (a store, a verification mismatch), 2 usage error or a bad archive, 3 environment not ready`;

/** `parseArgs` with the shared options plus `extra`; a parse error is a usage error (exit 2). */
export function parseCommandLine<const O extends ParseArgsConfig["options"]>(argv: string[], extra: O) {
  try {
    return parseArgs({ args: argv, allowPositionals: true, strict: true, options: { ...CONNECTION_OPTIONS, ...extra } });
  } catch (err) {
    throw new CliUsageError((err as Error).message);
  }
}

/** Checks --stack, --store and the connection source; pushes problems. */
export function commonProblems(v: { stack?: string; store?: string[]; connections?: string; "connections-env"?: string }, problems: string[]): StoreKind[] | undefined {
  if (v.connections !== undefined && v["connections-env"] !== undefined) problems.push("--connections and --connections-env are exclusive");
  if (!v.stack) problems.push("--stack <name> is required");
  else if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(v.stack)) problems.push(`--stack ${v.stack}: expected letters, digits, ".", "_" or "-"`);
  for (const s of v.store ?? []) if (!STORE_KINDS.includes(s as StoreKind)) problems.push(`--store ${s}: unknown store (expected ${STORE_KINDS.join(", ")})`);
  return v.store?.length ? ([...new Set(v.store)] as StoreKind[]) : undefined;
}

export function archiveDir(stack: string, to?: string): string {
  return to ?? defaultBackupDir(PROJECT_ROOT, stack);
}

/** Connections from --connections, --connections-env or the stack (a missing Pulumi CLI/stack is "environment not ready"). */
export async function loadConnections(stack: string, source: { connections?: string; "connections-env"?: string }): Promise<Connections> {
  if (source.connections !== undefined || source["connections-env"] !== undefined) {
    try {
      return source.connections !== undefined ? connectionsFromFile(source.connections) : connectionsFromEnv(source["connections-env"]!);
    } catch (err) {
      throw new CliUsageError((err as Error).message);
    }
  }
  try {
    return await connectionsFromStack(stack, PROJECT_ROOT);
  } catch (err) {
    throw new EnvironmentNotReady(`${(err as Error).message}`);
  }
}

/** The stores to work on: the selection, or every store the connections have; throws naming missing ones. */
export function selectStores(conns: Connections, wanted: StoreKind[] | undefined): StoreKind[] {
  const kinds = wanted ?? STORE_KINDS.filter((k) => conns[k]);
  const missing = kinds.filter((k) => !conns[k]);
  if (missing.length) throw new CliUsageError(`no connection for ${missing.join(", ")} (have: ${Object.keys(conns).join(", ") || "none"})`);
  if (!kinds.length) throw new CliUsageError("the connections hold no store");
  return kinds;
}

/** Prints the error with its command name and returns its exit code. */
export function report(cmd: string, err: unknown, io: CliIO, usage?: string): number {
  const code = exitCodeOf(err);
  io.err(`${cmd}: ${(err as Error).message}\n${code === EXIT.usage && usage ? `${usage}\n` : ""}`);
  return code;
}

/** "3.2 MiB" */
export function humanBytes(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) (n /= 1024), i++;
  return `${i ? n.toFixed(1) : n} ${units[i]}`;
}

/** "2d 3h", "5m" */
export function humanAge(ms: number): string {
  const m = Math.floor(ms / 60_000);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  return h < 48 ? `${h}h ${m % 60}m` : `${Math.floor(h / 24)}d ${h % 24}h`;
}

/**
 * The shared end of `restore` and `snapshot load`: stores up, empty unless
 * `force`, confirmation (unless `yes`; refused without a terminal), restore,
 * verification table. Returns the exit code.
 */
export async function restoreAndVerify(conns: Connections, plan: RestorePlan, o: { force: boolean; yes: boolean; target: string }, io: CliIO): Promise<number> {
  const manifest = plan.archive.manifest;
  return withDrivers(conns, plan.stores, async (drivers) => {
    await requireUp(drivers);
    await requireEmpty(drivers, o.force);
    if (!o.yes) {
      if (!io.isTTY) throw new CliUsageError("refusing to restore without confirmation: stdin is not a terminal; pass --yes");
      const answer = await io.ask(`restore ${manifest.id} (${manifest.createdAt}, stack ${manifest.stack}) into ${plan.stores.join(", ")} of ${o.target}${o.force ? ", REPLACING their data" : ""}? type "yes": `);
      if (answer.trim() !== "yes") {
        io.err("restore: not confirmed; nothing was done\n");
        return EXIT.failed;
      }
    }
    await executeRestore(drivers, plan, (m) => io.err(`${m}\n`));
    const rows = await verifyStores(drivers, manifest);
    io.out(`${formatVerifyTable(rows)}\n`);
    const bad = rows.filter((r) => !r.ok).length;
    io.out(bad ? `restore ${manifest.id}: ${bad} check(s) do not match the manifest\n` : `restore ${manifest.id}: every count and ledger matches the manifest\n`);
    return bad ? EXIT.failed : EXIT.ok;
  });
}
