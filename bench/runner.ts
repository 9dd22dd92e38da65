/**
 * One in-process runner run, as `npm run migrate` does it per store, plus the
 * adapter's total request count and, on request, where the time went: the
 * adapter is wrapped so each contract method's wall time is summed by name
 * (connect, ping, acquireLock, ensureLedger, ensureIdentity, readLedger,
 * apply, checkServer, releaseLock, close). Nested calls (acquireLock calling
 * ensureLedger) are counted in both.
 */
import { createAdapter, runStore, type Operation, type StoreAdapter } from "../components/init";
import type { RunReport } from "../components/init/types";
import type { StoreConnection } from "../components/core/types";

export interface RunResult {
  report: RunReport;
  /** Wall time measured around runStore (ms). */
  ms: number;
  /** Every request the adapter sent, connect/ping included (report.roundTrips counts from after the ping). */
  totalRoundTrips: number;
  /** ms per adapter method, when profiling. */
  phases?: Record<string, number>;
}

/** The contract's asynchronous methods (placeholders() is synchronous and stays untouched). */
const TIMED = new Set(["connect", "ping", "close", "ensureLedger", "readLedger", "record", "removeEntry", "acquireLock", "releaseLock", "ensureIdentity", "apply", "checkServer"]);

function profiled(adapter: StoreAdapter, phases: Record<string, number>): StoreAdapter {
  return new Proxy(adapter, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== "function" || typeof prop !== "string" || !TIMED.has(prop)) return value;
      return async (...args: unknown[]) => {
        const t0 = process.hrtime.bigint();
        try {
          return await (value as (...a: unknown[]) => unknown).apply(target, args);
        } finally {
          phases[prop] = (phases[prop] ?? 0) + Number(process.hrtime.bigint() - t0) / 1e6;
        }
      };
    },
  });
}

export async function runOnce(conn: StoreConnection, op: Operation = "apply", opts: { scriptsDir?: string; profile?: boolean } = {}): Promise<RunResult> {
  const adapter = await createAdapter(conn);
  const phases: Record<string, number> | undefined = opts.profile ? {} : undefined;
  const used = phases ? profiled(adapter, phases) : adapter;
  const t0 = process.hrtime.bigint();
  const report = await runStore(conn, used, op, { scriptsDir: opts.scriptsDir, waitTimeoutMs: 30_000, lockTimeoutMs: 60_000 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (!report.ok) throw new Error(`${conn.kind} ${op} into ${conn.database} failed: ${report.error}`);
  return { report, ms, totalRoundTrips: adapter.roundTrips, ...(phases ? { phases } : {}) };
}
