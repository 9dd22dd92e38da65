/**
 * The record of a managed backup run: `<dir>/<id>.managed.json` beside the archives (the folder
 * `archiveDir()` gives), mode 0600, written as `.partial` and renamed. Per store: the service,
 * the resource, the snapshot's name and ARN, the engine version, when it was taken, its state,
 * how it was taken and how it is restored; stores that failed are recorded with their error.
 */
import { existsSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { MANAGED_SERVICES, type ManagedService } from "../../core/managed";
import { STORE_KINDS, type StoreKind } from "../../core/types";
import { ArchiveError, ID_PATTERN, idTime } from "../archive";
import type { ManagedState } from "./types";

export const MANAGED_FORMAT = "polystore-managed-backup/1";

/** One store's managed snapshot as recorded. */
export interface ManagedStoreRecord {
  service: ManagedService;
  region: string;
  /** The live resource (DB instance, cluster, replication group, domain). */
  resource: string;
  snapshot: string;
  arn?: string;
  engineVersion?: string;
  /** `available`, or `creating` when the wait ran out (it goes on in AWS), or `failed`. */
  state: ManagedState;
  startedAt: string;
  completedAt?: string;
  /** How it was taken. */
  method: string;
  /** How `npm run restore` brings it back. */
  restoreMethod: string;
  /** OpenSearch: the repository (name, bucket) the snapshot is in. */
  repository?: { name: string; bucket: string };
  /** Why it is not available (no secret in it). */
  error?: string;
}

export interface ManagedManifest {
  format: typeof MANAGED_FORMAT;
  id: string;
  createdAt: string;
  polystoreVersion: string;
  stack: string;
  stores: Partial<Record<StoreKind, ManagedStoreRecord>>;
}

export const managedManifestPath = (dir: string, id: string) => join(dir, `${id}.managed.json`);

/** Writes the run's record (0600, via `.partial` + rename); returns its path. */
export function writeManagedManifest(dir: string, m: ManagedManifest): string {
  const path = managedManifestPath(dir, m.id);
  writeFileSync(`${path}.partial`, `${JSON.stringify(m, null, 2)}\n`, { mode: 0o600 });
  renameSync(`${path}.partial`, path);
  return path;
}

/** Reads and checks a run's record; throws naming the file and every bad field. */
export function readManagedManifest(path: string): ManagedManifest {
  let m: any;
  try {
    m = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new ArchiveError(`${path}: missing or not JSON (${(err as Error).message.split("\n")[0]})`);
  }
  const p: string[] = [];
  if (m?.format !== MANAGED_FORMAT) p.push(`format: expected "${MANAGED_FORMAT}", found ${JSON.stringify(m?.format)}`);
  if (typeof m?.id !== "string" || !ID_PATTERN.test(m.id)) p.push("id: expected YYYYMMDD_HHMMSS");
  if (typeof m?.stack !== "string" || !m.stack) p.push("stack: expected a stack name");
  if (typeof m?.stores !== "object" || m.stores === null) p.push("stores: expected an object keyed by store kind");
  else {
    for (const [k, s] of Object.entries(m.stores as Record<string, any>)) {
      if (!STORE_KINDS.includes(k as StoreKind)) p.push(`stores.${k}: unknown store kind`);
      if (!MANAGED_SERVICES.includes(s?.service)) p.push(`stores.${k}.service: expected one of ${MANAGED_SERVICES.join(", ")}`);
      for (const f of ["region", "resource", "snapshot"]) if (typeof s?.[f] !== "string" || !s[f]) p.push(`stores.${k}.${f}: expected a string`);
    }
  }
  if (p.length) throw new ArchiveError(`${path} is not a polystore managed-backup record:\n  ${p.join("\n  ")}`);
  return m as ManagedManifest;
}

/** Managed runs in `dir`, newest first. */
export function listManagedRuns(dir: string): Array<{ id: string; path: string; createdAt: Date; bytes: number }> {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((f) => /^(\d{8}_\d{6})\.managed\.json$/.exec(f)?.[1])
    .filter((id): id is string => !!id && !!idTime(id))
    .map((id) => ({ id, path: managedManifestPath(dir, id), createdAt: idTime(id)!, bytes: statSync(managedManifestPath(dir, id)).size }))
    .sort((a, b) => b.id.localeCompare(a.id));
}

/** "postgres rds available, redis memorydb creating" */
export function managedSummary(m: ManagedManifest): string {
  return Object.entries(m.stores)
    .map(([k, s]) => `${k} ${s!.service} ${s!.state}`)
    .join(", ");
}
