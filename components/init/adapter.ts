/**
 * The contract every store implements so one runner (runner.ts) can apply
 * versioned init scripts to six different engines.
 *
 * Call order used by the runner for `apply` (and `repair`, minus identity/scripts):
 *   connect → ping (both retried with backoff until the wait timeout) →
 *   acquireLock → ensureLedger → ensureIdentity → readLedger →
 *   apply(script)… → checkServer? → releaseLock (in finally) → close
 * `status` only calls connect → ping → readLedger → close (no side effects).
 * The lock is taken BEFORE ensureLedger, so acquireLock must not depend on the
 * ledger existing (create whatever the lock itself needs, idempotently).
 *
 * Rules for implementers:
 * - Count every request sent to the server in `roundTrips`.
 * - Never put a password in an error message, a log line or a ledger row.
 * - `apply` writes the script's ledger row itself: atomically with the script where
 *   the engine has transactions (PostgreSQL), otherwise right after it succeeds;
 *   on failure of a non-transactional engine it records `success: false` and throws.
 */
import type { StoreConnection, StoreKind } from "../core/types";
import type { LedgerEntry, PreparedScript } from "./types";

export interface StoreAdapter {
  readonly kind: StoreKind;
  /** Script extensions accepted for this store, with the dot, e.g. `[".sql"]`. */
  readonly extensions: readonly string[];
  /** `host:port` for messages. Never contains credentials. */
  readonly address: string;
  /** Requests sent to the server so far (benchmarks report the count of a no-op run). */
  roundTrips: number;
  /**
   * Whether the store itself may drop the ledger (Redis: allkeys-lru evicts any key) and
   * this store's scripts are idempotent by contract, so a lost ledger is re-applied (with a
   * note) rather than refused. Default false: a lost ledger stops apply.
   */
  readonly ledgerMayBeEvicted?: boolean;

  /** Open the admin connection. May throw if the store is down (the runner retries). */
  connect(): Promise<void>;
  /** One cheap request proving the store answers. */
  ping(): Promise<void>;
  /** Server version string if it is cheap to get (health), else undefined. */
  serverVersion(): Promise<string | undefined>;
  /** Close every connection. Must not throw when never connected. */
  close(): Promise<void>;

  /** Create the ledger (table/hash/collection…) if missing. Idempotent. */
  ensureLedger(): Promise<void>;
  /** All ledger rows, ordered by version; [] when the ledger does not exist yet (must not create it). */
  readLedger(): Promise<LedgerEntry[]>;
  /** Insert or replace the row for `entry.version`. */
  record(entry: LedgerEntry): Promise<void>;
  /** Delete the row for `version` (repair of failed entries). */
  removeEntry(version: number): Promise<void>;

  /**
   * Take the store-wide init lock for `owner`, waiting up to `timeoutMs`.
   * Throws an error naming the store and the current holder when it times out.
   */
  acquireLock(owner: string, timeoutMs: number): Promise<void>;
  /** Release the lock if `owner` still holds it; never releases someone else's lock. */
  releaseLock(owner: string): Promise<void>;

  /**
   * Create or update the least-privilege application identity (`conn.app`) and
   * whatever it needs (PostgreSQL owner role, Redis ACL user, ClickHouse user).
   * Runs on every apply (passwords rotate), is idempotent and is not ledgered.
   * Returns human-readable notes.
   */
  ensureIdentity(): Promise<string[]>;

  /**
   * Values for `${NAME}` placeholders in this store's scripts, e.g.
   * `{ APP_ROLE, OWNER_ROLE, DATABASE }`. Never passwords.
   */
  placeholders(): Record<string, string>;

  /**
   * Run one script (placeholders already substituted in `script.body`) and
   * write its ledger row; return that row. On failure throw a
   * {@link ScriptFailedError} after leaving the ledger consistent.
   */
  apply(script: PreparedScript): Promise<LedgerEntry>;

  /**
   * Optional post-apply server checks (e.g. Redis CONFIG GET of the LRU/AOF
   * settings). Returns notes; throws naming the setting when a check fails.
   */
  checkServer?(): Promise<string[]>;
}

/** Builds an adapter for one connection. Registered (loaded on demand) in registry.ts `ADAPTER_REGISTRY`. */
export type AdapterFactory = (conn: StoreConnection) => StoreAdapter;

/** A script failed; the message names the file and the engine's error. */
export class ScriptFailedError extends Error {
  constructor(
    readonly fileName: string,
    readonly engineMessage: string,
    /** true when the engine rolled the script back (nothing half-applied). */
    readonly rolledBack: boolean,
  ) {
    super(
      `${fileName} failed: ${engineMessage}` +
        (rolledBack ? " (rolled back; nothing from this script was kept)" : " (recorded as failed; fix the script and re-run apply to retry it)"),
    );
    this.name = "ScriptFailedError";
  }
}

/** The init lock could not be taken in time. */
export class LockTimeoutError extends Error {
  constructor(kind: StoreKind, address: string, timeoutMs: number, holder?: string) {
    super(
      `${kind} at ${address}: could not take the init lock within ${timeoutMs} ms` +
        (holder ? ` (held by ${holder})` : "") +
        ". Another runner is applying scripts; retry when it finishes.",
    );
    this.name = "LockTimeoutError";
  }
}

/** `host:port`, for messages. */
export function addressOf(conn: StoreConnection): string {
  return `${conn.host}:${conn.port}`;
}

/** An error's message (first line unless `allLines`), with every occurrence of the given secrets masked. */
export function errorText(err: unknown, secrets: readonly string[] = [], allLines = false): string {
  let text = err instanceof Error ? err.message : String(err);
  for (const s of secrets) if (s) text = text.split(s).join("***");
  return allLines ? text.trim() : text.split("\n")[0]!.trim();
}

/** Throws unless `name` is a plain identifier safe to splice into DDL. */
export function checkIdentifier(kind: StoreKind, what: string, name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(name)) {
    throw new Error(`${kind}: ${what} "${name}" is not a plain identifier (expected letters, digits and _, starting with a letter or _, at most 63 characters)`);
  }
  return name;
}
