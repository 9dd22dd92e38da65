/**
 * The real-engine test harness: starts database engines natively on loopback
 * (installed and cached by test/harness/setup.sh), each with a fresh data dir
 * and a generated admin password, and stops them again.
 *
 *   const engines = await startEngines(["postgres", "redis"]);
 *   engines.connections.postgres // StoreConnection with admin credentials
 *   await engines.stop();
 *
 * See test/harness/README.md for versions, ports and what each stand-in cannot show.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { StoreConnection, StoreKind } from "../../components/core/types";
import { createMemoryCgroup, type MemoryCgroup } from "./lib/cgroup";
import { startClickHouse } from "./lib/clickhouse";
import { ENGINE_KINDS, HOST, portsFor, type EngineContext, type EngineKind, type PortName, type Ports, type StartedEngine } from "./lib/context";
import { startElasticsearch } from "./lib/elasticsearch";
import { startFerretDB } from "./lib/ferretdb";
import { startNeo4j } from "./lib/neo4j";
import { startOpenSearch } from "./lib/opensearch";
import { harnessPaths } from "./lib/paths";
import { startPostgres } from "./lib/postgres";
import { stopProcess, type EngineProcess } from "./lib/process";
import { startRedis } from "./lib/redis";
import { shippedMemory } from "./lib/shipped";

export type { EngineKind } from "./lib/context";
export { BASE_PORTS, ENGINE_KINDS, portsFor } from "./lib/context";
export type { EngineProcess } from "./lib/process";
export type { MemoryCgroup, MemoryUsage } from "./lib/cgroup";

export interface RunningEngines {
  /** Admin connection per started engine (passwords generated at start with crypto.randomBytes). For clickhouse: host "chdb", port 0, options.path = the chdb data dir. For opensearch: kind "elasticsearch", options.flavor = "opensearch". */
  connections: Partial<Record<EngineKind, StoreConnection>>;
  /** With `shippedMemory`: each engine's memory cgroup (removed by stop()). */
  cgroups: Partial<Record<EngineKind, MemoryCgroup>>;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Added to every default port (default: $POLYSTORE_HARNESS_PORT_OFFSET, else 0). Offsets 0-9 never collide. */
  portOffset?: number;
  /** Parent of this run's directory (default: the OS temp dir). The run directory itself is always new and removed by stop(). */
  stateDir?: string;
  /** Progress lines (default: silent). */
  log?: (line: string) => void;
  /**
   * Run each engine inside a memory cgroup limited to its dev-stack container limit, with the dev stack's
   * memory settings (Pulumi.dev.yaml through the store specs: heap, page cache, maxmemory…). The load suite
   * uses it. For clickhouse (chdb, no server process) the cgroup is created empty, for the process that hosts chdb.
   */
  shippedMemory?: boolean;
}

/** What the CLI persists to stop a detached run later: the processes and the run directory. */
export interface HarnessRunState {
  portOffset: number;
  runDir: string;
  startedAt: string;
  processes: EngineProcess[];
  connections: Partial<Record<EngineKind, StoreConnection>>;
}

/** RunningEngines plus what is needed to stop the run from another process. */
export interface HarnessRun extends RunningEngines {
  state: HarnessRunState;
}

type Starter = (ctx: EngineContext) => Promise<StartedEngine>;
const STARTERS: Record<EngineKind, Starter> = {
  postgres: startPostgres,
  redis: startRedis,
  mongodb: startFerretDB,
  neo4j: startNeo4j,
  elasticsearch: startElasticsearch,
  opensearch: startOpenSearch,
  clickhouse: startClickHouse,
};

/** The loopback ports each engine listens on. */
const ENGINE_PORTS: Record<EngineKind, PortName[]> = {
  postgres: ["postgres"],
  redis: ["redis"],
  mongodb: ["mongodb"],
  neo4j: ["neo4jBolt", "neo4jHttp"],
  elasticsearch: ["elasticsearch", "elasticsearchTransport"],
  opensearch: ["opensearch", "opensearchTransport"],
  clickhouse: [],
};

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once("error", () => resolve(false));
    srv.listen({ host: HOST, port, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

/** Fails early, naming every busy port, instead of letting engines die on bind. */
async function checkPortsFree(kinds: EngineKind[], ports: Ports, offset: number): Promise<void> {
  const wanted = kinds.flatMap((k) => ENGINE_PORTS[k].map((name) => ({ kind: k, name, port: ports[name] })));
  const busy = (await Promise.all(wanted.map(async (w) => ((await portFree(w.port)) ? undefined : w)))).filter((w) => w !== undefined);
  if (busy.length) {
    throw new Error(
      `harness: port(s) already in use on ${HOST}: ${busy.map((b) => `${b.port} (${b.kind} ${b.name})`).join(", ")}; ` +
        `another harness run with port offset ${offset}? stop it (npx tsx test/harness/cli.ts stop --offset ${offset}) or pick another offset (portOffset / POLYSTORE_HARNESS_PORT_OFFSET)`,
    );
  }
}

/** Readiness timeout per engine; JVM engines starting side by side on 2 cores need minutes. */
function timeoutFor(kind: EngineKind): number {
  const override = Number(process.env.POLYSTORE_HARNESS_TIMEOUT_S);
  if (Number.isFinite(override) && override > 0) return override * 1000;
  return ["neo4j", "elasticsearch", "opensearch"].includes(kind) ? 240_000 : 60_000;
}

/** The port offset from options or $POLYSTORE_HARNESS_PORT_OFFSET, validated. */
export function resolvePortOffset(portOffset?: number): number {
  const raw = portOffset ?? (process.env.POLYSTORE_HARNESS_PORT_OFFSET ? Number(process.env.POLYSTORE_HARNESS_PORT_OFFSET) : 0);
  if (!Number.isInteger(raw) || raw < 0 || raw > 5000) {
    throw new Error(`harness port offset must be an integer from 0 to 5000 (portOffset / POLYSTORE_HARNESS_PORT_OFFSET), got ${String(portOffset ?? process.env.POLYSTORE_HARNESS_PORT_OFFSET)}`);
  }
  return raw;
}

/** Starts the given engines in parallel; on any failure stops the others and throws one error naming every engine that failed. */
export async function startEngines(kinds: EngineKind[], opts: StartOptions = {}): Promise<HarnessRun> {
  const unknown = kinds.filter((k) => !ENGINE_KINDS.includes(k));
  if (unknown.length) throw new Error(`unknown engine kind(s): ${unknown.join(", ")}; expected some of ${ENGINE_KINDS.join(", ")}`);
  const wanted = [...new Set(kinds)];
  const portOffset = resolvePortOffset(opts.portOffset);
  const ports: Ports = portsFor(portOffset);
  const log = opts.log ?? (() => undefined);
  await checkPortsFree(wanted, ports, portOffset);
  const parent = resolve(opts.stateDir ?? tmpdir());
  mkdirSync(parent, { recursive: true });
  const runDir = mkdtempSync(join(parent, `polystore-harness-${portOffset}-`));
  // Engines run as other OS users (postgres, polystore): they must traverse, not list.
  chmodSync(runDir, 0o711);
  const paths = harnessPaths();
  log(`starting ${wanted.join(", ")} (port offset ${portOffset}, run dir ${runDir})`);

  const cgroups: Partial<Record<EngineKind, MemoryCgroup>> = {};
  const removeCgroups = async () => {
    for (const [kind, cg] of Object.entries(cgroups)) {
      await cg.remove();
      delete cgroups[kind as EngineKind];
    }
  };
  const memoryFor = (kind: EngineKind): EngineContext["memory"] => {
    if (!opts.shippedMemory) return undefined;
    if (kind === "opensearch") throw new Error("harness: shippedMemory applies to the six stores; opensearch is not one (the elasticsearch store runs Elasticsearch)");
    const shipped = shippedMemory(kind as StoreKind);
    const cgroup = createMemoryCgroup(`${kind}-${portOffset}`, shipped.limitMb);
    cgroups[kind] = cgroup;
    log(`${kind}: memory cgroup v${cgroup.version} ${cgroup.path}, limit ${shipped.limitMb} MB (dev stack)`);
    return { cgroup, shipped };
  };
  const results = await Promise.allSettled(
    wanted.map(async (kind) => STARTERS[kind]({ runDir, ports, paths, timeoutMs: timeoutFor(kind), log, memory: memoryFor(kind) })),
  );
  const started = results.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
  const processes = started.flatMap((s) => s.processes);
  const stop = async (): Promise<void> => {
    await Promise.all(processes.map((p) => stopProcess(p)));
    await removeCgroups();
    if (process.env.POLYSTORE_HARNESS_KEEP !== "1") rmSync(runDir, { recursive: true, force: true });
  };

  const failures = results.flatMap((r, i) => (r.status === "rejected" ? [{ kind: wanted[i], err: r.reason as unknown }] : []));
  if (failures.length) {
    // Keep the failed run's logs for inspection; everything else is stopped.
    await Promise.all(processes.map((p) => stopProcess(p)));
    await removeCgroups();
    const detail = failures.map((f) => (f.err instanceof Error ? f.err.message : String(f.err))).join("\n\n");
    throw new Error(`harness: ${failures.length} engine(s) failed to start (${failures.map((f) => f.kind).join(", ")}); logs kept in ${runDir}\n\n${detail}`);
  }

  const connections: Partial<Record<EngineKind, StoreConnection>> = {};
  for (const s of started) connections[s.kind] = s.connection;
  const state: HarnessRunState = { portOffset, runDir, startedAt: new Date().toISOString(), processes, connections };
  return { connections, cgroups, stop, state };
}

/** Stops a run recorded by the CLI (processes by group, then its directory). */
export async function stopRun(state: Pick<HarnessRunState, "processes" | "runDir">): Promise<void> {
  await Promise.all(state.processes.map((p) => stopProcess(p)));
  if (process.env.POLYSTORE_HARNESS_KEEP !== "1") rmSync(state.runDir, { recursive: true, force: true });
}
