/**
 * The init-script runner: one store, one operation (status | apply | repair),
 * one {@link RunReport}. Engine specifics live in the adapters.
 */
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { join } from "node:path";
import type { StoreConnection } from "../core/types";
import { errorText, type StoreAdapter } from "./adapter";
import { discoverScripts, prepareScript } from "./scripts";
import type { LedgerEntry, RunOptions, RunReport, ScriptFile } from "./types";

export type Operation = "status" | "apply" | "repair";

// The project root is defined in project-root.ts; re-exported here for existing importers.
export { PROJECT_ROOT } from "./project-root";
import { PROJECT_ROOT } from "./project-root";

/** Default scripts directory of a store. */
export function defaultScriptsDir(kind: string): string {
  return join(PROJECT_ROOT, "init-scripts", kind);
}

/**
 * Runs `operation` against one store through `adapter`. Never throws: failures
 * are in `report.ok`/`report.error`. Secrets never appear in the report.
 */
export async function runStore(conn: StoreConnection, adapter: StoreAdapter, operation: Operation, opts: RunOptions = {}): Promise<RunReport> {
  const started = Date.now();
  const log = opts.log ?? (() => undefined);
  const report: RunReport = {
    kind: conn.kind, address: adapter.address, operation, ok: false,
    applied: [], skipped: [], pending: [], missingFiles: [], retried: [], repaired: [], notes: [], durationMs: 0, roundTrips: 0,
  };
  const owner = opts.owner ?? `${hostname()}:${process.pid}:${randomBytes(4).toString("hex")}`;
  let locked = false;
  let roundTripsAtStart = 0;
  try {
    const scripts = discoverScripts(opts.scriptsDir ?? defaultScriptsDir(conn.kind), adapter.extensions);
    await waitForStore(adapter, opts.waitTimeoutMs ?? 60_000, log);
    roundTripsAtStart = adapter.roundTrips;

    if (operation === "status") {
      const ledger = await adapter.readLedger();
      compare(report, scripts, ledger, false);
      const lost = lostVersions(ledger, opts.recorded);
      const then = adapter.ledgerMayBeEvicted ? "the next apply re-applies them (its scripts are idempotent)" : "apply will refuse unless the ledger is empty (a new store)";
      if (lost.length) report.notes.push(lostLedgerMessage(adapter, lost, then));
    } else if (operation === "apply" && (await nothingToApply(adapter, report, scripts))) {
      // Nothing pending, failed or changed (a changed script throws): no lock and no ledger
      // writes are needed. The identity and server checks still run, as on every apply.
      report.notes.push(...(await adapter.ensureIdentity()));
      if (adapter.checkServer) report.notes.push(...(await adapter.checkServer()));
    } else {
      await adapter.acquireLock(owner, opts.lockTimeoutMs ?? 120_000);
      locked = true;
      await adapter.ensureLedger();
      if (operation === "repair") await repair(adapter, report, scripts, log);
      else await apply(adapter, report, scripts, log, opts.recorded);
    }
    report.ok = true;
  } catch (err) {
    report.error = errorText(err, [conn.admin.password, conn.app.password], true);
  } finally {
    if (locked) await adapter.releaseLock(owner).catch(() => undefined);
    report.roundTrips = adapter.roundTrips - roundTripsAtStart;
    await adapter.close().catch(() => undefined);
    report.durationMs = Date.now() - started;
  }
  return report;
}

/** Whether the ledger already holds every script (fills `report` when it does; throws on a changed script). */
async function nothingToApply(adapter: StoreAdapter, report: RunReport, scripts: ScriptFile[]): Promise<boolean> {
  const ledger = await adapter.readLedger();
  const scratch: RunReport = { ...report, retried: [], notes: [] };
  if (compare(scratch, scripts, ledger, true).length > 0) return false;
  compare(report, scripts, ledger, true);
  return true;
}

async function apply(adapter: StoreAdapter, report: RunReport, scripts: ScriptFile[], log: (m: string) => void, recorded?: number[]): Promise<void> {
  report.notes.push(...(await adapter.ensureIdentity()));
  const ledger = await adapter.readLedger();
  const lost = lostVersions(ledger, recorded);
  if (lost.length && !adapter.ledgerMayBeEvicted && ledger.length > 0) {
    // Some rows gone, others not: someone edited the ledger. Re-running non-idempotent DDL would fail half-way.
    throw new Error(`${lostLedgerMessage(adapter, lost, "refusing to run them again")}; restore the ledger from a backup, or re-record them with repair after checking the store`);
  }
  if (lost.length && !adapter.ledgerMayBeEvicted) {
    report.notes.push(lostLedgerMessage(adapter, lost, "the ledger is empty, so this is a new or re-created store: applying every script"));
  } else if (lost.length) {
    report.notes.push(lostLedgerMessage(adapter, lost, "re-applying them: its scripts are idempotent (ACL/config/contract setup) and the re-run writes the ledger again"));
    log(`${adapter.kind}: ledger lost for version(s) ${lost.join(", ")}; re-applying`);
  }
  const pending = compare(report, scripts, ledger, true);
  const values = adapter.placeholders();
  // Substitute every pending script first, so a bad placeholder stops the run before anything is applied.
  const prepared = pending.map((s) => prepareScript(s, values));
  for (const script of prepared) {
    log(`${adapter.kind}: applying ${script.fileName}`);
    const entry = await adapter.apply(script);
    report.applied.push({ version: entry.version, fileName: script.fileName, durationMs: entry.durationMs });
    report.pending = report.pending.filter((v) => v !== entry.version);
  }
  if (adapter.checkServer) report.notes.push(...(await adapter.checkServer()));
}

async function repair(adapter: StoreAdapter, report: RunReport, scripts: ScriptFile[], log: (m: string) => void): Promise<void> {
  const files = new Map(scripts.map((s) => [s.version, s]));
  for (const entry of await adapter.readLedger()) {
    const file = files.get(entry.version);
    if (!entry.success) {
      await adapter.removeEntry(entry.version);
      report.repaired.push({ version: entry.version, action: "failed-entry-removed" });
      log(`${adapter.kind}: removed failed ledger entry ${entry.version} (${entry.name}); the next apply runs it again`);
    } else if (!file) {
      report.missingFiles.push(entry.version);
    } else if (file.checksum !== entry.checksum) {
      await adapter.record({ ...entry, checksum: file.checksum });
      report.repaired.push({ version: entry.version, action: "checksum-updated", from: entry.checksum, to: file.checksum });
      log(`${adapter.kind}: re-recorded checksum of ${file.fileName} (${short(entry.checksum)} → ${short(file.checksum)}); the script is NOT re-run`);
    }
  }
  compare(report, scripts, await adapter.readLedger(), false);
}

/** Versions recorded as applied outside the store that its ledger no longer holds. */
export function lostVersions(ledger: LedgerEntry[], recorded: number[] = []): number[] {
  const have = new Set(ledger.map((e) => e.version));
  return [...new Set(recorded)].filter((v) => !have.has(v)).sort((a, b) => a - b);
}

function lostLedgerMessage(adapter: StoreAdapter, lost: number[], then: string): string {
  return (
    `${adapter.kind} at ${adapter.address}: ledger lost: version(s) ${lost.join(", ")} are recorded as applied in the stack's state ` +
    `but missing from the store's ledger${adapter.ledgerMayBeEvicted ? " (evicted under maxmemory-policy, or the data was flushed)" : ""}; ${then}`
  );
}

/**
 * Fills skipped/pending/missingFiles/retried and returns the scripts to run.
 * With `strict`, an applied script whose checksum changed is an error.
 */
export function compare(report: RunReport, scripts: ScriptFile[], ledger: LedgerEntry[], strict: boolean): ScriptFile[] {
  const byVersion = new Map(ledger.map((e) => [e.version, e]));
  const files = new Set(scripts.map((s) => s.version));
  report.missingFiles = ledger.filter((e) => !files.has(e.version)).map((e) => e.version);
  const changed: string[] = [];
  const pending: ScriptFile[] = [];
  report.skipped = [];
  for (const s of scripts) {
    const e = byVersion.get(s.version);
    if (!e) pending.push(s);
    else if (!e.success) {
      pending.push(s);
      report.retried.push(s.version);
    } else if (e.checksum !== s.checksum) changed.push(s.fileName);
    else report.skipped.push(s.version);
  }
  report.pending = pending.map((s) => s.version);
  if (changed.length && strict) {
    throw new Error(
      `${report.kind}: already-applied script(s) changed on disk: ${changed.join(", ")}. Applied scripts are never re-run; ` +
        `put the change in a new script, or if the edit is intentional and already reflected in the database run ` +
        `\`npm run migrate -- repair --stack <stack> --store ${report.kind}\` to re-record the checksum(s).`,
    );
  }
  if (changed.length) report.notes.push(`changed since applied (run repair if intended): ${changed.join(", ")}`);
  if (report.missingFiles.length) report.notes.push(`ledger entries with no file: ${report.missingFiles.join(", ")}`);
  return pending;
}

/** connect + ping with exponential backoff until `timeoutMs`; then an error naming store and address. */
/** Engine messages that mean the credentials were refused (PostgreSQL, Redis, MongoDB, Neo4j, Elasticsearch, ClickHouse). */
const AUTH_FAILURE = /password authentication failed|WRONGPASS|NOAUTH|Authentication failed|AuthenticationFailed|Neo\.ClientError\.Security\.Unauthorized|security_exception.*unable to authenticate|status(Code)?:? ?401|Code: 516/i;

export async function waitForStore(adapter: StoreAdapter, timeoutMs: number, log: (m: string) => void): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  for (let attempt = 1, delay = 200; ; attempt++, delay = Math.min(delay * 2, 5000)) {
    try {
      await adapter.connect();
      await adapter.ping();
      return;
    } catch (err) {
      last = errorText(err);
      await adapter.close().catch(() => undefined);
      // A store that answers "wrong credentials" is up: waiting will not help.
      if (AUTH_FAILURE.test(last)) throw new Error(`${adapter.kind} at ${adapter.address} refused the admin credentials: ${last}`);
    }
    if (Date.now() + delay > deadline) {
      throw new Error(`${adapter.kind} at ${adapter.address} did not answer within ${timeoutMs} ms (${attempt} attempts); last error: ${last}`);
    }
    log(`${adapter.kind}: not ready (${last}); retrying in ${delay} ms`);
    await new Promise((r) => setTimeout(r, delay));
  }
}

function short(checksum: string): string {
  return checksum.slice(0, 12);
}
