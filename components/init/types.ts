/**
 * Plain data types shared by the init-script runner and every store adapter.
 * No I/O here, so adapters, the runner, the CLI and the tests can all import it.
 */
import type { StoreKind } from "../core/types";

/** One init script found on disk: `init-scripts/<store>/NNN_description.<ext>`. */
export interface ScriptFile {
  /** The numeric version parsed from the `NNN` prefix (leading zeros dropped). */
  version: number;
  /** The description part of the name, e.g. `tenant_tables` for `002_tenant_tables.sql`. */
  name: string;
  /** File name without directories, e.g. `002_tenant_tables.sql`. */
  fileName: string;
  /** Absolute path, used in error messages. */
  path: string;
  /** Extension including the dot, e.g. `.sql`. */
  extension: string;
  /** sha256 (hex) of the file bytes after CRLF→LF normalisation. */
  checksum: string;
  /** File text after CRLF→LF normalisation, placeholders NOT yet substituted. */
  content: string;
}

/** A script ready to run: placeholders substituted with the adapter's values. */
export interface PreparedScript extends ScriptFile {
  /** `content` with `${NAME}` placeholders replaced. Never contains passwords. */
  body: string;
}

/** One row of a store's ledger (the record of what the runner applied). */
export interface LedgerEntry {
  version: number;
  name: string;
  /** Checksum of the script file when it was applied (see {@link ScriptFile.checksum}). */
  checksum: string;
  /** ISO-8601 time the run finished (or failed). */
  appliedAt: string;
  /** Wall time of the script in milliseconds. */
  durationMs: number;
  /** false when the script failed on an engine that cannot roll back; the next run retries it. */
  success: boolean;
  /** First line of the error for failed entries (no secrets: engine messages only). */
  error?: string;
}

/** What a run did, per store. */
export interface RunReport {
  kind: StoreKind;
  /** `host:port` (never credentials). */
  address: string;
  operation: "status" | "apply" | "repair";
  ok: boolean;
  /** Scripts applied by this run, in order. */
  applied: Array<{ version: number; fileName: string; durationMs: number }>;
  /** Scripts already applied before this run. */
  skipped: number[];
  /** Scripts on disk not yet applied (after the run). */
  pending: number[];
  /** Versions in the ledger with no file on disk (reported, never touched). */
  missingFiles: number[];
  /** Versions whose failed ledger entry was retried, or removed by repair. */
  retried: number[];
  /** Repair only: versions whose checksum was re-recorded / failed entries removed. */
  repaired: Array<{ version: number; action: "checksum-updated" | "failed-entry-removed"; from?: string; to?: string }>;
  /** Human-readable notes (e.g. "config check skipped"). */
  notes: string[];
  /** Total wall time of the run in milliseconds, including waiting for the store. */
  durationMs: number;
  /** Requests sent to the store by the adapter during this run. */
  roundTrips: number;
  /** The error that stopped the run, if any (never contains passwords). */
  error?: string;
}

/** Options every operation accepts. */
export interface RunOptions {
  /** Directory holding this store's scripts. Default `<projectRoot>/init-scripts/<kind>`. */
  scriptsDir?: string;
  /** How long to wait for the store to answer a ping, ms. Default 60000. */
  waitTimeoutMs?: number;
  /** How long to wait for the init lock, ms. Default 120000. */
  lockTimeoutMs?: number;
  /** Identifies this runner in the lock. Default `<hostname>:<pid>:<random>`. */
  owner?: string;
  /** Progress messages (never secrets). Default: silent. */
  log?: (message: string) => void;
  /**
   * Versions an earlier run recorded as applied OUTSIDE the store (the Pulumi
   * state of the `InitScripts` resource), the authority when the store's own
   * ledger can be lost (Redis under allkeys-lru). Default: none (no check).
   */
  recorded?: number[];
}
