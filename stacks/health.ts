/**
 * `npm run health -- --stack <name> [--store <kind>]… [--connections <file.json>] [--timeout <seconds>]`
 *
 * One connect + ping per store (concurrently), with the server version when it
 * is cheap, and the ping latency in ms, and whether the application identity
 * can still log in (health-app.ts). Exit 1 if any store is down or its
 * application password no longer matches the stack, 2 on a usage error. Uses the admin connection from the stack's secret output;
 * secrets are never printed.
 */
import { parseArgs } from "node:util";
import { createAdapter } from "../components/init";
import { errorText } from "../components/init/adapter";
import { connectionsFromFile, connectionsFromStack, type Connections } from "../components/init/connections";
import { PROJECT_ROOT } from "../components/init/project-root";
import { checkAppLogin } from "./health-app";
import { STORE_KINDS, type StoreConnection, type StoreKind } from "../components/core/types";
import { EXIT, exitCodeOf, wantsHelp } from "./cli/exit";
import { CONNECTIONS_HELP } from "./cli/connections-help";

export const USAGE = `usage: npm run health -- --stack <name> [--store <kind>]... [--connections <file.json>] [--timeout <seconds>]
  One connect and ping per store, concurrently: state, server version, ping latency. Reads nothing else.
  --stack <name>            read connections from the stack's secret output "connections" (pulumi CLI)
  --connections <file>      read them from a JSON file instead (format below)
  --store <kind>            only this store (repeatable): ${STORE_KINDS.join(", ")}
  --timeout <seconds>       how long to wait for each store (default 10)
  -h, --help                this text
exit codes: 0 every store up, 1 a store is down, 2 usage error, 3 environment not ready (no Pulumi CLI, no such stack)

${CONNECTIONS_HELP}`;

export interface Health {
  kind: StoreKind;
  address: string;
  up: boolean;
  version?: string;
  latencyMs?: number;
  error?: string;
}

/** Checks one store: connect, timed ping, version. Never throws. */
export async function checkHealth(conn: StoreConnection, timeoutMs: number): Promise<Health> {
  let adapter;
  try {
    adapter = await createAdapter(conn);
  } catch (err) {
    return { kind: conn.kind, address: `${conn.host}:${conn.port}`, up: false, error: errorText(err) };
  }
  const secrets = [conn.admin.password, conn.app.password];
  const a = adapter;
  try {
    return await withTimeout(
      (async () => {
        await a.connect();
        const t0 = performance.now();
        await a.ping();
        const latencyMs = Math.round((performance.now() - t0) * 10) / 10;
        const version = await a.serverVersion().catch(() => undefined);
        const appProblem = await checkAppLogin(conn, timeoutMs);
        return { kind: conn.kind, address: a.address, up: true, version, latencyMs, ...(appProblem ? { error: appProblem } : {}) };
      })(),
      timeoutMs,
      `no answer within ${timeoutMs} ms`,
    );
  } catch (err) {
    return { kind: conn.kind, address: a.address, up: false, error: errorText(err, secrets) };
  } finally {
    await a.close().catch(() => undefined);
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)))]).finally(() => clearTimeout(timer));
}

export async function main(argv: string[]): Promise<number> {
  if (wantsHelp(argv)) {
    process.stdout.write(`${USAGE}\n`);
    return EXIT.ok;
  }
  let v;
  try {
    v = parseArgs({
      args: argv,
      strict: true,
      options: { stack: { type: "string" }, store: { type: "string", multiple: true }, connections: { type: "string" }, timeout: { type: "string" } },
    }).values;
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n(npm run health -- --help for usage)\n`);
    return EXIT.usage;
  }
  const problems: string[] = [];
  if (!v.stack && !v.connections) problems.push("--stack <name> (or --connections <file.json>) is required");
  for (const s of v.store ?? []) if (!STORE_KINDS.includes(s as StoreKind)) problems.push(`--store ${s}: unknown store (expected ${STORE_KINDS.join(", ")})`);
  const timeout = v.timeout === undefined ? 10 : Number(v.timeout);
  if (!Number.isFinite(timeout) || timeout <= 0) problems.push(`--timeout ${v.timeout}: expected a positive number of seconds`);
  if (problems.length) {
    process.stderr.write(`${problems.join("\n")}\n(npm run health -- --help for usage)\n`);
    return EXIT.usage;
  }
  let connections: Connections;
  try {
    connections = v.connections ? connectionsFromFile(v.connections) : await connectionsFromStack(v.stack!, PROJECT_ROOT);
  } catch (err) {
    process.stderr.write(`health: ${(err as Error).message}\n`);
    return exitCodeOf(err);
  }
  const kinds = (v.store?.length ? v.store : Object.keys(connections)) as StoreKind[];
  const results = await Promise.all(
    kinds.map((k) =>
      connections[k]
        ? checkHealth(connections[k]!, timeout * 1000)
        : Promise.resolve<Health>({ kind: k, address: "-", up: false, error: "no connection in the stack output" }),
    ),
  );
  const rows = results.map((r) => [r.kind, r.address, r.up ? "up" : "DOWN", r.version ?? "-", r.latencyMs === undefined ? "-" : String(r.latencyMs), r.error ?? ""]);
  const head = ["STORE", "ADDRESS", "STATE", "VERSION", "LATENCY MS", "ERROR"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  for (const row of [head, ...rows]) process.stdout.write(`${row.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd()}\n`);
  return results.every((r) => r.up && !r.error) ? 0 : 1;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`health: ${(err as Error).message}\n`);
      process.exit(1);
    },
  );
}
