/**
 * What every load test (and `npm run bench`'s load part) shares: start ONE
 * store's engine inside a memory cgroup with the dev stack's limit and memory
 * settings, apply the store's shipped init scripts with the init runner (which
 * also creates the application identity), hand the workload the application's
 * connection, and collect the cgroup's figures when it is stopped.
 */
import { randomBytes } from "node:crypto";
import { createAdapter, runStore } from "../../../components/init";
import { userNames } from "../../../components/stores";
import type { StoreConnection, StoreKind } from "../../../components/core/types";
import { readStackFile } from "../../../policies/offline/stackfile";
import { parseConfig } from "../../../stacks/config";
import { startEngines, type HarnessRun, type MemoryCgroup, type MemoryUsage } from "../../harness/engines";
import { describeUsage } from "../../harness/lib/cgroup";
import { DEV_STACK_FILE, shippedMemory, type ShippedMemory } from "../../harness/lib/shipped";

/** What a workload reports; the caller adds the cgroup's figures. */
export interface WorkloadResult {
  /** Application operations done under load (keys, rows, documents, nodes+relationships, events). */
  ops: number;
  /** Wall time of the load phase, seconds. */
  seconds: number;
  /** Store-specific facts the test asserts on (evicted keys, read-back counts…). */
  facts: Record<string, unknown>;
  error?: string;
}

/** A finished load run: the workload's result plus what the kernel recorded. */
export interface LoadOutcome extends WorkloadResult {
  kind: StoreKind;
  limitMb: number;
  usage: MemoryUsage;
  /** Whether the engine's processes are still in the cgroup after the load (chdb: its host process exited 0). */
  alive: boolean;
  /** The workload's error, if it could not finish (a store OOM-killed under it breaks its connections). */
  error?: string;
  /** Peak unreclaimable memory (charge minus file cache) over the limit: the bound the suite checks (the bench's `load.<store>.peak_over_limit`). */
  peakOverLimit: number;
  /** Peak working set (charge minus inactive file cache: what `docker stats` shows) over the limit, reported only. */
  workingSetOverLimit: number;
  opsPerSecond: number;
}

/** One store under its dev limit: its connection (app identity provisioned by the init runner) and cgroup. */
export interface LoadTarget {
  kind: StoreKind;
  shipped: ShippedMemory;
  /** Admin + application connection. */
  conn: StoreConnection;
  cgroup: MemoryCgroup;
  run: HarnessRun;
}

/** How long each workload may write, seconds ($POLYSTORE_LOAD_SECONDS, default 25): keeps the suite within minutes on 2 cores. */
export function loadSeconds(): number {
  const raw = process.env.POLYSTORE_LOAD_SECONDS;
  const n = raw === undefined ? 25 : Number(raw);
  if (!Number.isFinite(n) || n < 5 || n > 600) throw new Error(`POLYSTORE_LOAD_SECONDS must be a number of seconds from 5 to 600, got ${raw}`);
  return n;
}

/** The dev stack's application identity name for `kind` (from Pulumi.dev.yaml through the program's schema). */
export function devAppUser(kind: StoreKind): string {
  const cfg = parseConfig(readStackFile(DEV_STACK_FILE).polystore);
  return userNames(kind, cfg.stores[kind]!).app;
}

/**
 * Starts `kind` in its memory cgroup with the dev settings, applies its init scripts with the runner
 * (as `npm run migrate` / `pulumi up` do) and returns the connection with a generated app password.
 */
export async function startInLimit(kind: StoreKind, opts: { portOffset?: number; log?: (l: string) => void } = {}): Promise<LoadTarget> {
  const run = await startEngines([kind], { shippedMemory: true, portOffset: opts.portOffset, log: opts.log });
  try {
    const admin = run.connections[kind]!;
    const cfg = parseConfig(readStackFile(DEV_STACK_FILE).polystore);
    const options: Record<string, string> = { ...(admin.options ?? {}) };
    if (kind === "postgres") options.ownerRole = cfg.stores.postgres!.ownerRole;
    if (kind === "redis") {
      // What the runner's CONFIG GET check compares against: the settings the stack renders (as createStore passes them).
      const r = shippedMemory("redis").redis!;
      Object.assign(options, { maxmemoryMb: String(r.maxmemoryMb), maxmemoryPolicy: r.maxmemoryPolicy, appendonly: r.appendonly ? "yes" : "no", appendfsync: r.appendfsync });
    }
    const conn: StoreConnection = { ...admin, app: { user: devAppUser(kind), password: randomBytes(18).toString("base64url") }, options };
    // chdb is in process: its host process (inside the cgroup) applies the scripts, never this one.
    if (kind !== "clickhouse") {
      const report = await runStore(conn, await createAdapter(conn), "apply", { waitTimeoutMs: 30_000, lockTimeoutMs: 60_000 });
      if (!report.ok) throw new Error(`${kind}: init scripts failed before the load: ${report.error}`);
    }
    return { kind, shipped: shippedMemory(kind), conn, cgroup: run.cgroups[kind]!, run };
  } catch (err) {
    await run.stop();
    throw err;
  }
}

/** Runs `workload` with the cgroup sampled throughout; returns the outcome (the engine keeps running). */
export async function measure(t: LoadTarget, workload: (t: LoadTarget) => Promise<WorkloadResult>): Promise<LoadOutcome> {
  const stopSampling = t.cgroup.startSampling(100);
  const t0 = Date.now();
  let result: WorkloadResult;
  try {
    result = await workload(t);
  } catch (err) {
    // A store that dies under load (OOM kill) breaks the workload's connections: keep the figures, report the error.
    result = { ops: 0, seconds: since(t0), facts: {}, error: (err as Error).message };
  } finally {
    stopSampling();
  }
  const usage = t.cgroup.usage();
  return {
    ...result,
    kind: t.kind,
    limitMb: t.shipped.limitMb,
    usage,
    alive: t.kind === "clickhouse" ? result.facts.hostExit === 0 : t.cgroup.pids().length > 0,
    peakOverLimit: usage.peakUnreclaimableBytes / usage.limitBytes,
    workingSetOverLimit: usage.peakWorkingSetBytes / usage.limitBytes,
    opsPerSecond: result.ops / result.seconds,
  };
}

/** One line for logs and the bench's notes. */
export function describeOutcome(o: LoadOutcome): string {
  return `${o.kind}: ${o.error ? `WORKLOAD FAILED (${o.error}); ` : ""}${o.ops} ops in ${o.seconds.toFixed(1)} s (${Math.round(o.opsPerSecond)}/s); ${describeUsage(o.usage)}; ${JSON.stringify(o.facts)}`;
}

/** Seconds since `t0` (ms). */
export const since = (t0: number): number => (Date.now() - t0) / 1000;

/** A printable random payload of about `bytes` characters (incompressible, so sizes are real). */
export function payload(bytes: number): string {
  return randomBytes(Math.ceil((bytes * 3) / 4)).toString("base64").slice(0, bytes);
}
