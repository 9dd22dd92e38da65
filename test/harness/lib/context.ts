/** Types and helpers shared by the per-engine start functions. */
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { StoreConnection, StoreKind } from "../../../components/core/types";
import type { MemoryCgroup } from "./cgroup";
import type { HarnessPaths } from "./paths";
import type { ShippedMemory } from "./shipped";
import { stopProcess, type EngineProcess, type Spawned } from "./process";

export type EngineKind = StoreKind | "opensearch";

/** Every engine kind the harness can start, in a stable order. */
export const ENGINE_KINDS: readonly EngineKind[] = [
  "postgres",
  "redis",
  "mongodb",
  "neo4j",
  "elasticsearch",
  "opensearch",
  "clickhouse",
];

/** Default loopback ports, before `portOffset` is added. Offsets 0-9 never collide with each other. */
export const BASE_PORTS = {
  postgres: 55432,
  redis: 56379,
  mongodb: 57017,
  neo4jBolt: 57687,
  neo4jHttp: 57474,
  elasticsearch: 59200,
  elasticsearchTransport: 59250,
  opensearch: 59210,
  opensearchTransport: 59260,
} as const;
export type PortName = keyof typeof BASE_PORTS;
export type Ports = Record<PortName, number>;

export function portsFor(offset: number): Ports {
  const out = {} as Ports;
  for (const [k, v] of Object.entries(BASE_PORTS)) out[k as PortName] = v + offset;
  return out;
}

export interface EngineContext {
  /** This run's directory; each engine gets `<runDir>/<kind>`. */
  runDir: string;
  ports: Ports;
  paths: HarnessPaths;
  /** Readiness timeout for this engine. */
  timeoutMs: number;
  log: (line: string) => void;
  /** Set by `startEngines({ shippedMemory: true })`: the engine runs in this cgroup with the dev stack's memory settings. */
  memory?: { cgroup: MemoryCgroup; shipped: ShippedMemory };
}

export interface StartedEngine {
  kind: EngineKind;
  connection: StoreConnection;
  processes: EngineProcess[];
}

export const HOST = "127.0.0.1";

/** A fresh random password: 24 URL-safe characters (crypto.randomBytes). */
export function generatePassword(): string {
  return randomBytes(18).toString("base64url");
}

/** Creates and returns `<runDir>/<name>`. */
export function engineDir(ctx: EngineContext, name: string): string {
  const dir = join(ctx.runDir, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** A connection whose app identity is, for now, the admin one (the init runner provisions real app users). */
export function connection(
  c: Omit<StoreConnection, "app" | "tls"> & { tls?: boolean },
): StoreConnection {
  return { ...c, tls: c.tls ?? false, app: { ...c.admin } };
}

/**
 * Runs `body` with the engine's processes; if it throws, stops them first so a
 * failed start leaves nothing running.
 */
export async function stopOnFailure<T>(spawned: Spawned[], body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (err) {
    await Promise.all(spawned.map((s) => stopProcess(s.proc, 2000)));
    throw err;
  }
}

/** Throws an error naming the engine when a required install is missing. */
export function requireInstalled(engine: string, what: string, ok: boolean): void {
  if (!ok) {
    throw new Error(`${engine}: ${what} is not installed; run \`bash test/harness/setup.sh\` (npm run setup:engines) first`);
  }
}
