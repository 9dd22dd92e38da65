/**
 * The parts of backup/restore that need no store: ids, manifest checks,
 * retention, count comparison, the Neo4j value codec and the CLIs' usage
 * errors. The store round trips are in test/stores/backup.test.ts.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import neo4j from "neo4j-driver";
import { afterAll, describe, expect, it } from "vitest";
import { backupId, idTime, listArchives, readManifest } from "../../components/backup/archive";
import { pruneArchives } from "../../components/backup/engine";
import { decodeProps, encodeProps } from "../../components/backup/neo4j-values";
import { allCountDifferences, stagingName } from "../../components/backup/tools";
import { backupMain } from "../../stacks/backup/backup";
import type { CliIO } from "../../stacks/backup/common";
import { restoreMain } from "../../stacks/backup/restore";
import { snapshotMain } from "../../stacks/backup/snapshot";

const dir = mkdtempSync(join(tmpdir(), "polystore-backup-unit-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(main: (a: string[], io: CliIO) => Promise<number>, argv: string[]) {
  let out = "";
  let err = "";
  const code = await main(argv, { out: (s) => void (out += s), err: (s) => void (err += s), isTTY: false, ask: async () => "" });
  return { code, out, err };
}

describe("backup ids", () => {
  it("are the UTC time as YYYYMMDD_HHMMSS and read back", () => {
    const t = new Date("2026-12-03T06:27:32.900Z");
    expect(backupId(t)).toBe("20261203_062732");
    expect(idTime("20261203_062732")?.toISOString()).toBe("2026-12-03T06:27:32.000Z");
    expect(idTime("2026-12-03")).toBeUndefined();
    expect(stagingName("app", "20261203_062732")).toBe("app_r20261203062732");
  });
});

describe("manifest checks", () => {
  it("name every bad field at once", () => {
    const f = join(dir, "manifest.json");
    writeFileSync(f, JSON.stringify({ format: "x", id: "now", stack: "", stores: { mysql: { parts: "no", counts: null, ledger: 1 } } }));
    expect(() => readManifest(f, "a.tar.gz")).toThrow(
      [
        "archive a.tar.gz: manifest.json is not a polystore manifest:",
        '  format: expected "polystore-backup/1", found "x"',
        "  id: expected YYYYMMDD_HHMMSS",
        "  stack: expected a stack name",
        "  stores.mysql: unknown store kind",
        "  stores.mysql.parts: expected [{ path, sha256, bytes }]",
        "  stores.mysql.counts: expected an object",
        "  stores.mysql.ledger: expected an array of versions",
      ].join("\n"),
    );
  });
});

describe("retention", () => {
  it("prune deletes archives older than keep-days, by the time in their id, and nothing else", () => {
    const d = mkdtempSync(join(dir, "prune-"));
    for (const n of ["20261120_000000.tar.gz", "20261130_000000.tar.gz", "20261203_000000.tar.gz", "notes.txt", "20261101_000000.tar.gz.partial"]) writeFileSync(join(d, n), "x");
    expect(listArchives(d).map((a) => a.id)).toEqual(["20261203_000000", "20261130_000000", "20261120_000000"]);
    expect(pruneArchives(d, 7, new Date("2026-12-03T12:00:00Z"))).toEqual(["20261120_000000"]);
    expect(listArchives(d).map((a) => a.id)).toEqual(["20261203_000000", "20261130_000000"]);
  });
});

describe("count comparison", () => {
  it("lists every object that differs, missing ones included", () => {
    expect(allCountDifferences({ rows: { a: 1, b: 2 } }, { rows: { a: 1, c: 3 } })).toEqual(["rows b: expected 2, found none", "rows c: expected none, found 3"]);
    expect(allCountDifferences({ rows: { a: 1 } }, { rows: { a: 1 } })).toEqual([]);
  });
});

describe("neo4j value codec", () => {
  it("keeps integers, floats, temporal, spatial and byte values through JSON", () => {
    const props = {
      i: neo4j.int("9007199254740993"),
      f: 1,
      s: "ünïcode",
      l: [neo4j.int(1), 2.5],
      d: new neo4j.types.Date(2026, 1, 2),
      dt: new neo4j.types.DateTime(2026, 1, 2, 3, 4, 5, 6, undefined, "Europe/Stockholm"),
      p: new neo4j.types.Point(7203, 1.5, 2),
      b: new Int8Array([1, -2, 3]),
    };
    const back = decodeProps(JSON.parse(JSON.stringify(encodeProps(props))));
    expect(neo4j.isInt(back.i) && (back.i as { toString(): string }).toString()).toBe("9007199254740993");
    expect(back.f).toBe(1);
    expect(String(back.d)).toBe("2026-01-02");
    expect(String(back.dt)).toBe(String(props.dt));
    expect(neo4j.isPoint(back.p)).toBe(true);
    expect(Array.from(back.b as Int8Array)).toEqual([1, -2, 3]);
  });
});

describe("command lines", () => {
  it("answer --help with exit 0", async () => {
    for (const main of [backupMain, restoreMain, snapshotMain]) {
      const r = await cli(main, ["--help"]);
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/^usage: npm run (backup|restore|snapshot) --/);
    }
  });

  it("report every usage problem at once with exit 2", async () => {
    const r = await cli(restoreMain, ["--store", "mysql", "a", "b"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("<id> a: expected YYYYMMDD_HHMMSS");
    expect(r.err).toContain("unexpected argument(s): b");
    expect(r.err).toContain("--stack <name> is required");
    expect(r.err).toContain("--store mysql: unknown store");
    const s = await cli(snapshotMain, ["save", "--stack", "dev", "--name", "../x"]);
    expect(s.code).toBe(2);
    expect(s.err).toContain('--name ../x: expected letters, digits, "-" and "_"');
    const b = await cli(backupMain, ["verify", "--stack", "dev"]);
    expect(b.code).toBe(2);
    expect(b.err).toContain('unknown command "verify" (expected run, list or prune)');
  });

  it("an unreadable --connections file is a usage error naming it", async () => {
    const r = await cli(backupMain, ["--stack", "dev", "--connections", join(dir, "missing.json"), "--to", dir]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`--connections ${join(dir, "missing.json")}: cannot read the file (ENOENT)`);
  });
});

describe("review seed", () => {
  it("a missing snapshot is a usage error before anything is created", async () => {
    const { requireSnapshot } = await import("../../stacks/review/seed");
    process.env.POLYSTORE_SNAPSHOT_DIR = join(dir, "snapshots");
    let err: (Error & { exitCode?: number }) | undefined;
    try {
      requireSnapshot("nope");
    } catch (e) {
      err = e as Error & { exitCode?: number };
    }
    expect(err?.message).toBe(`--seed nope: no such snapshot in ${join(dir, "snapshots", "nope")} (save one with npm run snapshot -- save --stack <s> --name nope)`);
    expect(err?.exitCode).toBe(2);
  });
});
