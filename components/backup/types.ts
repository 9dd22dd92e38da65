/**
 * The contract every store implements for `npm run backup` / `restore` /
 * `snapshot` (components/backup/engine.ts drives it), in the spirit of
 * golang-migrate's driver interface: a few verbs per store, no orchestration.
 *
 * Rules for implementers:
 * - Read and write as the connection's ADMIN identity (the only one that can
 *   see every table/index/key and recreate schema; the app identity is
 *   least-privilege by design).
 * - Never put a password in argv, an error message or a log line.
 * - `dump` writes only inside `dir` and returns the parts it wrote (file names
 *   relative to `dir`); the engine checksums them.
 * - `restore` must leave the store as it was when it fails (say how in `restoreMethod`).
 */
import type { StoreConnection, StoreKind } from "../core/types";

/** Counts per object, e.g. `{ "public.users": 3 }` (rows), `{ "db0": 12 }` (keys). */
export type Counts = Record<string, number>;

/** What a store's backup holds, recorded in the manifest. */
export interface StoreManifest {
  kind: StoreKind;
  /** Engine name and version as the server reports it. */
  engineVersion: string;
  /** Versions in the init-script ledger at backup time (successful entries). */
  ledger: number[];
  /** How the data was taken, e.g. "pg_dump -Fc (snapshot-consistent counts)". */
  method: string;
  /** How a restore replaces the data and what it leaves behind on failure. */
  restoreMethod: string;
  /** Identity the backup read as. */
  identity: string;
  /** Per part: path inside the archive (`<kind>/<file>`), sha256 and size. */
  parts: Array<{ path: string; sha256: string; bytes: number }>;
  /** What is counted (e.g. "rows per table") → counts. */
  counts: Record<string, Counts>;
}

/** The result of a dump, before checksums. */
export interface DumpResult {
  engineVersion: string;
  method: string;
  restoreMethod: string;
  /** Files written under the dump directory. */
  files: string[];
  counts: Record<string, Counts>;
  /** The ledger as of the dump, where the driver reads it in the dump's own snapshot; else the engine asks {@link BackupDriver.ledger} afterwards. */
  ledger?: number[];
}

export interface BackupDriver {
  readonly kind: StoreKind;
  /** `host:port` (or chdb path) for messages. */
  readonly address: string;
  /** Throws {@link StoreNotUpError} when the store does not answer. */
  ping(): Promise<void>;
  /** Writes the store's data into `dir`. */
  dump(dir: string, log: (m: string) => void): Promise<DumpResult>;
  /**
   * Replaces the store's data with the dump in `dir` (files as listed in the
   * manifest), keeping the old data until the new data is loaded and counted.
   * `id` names staging objects.
   */
  restore(dir: string, manifest: StoreManifest, id: string, log: (m: string) => void): Promise<void>;
  /** Counts as {@link DumpResult.counts}, read from the live store. */
  counts(): Promise<Record<string, Counts>>;
  /** Versions of successful ledger entries. */
  ledger(): Promise<number[]>;
  /** True when the store holds no application data (schema from init scripts and the ledger do not count). */
  isEmpty(): Promise<boolean>;
  /** Deletes every piece of the store's data (drop database, FLUSHALL, delete indices, detach-delete). Tests and `snapshot reset` only. */
  wipe(): Promise<void>;
  close(): Promise<void>;
}

export type DriverFactory = (conn: StoreConnection) => BackupDriver;

/** The store does not answer: exit 1, nothing done to it. */
export class StoreNotUpError extends Error {
  constructor(kind: StoreKind, address: string, reason: string) {
    super(`${kind} at ${address} is not up (${reason}); nothing was done to it`);
    this.name = "StoreNotUpError";
  }
}
