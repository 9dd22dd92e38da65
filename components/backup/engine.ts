/**
 * Backup and restore of a whole data layer over the drivers in this folder:
 * one id per run, one archive, a manifest with counts and ledgers, and a
 * verification of the live stores against that manifest after a restore.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync } from "node:fs";
import { join, resolve } from "node:path";
import type { StoreConnection, StoreKind } from "../core/types";
import { errorText } from "../init/adapter";
import { ArchiveError, archivePath, type ArchiveEntry, backupId, listArchives, MANIFEST_FORMAT, openArchive, type Manifest, type OpenedArchive } from "./archive";
import { createBackupDriver } from "./drivers";
import { countDifferences } from "./tools";
import type { BackupDriver, StoreManifest } from "./types";

export type Connections = Partial<Record<StoreKind, StoreConnection>>;
export type Log = (message: string) => void;

/** Days archives are kept by default (the seeds' RETENTION_DAYS). */
export const DEFAULT_KEEP_DAYS = 7;

/** The polystore version recorded in manifests (package.json). */
export function polystoreVersion(projectRoot: string): string {
  try {
    return String(JSON.parse(readFileSync(join(projectRoot, "package.json"), "utf8")).version);
  } catch {
    return "unknown";
  }
}

/** Opens a driver per store, runs `f`, always closes them. */
export async function withDrivers<T>(conns: Connections, kinds: StoreKind[], f: (d: Map<StoreKind, BackupDriver>) => Promise<T>): Promise<T> {
  const drivers = new Map<StoreKind, BackupDriver>();
  try {
    for (const k of kinds) {
      const conn = conns[k];
      if (!conn) throw new ArchiveError(`no connection for ${k} (have: ${Object.keys(conns).join(", ") || "none"})`);
      drivers.set(k, await createBackupDriver(conn));
    }
    return await f(drivers);
  } finally {
    await Promise.all([...drivers.values()].map((d) => d.close().catch(() => undefined)));
  }
}

/** Pings every driver; throws listing every store that is not up. */
export async function requireUp(drivers: Map<StoreKind, BackupDriver>): Promise<void> {
  const down = (await Promise.all([...drivers.values()].map((d) => d.ping().then(() => undefined, (e: Error) => e.message)))).filter(Boolean);
  if (down.length) throw new Error(down.join("\n"));
}

export interface BackupOptions {
  stack: string;
  /** Where archives go (created 0700). */
  dir: string;
  stores: StoreKind[];
  projectRoot: string;
  /** Fixed id (tests, snapshots by name use their own path); default: now. */
  id?: string;
  log?: Log;
}

/** Takes a backup of `stores`; returns the archive path and manifest. Nothing is left behind on failure. */
export async function runBackup(conns: Connections, o: BackupOptions): Promise<{ path: string; manifest: Manifest }> {
  const log = o.log ?? (() => undefined);
  mkdirSync(o.dir, { recursive: true, mode: 0o700 });
  let id = o.id ?? backupId();
  while (!o.id && listArchives(o.dir).some((a) => a.id === id)) {
    await new Promise((r) => setTimeout(r, 250));
    id = backupId();
  }
  const work = mkdtempSync(join(o.dir, `.backup-${id}-`));
  try {
    return await withDrivers(conns, o.stores, async (drivers) => {
      await requireUp(drivers);
      const stores: Manifest["stores"] = {};
      const entries: ArchiveEntry[] = [];
      for (const [kind, d] of drivers) {
        const started = Date.now();
        const dir = join(work, kind);
        mkdirSync(dir, { mode: 0o700 });
        log(`${kind}: backing up from ${d.address}`);
        const r = await d.dump(dir, log).catch((err) => {
          throw new Error(`${kind}: backup failed: ${errorText(err, [conns[kind]!.admin.password])}`);
        });
        entries.push(...r.files.map((f) => ({ path: `${kind}/${f}`, file: join(dir, f) })));
        stores[kind] = {
          kind, engineVersion: r.engineVersion, ledger: r.ledger ?? (await d.ledger()), method: r.method, restoreMethod: r.restoreMethod,
          identity: `admin (${conns[kind]!.admin.user || "no user"})`, parts: r.files.map((f) => ({ path: `${kind}/${f}`, sha256: "", bytes: 0 })), counts: r.counts,
        };
        log(`${kind}: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      }
      let manifest!: Manifest;
      const path = await packArchive(o.dir, id, entries, (sums) => {
        for (const s of Object.values(stores)) for (const part of s!.parts) Object.assign(part, sums.get(part.path));
        manifest = { format: MANIFEST_FORMAT, id, createdAt: new Date().toISOString(), polystoreVersion: polystoreVersion(o.projectRoot), stack: o.stack, stores };
        return manifest;
      });
      return { path, manifest };
    });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** One row of the verification table. */
export interface VerifyRow {
  store: StoreKind;
  check: string;
  expected: string;
  found: string;
  ok: boolean;
}

/** Compares each store's live counts and ledger with the manifest. */
export async function verifyStores(drivers: Map<StoreKind, BackupDriver>, manifest: Manifest): Promise<VerifyRow[]> {
  const rows: VerifyRow[] = [];
  for (const [kind, d] of drivers) {
    const want = manifest.stores[kind]!;
    const have = await d.counts();
    for (const group of [...new Set([...Object.keys(want.counts), ...Object.keys(have)])].sort()) {
      const e = want.counts[group] ?? {};
      const a = have[group] ?? {};
      const diff = countDifferences(group, e, a);
      const sum = (c: Record<string, number>) => String(Object.values(c).reduce((x, y) => x + y, 0));
      rows.push({ store: kind, check: `${group} (${Object.keys(e).length} objects, total)`, expected: sum(e), found: sum(a), ok: diff.length === 0 });
      for (const line of diff) rows.push({ store: kind, check: line, expected: "", found: "", ok: false });
    }
    const ledger = (await d.ledger()).join(",");
    rows.push({ store: kind, check: "ledger versions", expected: want.ledger.join(",") || "-", found: ledger || "-", ok: ledger === want.ledger.join(",") });
  }
  return rows;
}

/** Fixed-width table of verification rows. */
export function formatVerifyTable(rows: VerifyRow[]): string {
  const head = ["STORE", "CHECK", "EXPECTED", "FOUND", "RESULT"];
  const cells = rows.map((r) => [r.store, r.check, r.expected, r.found, r.ok ? "ok" : "MISMATCH"]);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((x, i) => x.padEnd(widths[i]!)).join("  ").trimEnd();
  return [line(head), ...cells.map(line)].join("\n");
}

export interface RestorePlan {
  archive: OpenedArchive;
  stores: StoreKind[];
}

/** Unpacks and checks the archive (unknown id, corruption, checksums, stack, missing stores). */
export async function planRestore(dir: string, id: string, stack: string | undefined, stores: StoreKind[] | undefined): Promise<RestorePlan> {
  if (!listArchives(dir).some((a) => a.id === id)) {
    const known = listArchives(dir).map((a) => a.id);
    throw new UnknownBackupError(`no backup ${id} in ${dir} (${known.length ? `have: ${known.slice(0, 10).join(", ")}` : "there are none"})`);
  }
  const archive = await openArchive(dir, id, stack, stores, dir);
  return { archive, stores: stores ?? (Object.keys(archive.manifest.stores) as StoreKind[]) };
}

/** The id names no archive: a usage error (exit 2). */
export class UnknownBackupError extends Error {
  readonly exitCode = 2;
}

/** Refuses when a target store holds data and `force` is off; throws listing every such store. */
export async function requireEmpty(drivers: Map<StoreKind, BackupDriver>, force: boolean): Promise<void> {
  if (force) return;
  const full: string[] = [];
  for (const [kind, d] of drivers) if (!(await d.isEmpty())) full.push(`${kind} at ${d.address}`);
  if (full.length) throw new Error(`refusing to restore over data: ${full.join(", ")} ${full.length > 1 ? "are" : "is"} not empty; pass --force to replace it (each store keeps its data until the new data is loaded)`);
}

/** Restores every planned store, one after the other; stops at the first failure (that store is left as it was). */
export async function executeRestore(drivers: Map<StoreKind, BackupDriver>, plan: RestorePlan, log: Log): Promise<void> {
  for (const kind of plan.stores) {
    const d = drivers.get(kind)!;
    const started = Date.now();
    log(`${kind}: restoring into ${d.address}`);
    try {
      await d.restore(join(plan.archive.dir, kind), plan.archive.manifest.stores[kind]!, plan.archive.manifest.id, log);
    } catch (err) {
      throw new Error(`${kind}: restore failed, ${kind} was left as it was: ${errorText(err)}` + (plan.stores.indexOf(kind) > 0 ? ` (already restored: ${plan.stores.slice(0, plan.stores.indexOf(kind)).join(", ")})` : ""));
    }
    log(`${kind}: restored in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
}

/** Deletes archives in `dir` older than `keepDays`; returns the ids deleted. */
export function pruneArchives(dir: string, keepDays: number, now = new Date()): string[] {
  const cutoff = now.getTime() - keepDays * 86_400_000;
  const gone: string[] = [];
  for (const a of listArchives(dir)) {
    if (a.createdAt.getTime() < cutoff) {
      unlinkSync(a.path);
      gone.push(a.id);
    }
  }
  return gone;
}

/** Default archive folder of a stack: $POLYSTORE_BACKUP_DIR/<stack> or <project>/.polystore/backups/<stack>. */
export function defaultBackupDir(projectRoot: string, stack: string, env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.POLYSTORE_BACKUP_DIR ?? join(projectRoot, ".polystore", "backups"), stack);
}

export { archivePath, backupId, listArchives };
import { packArchive } from "./archive";
export type { StoreManifest };
