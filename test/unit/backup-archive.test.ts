/**
 * The archive format on its own: packArchive streams every part through
 * sha256 and gzip in one pass and puts the manifest last; extractArchive
 * unpacks in one pass and returns each file's sha256. Cross-checked against
 * GNU tar and sha256sum (the tools someone restoring by hand would use), and
 * against archives GNU tar made (the format before this writer).
 */
import { execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ArchiveError, extractArchive, MANIFEST_FORMAT, openArchive, packArchive, type Manifest } from "../../components/backup/archive";

const root = mkdtempSync(join(tmpdir(), "polystore-archive-unit-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = (name: string) => {
  const d = join(root, `${name}-${n++}`);
  mkdirSync(d, { recursive: true });
  return d;
};
const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

/** A manifest with one postgres store whose parts are given. */
function manifestWith(parts: Manifest["stores"]["postgres"] extends infer S ? (S extends { parts: infer P } ? P : never) : never): Manifest {
  return {
    format: MANIFEST_FORMAT, id: "20261203_101500", createdAt: "2026-12-03T10:15:00.000Z", polystoreVersion: "0.1.0", stack: "dev",
    stores: { postgres: { kind: "postgres", engineVersion: "PostgreSQL 15", ledger: [1], method: "m", restoreMethod: "r", identity: "admin", parts, counts: { "rows per table": { "public.t": 1 } } } },
  };
}

/** Packs `files` (archive path → content) with packArchive; returns the archive and the sums it recorded. */
async function pack(files: Record<string, Buffer>) {
  const src = fresh("src");
  const out = fresh("out");
  const entries = Object.entries(files).map(([path, content]) => {
    const file = join(src, path.replace(/\//g, "_"));
    writeFileSync(file, content);
    return { path, file };
  });
  let recorded: Manifest | undefined;
  const path = await packArchive(out, "20261203_101500", entries, (sums) => {
    recorded = manifestWith([...sums].map(([p, s]) => ({ path: p, ...s })));
    return recorded;
  });
  return { path, out, manifest: recorded! };
}

describe("packArchive", () => {
  it("writes a tar.gz GNU tar reads: every part, then manifest.json last, mode 0600, sums right", async () => {
    const big = randomBytes(3 * 1024 * 1024 + 17); // spans several 1 MiB chunks and ends off a 512-byte block
    const small = Buffer.from("x\n");
    const { path, out, manifest } = await pack({ "postgres/database.dump": big, "postgres/small.txt": small });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(out)).toEqual(["20261203_101500.tar.gz"]);
    expect(execFileSync("tar", ["-tzf", path], { encoding: "utf8" }).trim().split("\n")).toEqual(["postgres/database.dump", "postgres/small.txt", "manifest.json"]);
    const x = fresh("gnu");
    execFileSync("tar", ["-xzf", path, "-C", x]);
    expect(readFileSync(join(x, "postgres/database.dump")).equals(big)).toBe(true);
    expect(execFileSync("sha256sum", [join(x, "postgres/database.dump")], { encoding: "utf8" }).split(" ")[0]).toBe(sha(big));
    expect(manifest.stores.postgres!.parts).toEqual([
      { path: "postgres/database.dump", sha256: sha(big), bytes: big.length },
      { path: "postgres/small.txt", sha256: sha(small), bytes: small.length },
    ]);
    expect(JSON.parse(readFileSync(join(x, "manifest.json"), "utf8"))).toEqual(manifest);
  });

  it("keeps names longer than a tar header holds (a pax header)", async () => {
    const long = `elasticsearch/${"i".repeat(180)}.ndjson`;
    const { path } = await pack({ [long]: Buffer.from("{}\n") });
    expect(execFileSync("tar", ["-tzf", path], { encoding: "utf8" }).trim().split("\n")).toEqual([long, "manifest.json"]);
  });

  it("leaves nothing behind when a part cannot be read", async () => {
    const out = fresh("out");
    await expect(packArchive(out, "20261203_101500", [{ path: "postgres/x", file: join(out, "missing") }], () => manifestWith([]))).rejects.toThrow(/ENOENT/);
    expect(readdirSync(out)).toEqual([]);
  });
});

describe("extractArchive", () => {
  it("unpacks what packArchive wrote and returns the sha256 of every file", async () => {
    const body = randomBytes(2 * 1024 * 1024 + 5);
    const { path, manifest } = await pack({ "postgres/database.dump": body });
    const x = fresh("x");
    const sums = await extractArchive(path, x);
    expect(readFileSync(join(x, "postgres/database.dump")).equals(body)).toBe(true);
    expect(sums.get("postgres/database.dump")).toBe(sha(body));
    expect(sums.get("manifest.json")).toBe(sha(readFileSync(join(x, "manifest.json"))));
    expect(manifest.stores.postgres!.parts[0]!.sha256).toBe(sha(body));
  });

  it("reads archives GNU tar made (manifest first, folder entries)", async () => {
    const src = fresh("gnu-src");
    mkdirSync(join(src, "redis"));
    const rdb = randomBytes(700_000);
    writeFileSync(join(src, "redis", "dump.rdb"), rdb);
    writeFileSync(join(src, "manifest.json"), "{}\n");
    const file = join(fresh("gnu-out"), "a.tar.gz");
    execFileSync("tar", ["-czf", file, "-C", src, "manifest.json", "redis"]);
    const x = fresh("x");
    const sums = await extractArchive(file, x);
    expect([...sums.keys()].sort()).toEqual(["manifest.json", "redis/dump.rdb"]);
    expect(sums.get("redis/dump.rdb")).toBe(sha(rdb));
    expect(readFileSync(join(x, "redis", "dump.rdb")).equals(rdb)).toBe(true);
  });

  it("refuses entries that point outside the folder, and links", async () => {
    const src = fresh("evil-src");
    writeFileSync(join(src, "a"), "a");
    const outside = join(fresh("evil-out"), "outside.tar.gz");
    execFileSync("tar", ["-czf", outside, "-P", "-C", src, "--transform=s,^a,../escaped,", "a"]);
    const x = fresh("x");
    await expect(extractArchive(outside, x)).rejects.toThrow("entry ../escaped points outside the archive");
    expect(existsSync(join(x, "..", "escaped"))).toBe(false);

    symlinkSync("/etc/passwd", join(src, "link"));
    const linked = join(fresh("evil-out"), "link.tar.gz");
    execFileSync("tar", ["-czf", linked, "-C", src, "link"]);
    await expect(extractArchive(linked, fresh("x"))).rejects.toThrow("entry link is a SymbolicLink, not a file");
  });

  it("a truncated archive is an error, and openArchive names it and leaves no unpacked copy", { timeout: 20_000 }, async () => {
    // Cut anywhere: inside the first part, between parts, inside the manifest (never a hang).
    for (const at of [0.05, 0.3, 0.5, 0.7, 0.95, 0.999]) {
      const { path } = await pack({ "postgres/database.dump": randomBytes(1024 * 1024), "redis/keys.jsonl": Buffer.from("{}\n".repeat(50_000)) });
      truncateSync(path, Math.floor(statSync(path).size * at));
      await expect(extractArchive(path, fresh("x")), `cut at ${at}`).rejects.toThrow();
    }
    const { path, out } = await pack({ "postgres/database.dump": randomBytes(1024 * 1024) });
    truncateSync(path, Math.floor(statSync(path).size / 2));
    const tmp = fresh("tmp");
    const err = await openArchive(out, "20261203_101500", "dev", undefined, tmp).catch((e: Error) => e);
    expect(err).toBeInstanceOf(ArchiveError);
    expect((err as Error).message).toMatch(new RegExp(`^archive ${path.replace(/[.]/g, "\\.")} is corrupt or truncated: `));
    expect(readdirSync(tmp)).toEqual([]);
  });

  it("openArchive names a part whose bytes changed after the manifest was written", async () => {
    const { path, out } = await pack({ "postgres/database.dump": Buffer.from("original") });
    const x = fresh("re");
    execFileSync("tar", ["-xzf", path, "-C", x]);
    writeFileSync(join(x, "postgres/database.dump"), "tampered");
    execFileSync("tar", ["-czf", path, "-C", x, "postgres", "manifest.json"]);
    await expect(openArchive(out, "20261203_101500", "dev", undefined, fresh("tmp"))).rejects.toThrow(
      `postgres: part postgres/database.dump fails its checksum (manifest sha256 ${sha(Buffer.from("original")).slice(0, 12)}…, file ${sha(Buffer.from("tampered")).slice(0, 12)}…); the archive was altered or damaged`,
    );
  });
});
