import { describe, expect, it } from "vitest";
import { compare } from "../../../components/init/runner";
import { parseConnections } from "../../../components/init/connections";
import { initScriptsProvider } from "../../../components/init/resource";
import { formatTable, main, parseCli } from "../../../stacks/migrate";
import type { LedgerEntry, RunReport, ScriptFile } from "../../../components/init/types";
import type { StoreConnection } from "../../../components/core/types";

const script = (version: number, checksum: string): ScriptFile => ({
  version, name: `s${version}`, fileName: `00${version}_s${version}.sql`, path: `/x/00${version}_s${version}.sql`, extension: ".sql", checksum, content: "",
});
const entry = (version: number, checksum: string, success = true): LedgerEntry => ({ version, name: `s${version}`, checksum, appliedAt: "2025-01-01T00:00:00.000Z", durationMs: 1, success });
const emptyReport = (): RunReport => ({ kind: "postgres", address: "h:1", operation: "apply", ok: false, applied: [], skipped: [], pending: [], missingFiles: [], retried: [], repaired: [], notes: [], durationMs: 0, roundTrips: 0 });

describe("runner compare", () => {
  it("skips applied scripts, retries failed ones, queues new ones and reports ledger rows without files", () => {
    const r = emptyReport();
    const pending = compare(r, [script(1, "a"), script(2, "b"), script(3, "c")], [entry(1, "a"), entry(2, "old", false), entry(9, "z")], true);
    expect(pending.map((s) => s.version)).toEqual([2, 3]);
    expect(r.skipped).toEqual([1]);
    expect(r.retried).toEqual([2]);
    expect(r.missingFiles).toEqual([9]);
    expect(r.notes.join()).toContain("ledger entries with no file: 9");
  });

  it("refuses a changed applied script, naming the file and the repair command", () => {
    expect(() => compare(emptyReport(), [script(1, "new")], [entry(1, "old")], true)).toThrow(
      /001_s1\.sql[\s\S]*npm run migrate -- repair --stack <stack> --store postgres/,
    );
    const r = emptyReport();
    compare(r, [script(1, "new")], [entry(1, "old")], false);
    expect(r.notes.join()).toContain("changed since applied (run repair if intended): 001_s1.sql");
  });
});

describe("connections", () => {
  const good: StoreConnection = { kind: "redis", host: "127.0.0.1", port: 6379, tls: false, database: "0", admin: { user: "default", password: "s3cret" }, app: { user: "app", password: "p" } };

  it("accepts a record keyed by kind, or a single connection", () => {
    expect(parseConnections({ redis: good }, "f.json")).toEqual({ redis: good });
    expect(parseConnections(good, "$ENV")).toEqual({ redis: good });
  });

  it("lists every problem with its key path and never echoes a password", () => {
    let message = "";
    try {
      parseConnections({ redis: { ...good, port: "6379", admin: { user: "x" } }, mysql: {}, postgres: { ...good } }, "c.json");
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain("c.json: redis.port: expected an integer 0-65535");
    expect(message).toContain("c.json: redis.admin.password: expected a string");
    expect(message).toContain("c.json: mysql: unknown store kind");
    expect(message).toContain('c.json: postgres.kind: is "redis" but the entry is keyed "postgres"');
    expect(message).not.toContain("s3cret");
  });
});

describe("migrate CLI", () => {
  it("parses commands and options", () => {
    expect(parseCli(["apply", "--stack", "dev", "--store", "postgres", "--store", "redis"])).toMatchObject({ operation: "apply", stack: "dev", stores: ["postgres", "redis"], waitTimeoutMs: 60_000, json: false });
  });

  it("exits 2 with usage on unknown commands, options or stores", async () => {
    const err: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((s: string) => (err.push(String(s)), true)) as typeof process.stderr.write;
    try {
      expect(await main(["migrate-all", "--stack", "dev"])).toBe(2);
      expect(await main(["apply", "--stak", "dev"])).toBe(2);
      expect(await main(["apply", "--stack", "dev", "--store", "mysql"])).toBe(2);
      expect(await main(["status"])).toBe(2);
      expect(await main(["apply", "--connections", "a.json", "--scripts-dir", "x"])).toBe(2);
    } finally {
      process.stderr.write = write;
    }
    const text = err.join("");
    expect(text).toContain('unknown command "migrate-all"');
    expect(text).toContain("--store mysql: unknown store");
    expect(text).toContain("one of --stack, --connections or --connections-env is required");
    expect(text).toContain("--scripts-dir needs exactly one --store");
    expect(text).toContain("(npm run migrate -- --help for usage)");
  });

  it("exits 1 naming the file when the connections file is missing", async () => {
    const err: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((s: string) => (err.push(String(s)), true)) as typeof process.stderr.write;
    try {
      expect(await main(["status", "--connections", "/nonexistent/c.json"])).toBe(1);
    } finally {
      process.stderr.write = write;
    }
    expect(err.join("")).toContain("--connections /nonexistent/c.json: cannot read the file (ENOENT)");
  });

  it("formats a table with errors and notes below it", () => {
    const r = { ...emptyReport(), ok: true, applied: [{ version: 1, fileName: "001_a.sql", durationMs: 5 }], skipped: [2], notes: ["n1"], roundTrips: 7 };
    const bad = { ...emptyReport(), kind: "redis" as const, error: "redis at h:1 did not answer" };
    const table = formatTable([r, bad]).split("\n");
    expect(table[0]).toMatch(/^STORE\s+ADDRESS\s+RESULT\s+APPLIED\s+SKIPPED\s+PENDING\s+MS\s+ROUND TRIPS$/);
    expect(table[1]).toMatch(/^postgres\s+h:1\s+ok\s+1\s+1\s+-\s+0\s+7$/);
    expect(table[2]).toMatch(/^redis\s+h:1\s+FAILED/);
    expect(table).toContain("  postgres: n1");
    expect(table).toContain("  redis: ERROR redis at h:1 did not answer");
  });
});

describe("InitScripts provider diff", () => {
  const conn: StoreConnection = { kind: "postgres", host: "h", port: 5432, tls: false, database: "d", admin: { user: "a", password: "p1" }, app: { user: "b", password: "p2" } };
  const inputs = { kind: "postgres" as const, connection: conn, scriptsDir: "init-scripts/postgres", checksums: { "001_a.sql": "x", "002_b.sql": "y" }, waitTimeoutSeconds: 300 };
  const hash = require("node:crypto").createHash("sha256").update(JSON.stringify(conn)).digest("hex") as string;
  const olds = { kind: "postgres" as const, scriptsDir: "init-scripts/postgres", checksums: { "002_b.sql": "y", "001_a.sql": "x" }, connectionHash: hash, waitTimeoutSeconds: 60, applied: 2, appliedVersions: [1, 2], summary: "" };

  it("reports no change when checksums (in any key order) and connection are the same", async () => {
    expect((await initScriptsProvider.diff!("id", olds, inputs)).changes).toBe(false);
  });

  it("reports a change when a checksum, a script or the connection (e.g. a rotated password) changes", async () => {
    expect((await initScriptsProvider.diff!("id", olds, { ...inputs, checksums: { ...inputs.checksums, "002_b.sql": "z" } })).changes).toBe(true);
    expect((await initScriptsProvider.diff!("id", olds, { ...inputs, checksums: { ...inputs.checksums, "003_c.sql": "w" } })).changes).toBe(true);
    const rotated = await initScriptsProvider.diff!("id", olds, { ...inputs, connection: { ...conn, app: { user: "b", password: "p3" } } });
    expect(rotated.changes).toBe(true);
    // Nothing else about the inputs changes the diff (e.g. the wait timeout).
    expect((await initScriptsProvider.diff!("id", olds, { ...inputs, waitTimeoutSeconds: 5 })).changes).toBe(false);
  });

  it("serialises self-contained (Pulumi ships the provider's code to the engine): no database client captured", async () => {
    const pulumi = await import("@pulumi/pulumi");
    const fn = await pulumi.runtime.serializeFunction(() => initScriptsProvider);
    expect(fn.text).toContain("stacks/migrate.ts");
    expect(fn.text).toContain("POLYSTORE_INIT_CONNECTION");
    expect(fn.text).not.toMatch(/require\("(pg|ioredis|chdb|@clickhouse\/client)"\)/);
    expect(fn.text.length).toBeLessThan(50_000);
  });

  it("delete leaves the store alone (it does nothing)", async () => {
    await expect(initScriptsProvider.delete!("id", olds)).resolves.toBeUndefined();
  });
});
