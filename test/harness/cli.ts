/**
 * Start real engines in the background for e2e tests and benchmarks, and stop them later.
 *
 *   npx tsx test/harness/cli.ts start [kinds...] [--offset N]   # default: every kind
 *   npx tsx test/harness/cli.ts status [--offset N]
 *   npx tsx test/harness/cli.ts stop [--offset N]
 *
 * `start` writes the admin connections, keyed by engine kind, to
 * .polystore/harness<offset>.json (mode 0600) and what `stop` needs (process
 * groups, run directory; no secrets) to .polystore/harness<offset>.state.json.
 * The offset defaults to $POLYSTORE_HARNESS_PORT_OFFSET, else 0.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { ENGINE_KINDS, resolvePortOffset, startEngines, stopRun, type EngineKind, type HarnessRunState } from "./engines";
import { REPO_DIR } from "./lib/paths";
import { isAlive } from "./lib/process";

const USAGE = "usage: npx tsx test/harness/cli.ts start [kinds...] | stop | status   [--offset N]";

export function harnessFiles(offset: number): { connections: string; state: string } {
  const dir = join(REPO_DIR, ".polystore");
  return { connections: join(dir, `harness${offset}.json`), state: join(dir, `harness${offset}.state.json`) };
}

type State = Omit<HarnessRunState, "connections">;

function readState(file: string): State | undefined {
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, "utf8")) as State;
}

function portOpen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host, port, timeout: 1000 });
    s.once("connect", () => (s.destroy(), resolve(true)));
    s.once("error", () => resolve(false));
    s.once("timeout", () => (s.destroy(), resolve(false)));
  });
}

async function start(kinds: EngineKind[], offset: number): Promise<void> {
  const files = harnessFiles(offset);
  const existing = readState(files.state);
  if (existing && existing.processes.some((p) => isAlive(p.pid))) {
    throw new Error(`engines for offset ${offset} are already running (${files.state}); run \`stop\` first`);
  }
  const run = await startEngines(kinds, { portOffset: offset, log: (l) => console.log(`[harness] ${l}`) });
  mkdirSync(join(REPO_DIR, ".polystore"), { recursive: true, mode: 0o700 });
  writeFileSync(files.connections, JSON.stringify(run.connections, null, 2) + "\n", { mode: 0o600 });
  const { connections: _secrets, ...state } = run.state;
  writeFileSync(files.state, JSON.stringify(state, null, 2) + "\n", { mode: 0o600 });
  console.log(`[harness] started ${Object.keys(run.connections).join(", ")}; connections in ${files.connections}`);
}

async function stop(offset: number): Promise<void> {
  const files = harnessFiles(offset);
  const state = readState(files.state);
  if (!state) {
    console.log(`[harness] nothing recorded for offset ${offset} (${files.state})`);
    return;
  }
  await stopRun(state);
  rmSync(files.state, { force: true });
  rmSync(files.connections, { force: true });
  console.log(`[harness] stopped ${state.processes.map((p) => p.name).join(", ") || "(no processes)"}`);
}

async function status(offset: number): Promise<boolean> {
  const files = harnessFiles(offset);
  const state = readState(files.state);
  if (!state || !existsSync(files.connections)) {
    console.log(`[harness] not running (offset ${offset})`);
    return false;
  }
  const connections = JSON.parse(readFileSync(files.connections, "utf8")) as Partial<Record<EngineKind, { host: string; port: number }>>;
  let allUp = true;
  for (const [kind, c] of Object.entries(connections)) {
    const proc = state.processes.find((p) => p.name === kind);
    const alive = proc ? isAlive(proc.pid) : true;
    const listening = c && c.port > 0 ? await portOpen(c.host, c.port) : alive;
    allUp &&= alive && listening;
    console.log(`${kind.padEnd(14)} ${c?.host}:${c?.port}  ${proc ? `pid ${proc.pid} ${alive ? "alive" : "DEAD"}` : "in process"}  ${listening ? "up" : "DOWN"}`);
  }
  console.log(`run dir ${state.runDir}, started ${state.startedAt}`);
  return allUp;
}

async function main(argv: string[]): Promise<number> {
  const args = [...argv];
  let offsetArg: number | undefined;
  const i = args.indexOf("--offset");
  if (i >= 0) {
    offsetArg = Number(args[i + 1]);
    args.splice(i, 2);
  }
  const offset = resolvePortOffset(offsetArg);
  const [cmd, ...rest] = args;
  switch (cmd) {
    case "start": {
      const bad = rest.filter((k) => !ENGINE_KINDS.includes(k as EngineKind));
      if (bad.length) throw new Error(`unknown engine kind(s): ${bad.join(", ")}; expected some of ${ENGINE_KINDS.join(", ")}`);
      await start(rest.length ? (rest as EngineKind[]) : [...ENGINE_KINDS], offset);
      return 0;
    }
    case "stop":
      await stop(offset);
      return 0;
    case "status":
      return (await status(offset)) ? 0 : 1;
    default:
      console.error(USAGE);
      return 2;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(`[harness] ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
