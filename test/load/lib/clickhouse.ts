/**
 * ClickHouse under load: chdb is ClickHouse as a library, so the process that
 * hosts it (a child Node.js process running test/load/clickhouse-host.ts) is
 * what runs inside the container's memory limit — the ClickHouse engine plus
 * Node.js, tsx and the chdb library's mapped code, which clickhouse-server's
 * container would not hold. The host applies the init scripts, inserts
 * telemetry events and runs the seeds' cost aggregation (see that file).
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { REPO_DIR } from "../../harness/lib/paths";
import { loadSeconds, type LoadTarget, type WorkloadResult } from "./support";

export async function clickhouseLoad(t: LoadTarget): Promise<WorkloadResult> {
  const host = join(REPO_DIR, "test", "load", "clickhouse-host.ts");
  const cmd = t.cgroup.wrap(process.execPath, ["--import", "tsx", host]);
  const child = spawn(cmd.command, cmd.args, {
    cwd: REPO_DIR,
    env: { ...process.env, POLYSTORE_LOAD_CONNECTION: JSON.stringify(t.conn), POLYSTORE_LOAD_SECONDS: String(loadSeconds()) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (err += d.toString()));
  const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  if (exit.code !== 0) {
    throw new Error(`the chdb host process ended with ${exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`}: ${err.trim().slice(-1500)}`);
  }
  const result = JSON.parse(out.trim().split("\n").pop() ?? "{}") as Record<string, unknown> & { events: number; seconds: number };
  return { ops: result.events, seconds: result.seconds, facts: { ...result, hostExit: exit.code } };
}
