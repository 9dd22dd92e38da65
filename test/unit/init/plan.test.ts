/**
 * `migrate plan` pieces that need no engine: the statements each adapter would
 * send (after substitution), the text report, the CLI's usage errors, and the
 * InitScripts provider's per-file detailed diff shown by `pulumi preview`.
 * The read-only plan against live ledgers is proved in test/stores/plan.test.ts.
 */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { renderStatements, type PlanReport } from "../../../components/init/plan";
import { initScriptsProvider, type InitScriptsDiff } from "../../../components/init/resource";
import type { StoreConnection } from "../../../components/core/types";
import { formatPlan, parsePlanCli, runPlan } from "../../../stacks/migrate-plan";

describe("renderStatements (what apply sends)", () => {
  it("PostgreSQL: one statement per ; exactly as sent (leading comments included), not splitting a $$ body", () => {
    const body = "-- head\nCREATE TABLE t (x int);\n\nCREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $fn$\nBEGIN DELETE FROM t; END $fn$;\nGRANT SELECT ON t TO app_role;";
    expect(renderStatements("postgres", body)).toEqual([
      { line: 1, text: "-- head\nCREATE TABLE t (x int)" },
      { line: 4, text: "CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $fn$\nBEGIN DELETE FROM t; END $fn$" },
      { line: 6, text: "GRANT SELECT ON t TO app_role" },
    ]);
  });

  it("Redis, MongoDB, Elasticsearch, Cypher, ClickHouse", () => {
    expect(renderStatements("redis", "# c\nHSET k f \"a b\"\nEXPIRE k 60")).toEqual([{ line: 2, text: 'HSET k f "a b"' }, { line: 3, text: "EXPIRE k 60" }]);
    expect(renderStatements("mongodb", '{\n  "commands": [\n    { "create": "a" },\n    { "$requires": ["ttlIndex"], "createIndexes": "a", "indexes": [] }\n  ]\n}')).toEqual([
      { line: 3, text: '{"create":"a"}' },
      { line: 4, text: '{"createIndexes":"a","indexes":[]}  (only where the server has ttlIndex)' },
    ]);
    expect(renderStatements("elasticsearch", '{\n  "method": "PUT",\n  "path": "/articles-000002",\n  "body": {}\n}')).toEqual([{ line: 3, text: "PUT /articles-000002 {}" }]);
    expect(renderStatements("neo4j", "// c;\nCREATE INDEX a IF NOT EXISTS FOR (n:A) ON (n.x);")).toEqual([{ line: 1, text: "// c;\nCREATE INDEX a IF NOT EXISTS FOR (n:A) ON (n.x)" }]);
    expect(renderStatements("clickhouse", "SELECT 1;\nSELECT ';'")).toEqual([{ line: 1, text: "SELECT 1" }, { line: 2, text: "SELECT ';'" }]);
  });

  it("throws what the adapter would (a forbidden Redis command)", () => {
    expect(() => renderStatements("redis", "FLUSHALL")).toThrow("<script>:1: FLUSHALL is not allowed in init scripts");
  });
});

describe("formatPlan and the CLI", () => {
  const plan: PlanReport = {
    kind: "redis", address: "127.0.0.1:6379", ok: true, upToDate: [1], durationMs: 3,
    pending: [{ version: 2, fileName: "002_b.redis", checksum: "a".repeat(64), retry: false, statements: [{ line: 1, text: "HSET k v 1" }] }],
    changed: [{ version: 1, fileName: "001_a.redis", recorded: "b".repeat(64), current: "c".repeat(64) }],
    missingFiles: [{ version: 7, name: "old" }],
    refusals: ["already-applied script(s) changed on disk: 001_a.redis"],
  };

  it("lists pending scripts with checksums and statements, changed files, orphan rows and refusals", () => {
    expect(formatPlan([plan]).split("\n")).toEqual([
      "redis (127.0.0.1:6379): 1 pending, 1 applied, 1 changed, 1 ledger row(s) without a file",
      "  pending 002_b.redis  sha256:aaaaaaaaaaaa",
      "       1 | HSET k v 1",
      "  changed 001_a.redis  ledger sha256:bbbbbbbbbbbb ≠ file sha256:cccccccccccc",
      "  no file for ledger row 7 (old)",
      "  apply would REFUSE: already-applied script(s) changed on disk: 001_a.redis",
      "",
      "migrate plan: apply would fail or refuse for redis",
    ]);
  });

  it("--format is text or json; the rest goes to status/apply's parser; usage errors exit 2", async () => {
    expect(parsePlanCli(["--stack", "dev", "--format", "json"])).toEqual({ format: "json", rest: ["--stack", "dev"] });
    expect(() => parsePlanCli(["--format", "sarif"])).toThrow("--format sarif: expected text or json");
    let err = "";
    expect(await runPlan(["--store", "redis"], () => undefined, (s) => (err += s))).toBe(2);
    expect(err).toContain("one of --stack, --connections or --connections-env is required");
    let out = "";
    expect(await runPlan(["--help"], (s) => (out += s))).toBe(0);
    expect(out).toContain("usage: npm run migrate -- plan --stack <name>");
  });
});

describe("InitScripts provider: per-file detailed diff for pulumi preview", () => {
  const conn: StoreConnection = { kind: "postgres", host: "h", port: 5432, tls: false, database: "d", admin: { user: "a", password: "p1" }, app: { user: "b", password: "p2" } };
  const hash = createHash("sha256").update(JSON.stringify(conn)).digest("hex");
  const olds = { kind: "postgres" as const, scriptsDir: "s", checksums: { "001_a.sql": "x", "002_b.sql": "y", "003_c.sql": "z" }, connectionHash: hash, waitTimeoutSeconds: 300, applied: 3, appliedVersions: [1, 2, 3], summary: "" };
  const news = { kind: "postgres" as const, connection: conn, scriptsDir: "s", checksums: { "001_a.sql": "x", "002_b.sql": "y2", "004_d.sql": "w" }, waitTimeoutSeconds: 300 };

  it("keys the diff by script file: added (pending), edited, removed", async () => {
    const d = (await initScriptsProvider.diff!("id", olds, news)) as InitScriptsDiff;
    expect(d.changes).toBe(true);
    expect(d.detailedDiff).toEqual({
      'checksums["002_b.sql"]': { kind: "update", inputDiff: true },
      'checksums["003_c.sql"]': { kind: "delete", inputDiff: true },
      'checksums["004_d.sql"]': { kind: "add", inputDiff: true },
    });
  });

  it("no script change and the same connection: no changes, empty detailed diff; a rotated password is a connection update", async () => {
    const same = (await initScriptsProvider.diff!("id", olds, { ...news, checksums: olds.checksums })) as InitScriptsDiff;
    expect(same).toMatchObject({ changes: false, detailedDiff: {} });
    const rotated = (await initScriptsProvider.diff!("id", olds, { ...news, checksums: olds.checksums, connection: { ...conn, app: { user: "b", password: "p3" } } })) as InitScriptsDiff;
    expect(rotated).toMatchObject({ changes: true, detailedDiff: { connection: { kind: "update", inputDiff: true } } });
  });
});
