/**
 * `migrate plan`: what `apply` would do to one store, read-only. Reads the
 * ledger (connect → ping → readLedger → close, like `status`): no lock, no
 * ledger, identity or schema writes. Lists the pending scripts in order with
 * their checksums and the exact statements after placeholder substitution
 * (passwords masked), applied scripts whose file changed since, and ledger rows
 * with no file, and says why `apply` would refuse to run, if it would.
 */
import type { StoreConnection, StoreKind } from "../core/types";
import { errorText, type StoreAdapter } from "./adapter";
import { parseMongoScript } from "./adapters/mongodb-script";
import { parseRedisScript } from "./adapters/redis-script";
import { parseSearchScript } from "./adapters/search-http";
import { maskCode } from "./lint/code";
import { nthKeyLine } from "./lint/json-lines";
import { compare, defaultScriptsDir, waitForStore } from "./runner";
import { discoverScripts, prepareScript } from "./scripts";
import { splitStatements } from "./statements";
import type { RunReport } from "./types";

/** One request the adapter would send for a script, with the line it starts on. */
export interface PlannedStatement {
  line: number;
  text: string;
}

export interface PlannedScript {
  version: number;
  fileName: string;
  checksum: string;
  /** A failed ledger row exists: apply retries the script. */
  retry: boolean;
  statements: PlannedStatement[];
}

export interface PlanReport {
  kind: StoreKind;
  address: string;
  /** The ledger was read. false: `error` says why (store down, bad scripts folder…). */
  ok: boolean;
  /** Scripts apply would run, in order. */
  pending: PlannedScript[];
  /** Versions already applied with the same checksum. */
  upToDate: number[];
  /** Applied scripts whose file changed since (apply refuses; repair re-records). */
  changed: Array<{ version: number; fileName: string; recorded: string; current: string }>;
  /** Ledger rows with no file (apply reports and keeps them). */
  missingFiles: Array<{ version: number; name: string }>;
  /** Why apply would refuse to run (empty: it would run `pending`). */
  refusals: string[];
  error?: string;
  durationMs: number;
}

/** Plans one store. Never throws; never writes. */
export async function planStore(conn: StoreConnection, adapter: StoreAdapter, opts: { scriptsDir?: string; waitTimeoutMs?: number } = {}): Promise<PlanReport> {
  const started = Date.now();
  const plan: PlanReport = { kind: conn.kind, address: adapter.address, ok: false, pending: [], upToDate: [], changed: [], missingFiles: [], refusals: [], durationMs: 0 };
  const secrets = [conn.admin.password, conn.app.password];
  try {
    const scripts = discoverScripts(opts.scriptsDir ?? defaultScriptsDir(conn.kind), adapter.extensions);
    await waitForStore(adapter, opts.waitTimeoutMs ?? 60_000, () => undefined);
    const ledger = await adapter.readLedger();
    const scratch: RunReport = {
      kind: conn.kind, address: adapter.address, operation: "status", ok: false,
      applied: [], skipped: [], pending: [], missingFiles: [], retried: [], repaired: [], notes: [], durationMs: 0, roundTrips: 0,
    };
    const pending = compare(scratch, scripts, ledger, false);
    plan.upToDate = scratch.skipped;
    const byVersion = new Map(ledger.map((e) => [e.version, e]));
    for (const s of scripts) {
      const e = byVersion.get(s.version);
      if (e?.success && e.checksum !== s.checksum) plan.changed.push({ version: s.version, fileName: s.fileName, recorded: e.checksum, current: s.checksum });
    }
    const files = new Set(scripts.map((s) => s.version));
    plan.missingFiles = ledger.filter((e) => !files.has(e.version)).map((e) => ({ version: e.version, name: e.name }));
    if (plan.changed.length) {
      plan.refusals.push(`already-applied script(s) changed on disk: ${plan.changed.map((c) => c.fileName).join(", ")} (put the change in a new script, or run repair if the edit is already reflected in the store)`);
    }
    const values = adapter.placeholders();
    for (const s of pending) {
      const item: PlannedScript = { version: s.version, fileName: s.fileName, checksum: s.checksum, retry: scratch.retried.includes(s.version), statements: [] };
      try {
        item.statements = renderStatements(conn.kind, prepareScript(s, values).body).map((st) => ({ line: st.line, text: mask(st.text, secrets) }));
      } catch (err) {
        plan.refusals.push(`${s.fileName}: ${errorText(err, secrets, true)}`);
      }
      plan.pending.push(item);
    }
    plan.ok = true;
  } catch (err) {
    plan.error = errorText(err, secrets, true);
  } finally {
    await adapter.close().catch(() => undefined);
    plan.durationMs = Date.now() - started;
  }
  return plan;
}

function mask(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s) out = out.split(s).join("***");
  return out;
}

/** The requests the `kind` adapter sends for a substituted script body, as text. Throws what the adapter would. */
export function renderStatements(kind: StoreKind, body: string): PlannedStatement[] {
  switch (kind) {
    case "postgres":
      return splitKeepingDollarBodies(body);
    case "clickhouse":
      return splitStatements(body, ["--"]);
    case "neo4j":
      return splitStatements(body, ["//"]);
    case "redis":
      return parseRedisScript(body).map((c) => ({ line: c.line, text: [c.name, ...c.args.map(quoteRedis)].join(" ") }));
    case "mongodb": {
      const seen = new Map<string, number>();
      return parseMongoScript(body).map((s) => {
        const nth = seen.get(s.name) ?? 0;
        seen.set(s.name, nth + 1);
        return { line: nthKeyLine(body, s.name, nth), text: JSON.stringify(s.command) + (s.requires.length ? `  (only where the server has ${s.requires.join(", ")})` : "") };
      });
    }
    case "elasticsearch": {
      const call = parseSearchScript(body);
      return [{ line: nthKeyLine(body, "path"), text: `${call.method} ${call.path}${call.body === undefined ? "" : ` ${JSON.stringify(call.body)}`}` }];
    }
  }
}

/**
 * PostgreSQL statements (the adapter sends the script as one multi-statement
 * query; this shows its statements): `;` inside `$tag$…$tag$` bodies does not split.
 */
function splitKeepingDollarBodies(body: string): PlannedStatement[] {
  const masked = maskCode(body, ["--"], true, true);
  let cursor = 0;
  return splitStatements(masked, ["--"]).map((s) => {
    const at = masked.indexOf(s.text, cursor);
    cursor = at + s.text.length;
    return { line: s.line, text: body.slice(at, at + s.text.length) };
  });
}

function quoteRedis(arg: string): string {
  return /^[^\s"'\\]+$/.test(arg) ? arg : JSON.stringify(arg);
}
