/**
 * The backup archive: `<id>.tar.gz` holding `manifest.json` and one folder per
 * store (`postgres/database.dump`, `redis/keys.jsonl`, …). Written to
 * `<id>.tar.gz.partial` and renamed, so a crashed run never leaves a file that
 * looks complete. Checked on the way in: tar integrity, manifest shape, stack,
 * and each part's sha256.
 */
import { createHash } from "node:crypto";
import { chmodSync, createReadStream, createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { dirname, isAbsolute, join, normalize, resolve, sep } from "node:path";
import { pipeline } from "node:stream/promises";
import { createGunzip, createGzip } from "node:zlib";
import { once } from "node:events";
import { Header as TarHeader, Parser as TarParser, Pax as TarPax, type ReadEntry } from "tar";
import { STORE_KINDS, type StoreKind } from "../core/types";
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

/** A file to put in an archive: its path inside the archive and where it is on disk. */
export interface ArchiveEntry {
  path: string;
  file: string;
}

/** Checksum and size of each part, keyed by its path inside the archive. */
export type PartSums = Map<string, { sha256: string; bytes: number }>;

/**
 * Streams `entries` into `<dir>/<id>.tar.gz` (mode 0600) in one pass, hashing each part as it is
 * read (gzip -1 in zlib's thread pool beside the hashing), then `manifest.json`, built by
 * `manifestOf` from those checksums, as the last entry. Written as `.partial` and renamed.
 * gzip level 1: the big parts (pg_dump's custom format, Native) compress little further.
 */
export async function packArchive(dir: string, id: string, entries: ArchiveEntry[], manifestOf: (sums: PartSums) => Manifest): Promise<string> {
  const final = archivePath(dir, id);
  const partial = `${final}.partial`;
  const gzip = createGzip({ level: 1, chunkSize: 1 << 20 });
  const written = pipeline(gzip, createWriteStream(partial, { mode: 0o600 }));
  written.catch(() => undefined);
  const write = async (b: Buffer) => {
    if (!gzip.write(b)) await once(gzip, "drain");
  };
  const header = async (path: string, size: number) => {
    const h = new TarHeader({ path, mode: 0o600, size, mtime: new Date(), type: "File", uid: 0, gid: 0 });
    if (h.encode()) await write(new TarPax({ path, size, mtime: h.mtime }).encode());
    await write(h.block!);
  };
  const pad = (size: number) => (size % 512 ? write(Buffer.alloc(512 - (size % 512))) : undefined);
  try {
    const sums: PartSums = new Map();
    for (const e of entries) {
      const size = statSync(e.file).size;
      await header(e.path, size);
      const hash = createHash("sha256");
      let bytes = 0;
      for await (const chunk of createReadStream(e.file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
        hash.update(chunk);
        bytes += chunk.length;
        await write(chunk);
      }
      if (bytes !== size) throw new Error(`${e.file} changed while it was archived (${size} bytes, then ${bytes})`);
      await pad(size);
      sums.set(e.path, { sha256: hash.digest("hex"), bytes });
    }
    const manifest = Buffer.from(`${JSON.stringify(manifestOf(sums), null, 2)}\n`);
    await header("manifest.json", manifest.length);
    await write(manifest);
    await pad(manifest.length);
    gzip.end(Buffer.alloc(1024));
    await written;
    chmodSync(partial, 0o600);
    renameSync(partial, final);
    return final;
  } catch (err) {
    gzip.destroy();
    await written.catch(() => undefined);
    rmSync(partial, { force: true });
    throw err;
  }
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
    let sums: Map<string, string>;
    try {
      sums = await extractArchive(path, work);
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
        const sum = sums.get(part.path);
        if (sum === undefined) problems.push(`${kind}: part ${part.path} is missing from archive ${path}`);
        else if (sum !== part.sha256) problems.push(`${kind}: part ${part.path} fails its checksum (manifest sha256 ${part.sha256.slice(0, 12)}…, file ${sum.slice(0, 12)}…); the archive was altered or damaged`);
      }
    }
    if (problems.length) throw new ArchiveError(problems.join("\n"));
    return { path, dir: work, manifest, remove };
  } catch (err) {
    remove();
    throw err;
  }
}

/**
 * Unpacks a `.tar.gz` into `into` in one pass, hashing every file as it is written (gunzip in
 * zlib's thread pool, the tar stream parsed here): no second read of the parts for their checksums.
 * Only plain files and folders under `into` are accepted. Resolves with path → sha256.
 */
export async function extractArchive(file: string, into: string): Promise<Map<string, string>> {
  const sums = new Map<string, string>();
  const writes: Promise<void>[] = [];
  const open: Array<{ path: string; out: ReturnType<typeof createWriteStream>; ended: boolean }> = [];
  const parser = new TarParser({ strict: true });
  let bad: Error | undefined;
  const fail = (err: Error) => {
    bad ??= err;
    parser.abort(err);
  };
  parser.on("entry", (entry: ReadEntry) => {
    const rel = normalize(entry.path).replace(/\/+$/, "");
    const dest = resolve(into, rel);
    if (isAbsolute(entry.path) || rel.startsWith("..") || (dest !== into && !dest.startsWith(`${into}${sep}`))) {
      entry.resume();
      return fail(new Error(`entry ${entry.path} points outside the archive`));
    }
    if (entry.type === "Directory") {
      mkdirSync(dest, { recursive: true, mode: 0o700 });
      return void entry.resume();
    }
    if (entry.type !== "File" && entry.type !== "OldFile") {
      entry.resume();
      return fail(new Error(`entry ${entry.path} is a ${entry.type}, not a file`));
    }
    mkdirSync(dirname(dest), { recursive: true, mode: 0o700 });
    const h = createHash("sha256");
    const out = createWriteStream(dest, { mode: 0o600 });
    const state = { path: entry.path, out, ended: false };
    open.push(state);
    writes.push(
      new Promise<void>((ok, ko) => {
        out.on("error", ko);
        out.on("finish", () => sums.set(rel, h.digest("hex")));
        // "close" also comes after destroy() (a failed archive), which emits neither "finish" nor "error".
        out.on("close", () => ok());
      }),
    );
    // One consumer does both, so no chunk can reach the hash and miss the file (or the reverse).
    entry.on("data", (d: Buffer) => {
      if (out.destroyed) return;
      h.update(d);
      if (!out.write(d)) {
        entry.pause();
        out.once("drain", () => entry.resume());
      }
    });
    entry.on("end", () => {
      state.ended = true;
      out.end();
    });
  });
  await pipeline(createReadStream(file, { highWaterMark: 1 << 20 }), createGunzip({ chunkSize: 1 << 20 }), parser).catch((err: Error) => fail(err));
  const unfinished = open.filter((o) => !o.ended);
  if (!bad && unfinished.length) bad = new Error(`the archive ends inside ${unfinished.map((o) => o.path).join(", ")}`);
  if (bad) {
    for (const o of open) o.out.destroy();
    await Promise.allSettled(writes);
    throw bad;
  }
  await Promise.all(writes);
  return sums;
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
