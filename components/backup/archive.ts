/**
 * The backup archive: `<id>.tar.gz` holding `manifest.json` and one folder per
 * store (`postgres/database.dump`, `redis/keys.jsonl`, …). Written to
 * `<id>.tar.gz.partial` and renamed, so a crashed run never leaves a file that
 * looks complete. Checked on the way in: tar integrity, manifest shape, stack,
 * and each part's sha256.
 */
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { STORE_KINDS, type StoreKind } from "../core/types";
import { runTool, sha256File } from "./tools";
import type { StoreManifest } from "./types";

export const MANIFEST_FORMAT = "polystore-backup/1";
export const ID_PATTERN = /^\d{8}_\d{6}$/;

export interface Manifest {
  format: typeof MANIFEST_FORMAT;
  id: string;
  createdAt: string;
  polystoreVersion: string;
  stack: string;
  stores: Partial<Record<StoreKind, StoreManifest>>;
}

/** A problem with an archive or its contents: exit 1, nothing restored. */
export class ArchiveError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ArchiveError";
  }
}

/** `YYYYMMDD_HHMMSS` (UTC) of `date`. */
export function backupId(date = new Date()): string {
  const iso = date.toISOString();
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}_${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}`;
}

/** The time an id names, or undefined when it is not an id. */
export function idTime(id: string): Date | undefined {
  if (!ID_PATTERN.test(id)) return undefined;
  const d = new Date(`${id.slice(0, 4)}-${id.slice(4, 6)}-${id.slice(6, 8)}T${id.slice(9, 11)}:${id.slice(11, 13)}:${id.slice(13, 15)}Z`);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

export const archivePath = (dir: string, id: string) => join(dir, `${id}.tar.gz`);

/** Packs `workDir` (manifest.json + store folders) into `<dir>/<id>.tar.gz`, mode 0600. */
export async function packArchive(workDir: string, dir: string, id: string): Promise<string> {
  const final = archivePath(dir, id);
  const partial = `${final}.partial`;
  const entries = readdirSync(workDir).sort((a, b) => (a === "manifest.json" ? -1 : b === "manifest.json" ? 1 : a.localeCompare(b)));
  // gzip -1: the big parts (pg_dump -Fc, Native) are compressed already; a higher level costs time for nothing.
  await runTool("tar", ["--use-compress-program=gzip -1", "-cf", partial, "-C", workDir, ...entries]);
  chmodSync(partial, 0o600);
  renameSync(partial, final);
  return final;
}

/** Archives in `dir`, newest first. */
export function listArchives(dir: string): Array<{ id: string; path: string; bytes: number; createdAt: Date }> {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((f) => /^(\d{8}_\d{6})\.tar\.gz$/.exec(f)?.[1])
    .filter((id): id is string => !!id && !!idTime(id))
    .map((id) => ({ id, path: archivePath(dir, id), bytes: statSync(archivePath(dir, id)).size, createdAt: idTime(id)! }))
    .sort((a, b) => b.id.localeCompare(a.id));
}

/** An unpacked, checked archive; `remove()` deletes the unpacked copy. */
export interface OpenedArchive {
  path: string;
  dir: string;
  manifest: Manifest;
  remove(): void;
}

/**
 * Unpacks `<dir>/<id>.tar.gz` into a temporary folder under `tmpRoot` and checks
 * it: readable tar.gz, a valid manifest for `stack` (any stack when undefined: snapshots), every wanted store present
 * and every part's sha256 right. Throws naming every problem.
 */
export async function openArchive(dir: string, id: string, stack: string | undefined, stores: StoreKind[] | undefined, tmpRoot: string): Promise<OpenedArchive> {
  const path = archivePath(dir, id);
  const work = mkdtempSync(join(tmpRoot, `.restore-${id}-`));
  const remove = () => rmSync(work, { recursive: true, force: true });
  try {
    try {
      await runTool("tar", ["-xzf", path, "-C", work]);
    } catch (err) {
      throw new ArchiveError(`archive ${path} is corrupt or truncated: ${(err as Error).message}`);
    }
    const manifest = readManifest(join(work, "manifest.json"), path);
    const problems: string[] = [];
    if (stack !== undefined && manifest.stack !== stack) problems.push(`archive ${path} is a backup of stack "${manifest.stack}", not "${stack}"; pass --stack ${manifest.stack} to restore it there`);
    const wanted = stores ?? (Object.keys(manifest.stores) as StoreKind[]);
    for (const kind of wanted) {
      const s = manifest.stores[kind];
      if (!s) {
        problems.push(`archive ${path} holds no ${kind} backup (it has: ${Object.keys(manifest.stores).join(", ") || "none"})`);
        continue;
      }
      for (const part of s.parts) {
        const file = join(work, part.path);
        if (!existsSync(file)) problems.push(`${kind}: part ${part.path} is missing from archive ${path}`);
        else {
          const sum = await sha256File(file);
          if (sum !== part.sha256) problems.push(`${kind}: part ${part.path} fails its checksum (manifest sha256 ${part.sha256.slice(0, 12)}…, file ${sum.slice(0, 12)}…); the archive was altered or damaged`);
        }
      }
    }
    if (problems.length) throw new ArchiveError(problems.join("\n"));
    return { path, dir: work, manifest, remove };
  } catch (err) {
    remove();
    throw err;
  }
}

/** Reads and checks manifest.json; throws naming the archive and each bad field. */
export function readManifest(file: string, archive: string): Manifest {
  let m: any;
  try {
    m = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new ArchiveError(`archive ${archive}: manifest.json is missing or not JSON (${(err as Error).message.split("\n")[0]})`);
  }
  const p: string[] = [];
  if (m?.format !== MANIFEST_FORMAT) p.push(`format: expected "${MANIFEST_FORMAT}", found ${JSON.stringify(m?.format)}`);
  if (typeof m?.id !== "string" || !ID_PATTERN.test(m.id)) p.push("id: expected YYYYMMDD_HHMMSS");
  if (typeof m?.stack !== "string" || !m.stack) p.push("stack: expected a stack name");
  if (typeof m?.stores !== "object" || m.stores === null) p.push("stores: expected an object keyed by store kind");
  else {
    for (const [k, s] of Object.entries(m.stores as Record<string, any>)) {
      if (!STORE_KINDS.includes(k as StoreKind)) p.push(`stores.${k}: unknown store kind`);
      if (!Array.isArray(s?.parts) || s.parts.some((x: any) => typeof x?.path !== "string" || typeof x?.sha256 !== "string")) p.push(`stores.${k}.parts: expected [{ path, sha256, bytes }]`);
      if (typeof s?.counts !== "object" || s.counts === null) p.push(`stores.${k}.counts: expected an object`);
      if (!Array.isArray(s?.ledger)) p.push(`stores.${k}.ledger: expected an array of versions`);
    }
  }
  if (p.length) throw new ArchiveError(`archive ${archive}: manifest.json is not a polystore manifest:\n  ${p.join("\n  ")}`);
  return m as Manifest;
}
