/**
 * `migrate lint`: every rule fires on a bad statement (at the right line) and
 * stays quiet on its compliant neighbour; waivers; --base in a temp git repo;
 * and the CLI scenario of one destructive script per engine.
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { LINT_RULES, lintScripts } from "../../../components/init/lint";
import { defaultScriptsDir } from "../../../components/init/runner";
import type { StoreKind } from "../../../components/core/types";
import { runLint } from "../../../stacks/migrate-lint";

const EXT: Record<StoreKind, string> = { postgres: ".sql", clickhouse: ".sql", neo4j: ".cypher", mongodb: ".json", elasticsearch: ".json", redis: ".redis" };
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A scripts root with the given files: `{ "postgres/001_a.sql": "…" }`. */
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "polystore-lint-"));
  dirs.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path.split("/")[0]!), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

function lint(files: Record<string, string>, base?: string, root?: string) {
  const scriptsRoot = root ?? tree(files);
  return lintScripts({ scriptsRoot, root: scriptsRoot, base });
}

const mongo = (...commands: object[]) => JSON.stringify({ commands }, null, 2);
const es = (method: string, path: string, body?: object) => JSON.stringify({ method, path, ...(body ? { body } : {}) }, null, 2);

/** [rule, store, script that fires (finding on `line`), compliant neighbour, earlier scripts of the store]. */
const CASES: Array<[string, StoreKind, string, number, string, string[]?]> = [
  ["sql-drop", "postgres", "-- cleanup\nDROP TABLE old_sessions;", 2, "CREATE TABLE new_sessions (id int);"],
  ["sql-truncate", "postgres", "TRUNCATE audit_log;", 1, "SELECT count(*) FROM audit_log;"],
  ["sql-delete-without-where", "postgres", "SELECT 1;\nDELETE FROM users;", 2, "DELETE FROM users WHERE deleted_at < now() - interval '1 year';"],
  ["sql-update-without-where", "postgres", "UPDATE users\n   SET plan = 'free';", 1, "UPDATE users SET plan = 'free' WHERE plan IS NULL;"],
  ["sql-drop-column", "postgres", "ALTER TABLE users\n  DROP COLUMN legacy_id;", 2, "ALTER TABLE users ADD COLUMN nickname text;"],
  ["sql-alter-column-type", "postgres", "ALTER TABLE users ALTER COLUMN age TYPE smallint;", 1, "ALTER TABLE users ALTER COLUMN age SET NOT NULL;"],
  ["pg-rls-disabled", "postgres", "ALTER TABLE users NO FORCE ROW LEVEL SECURITY;", 1, "ALTER TABLE users FORCE ROW LEVEL SECURITY;"],
  ["pg-drop-policy", "postgres", "DROP POLICY tenant_isolation ON users;", 1, "CREATE POLICY tenant_isolation ON users USING (true);"],
  ["pg-grant-public", "postgres", "GRANT SELECT ON users TO app, PUBLIC;", 1, "GRANT SELECT ON users TO ${APP_ROLE};"],
  ["pg-security-definer-search-path", "postgres",
    "CREATE FUNCTION f() RETURNS int LANGUAGE sql\n  SECURITY DEFINER AS $$ SELECT 1; $$;", 2,
    "CREATE FUNCTION f() RETURNS int LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog AS $$ SELECT 1; $$;"],
  ["pg-create-index-blocking", "postgres", "CREATE INDEX idx_users_email ON users (email);", 1,
    "CREATE TABLE t (x int);\nCREATE INDEX idx_t ON t (x);", ["CREATE TABLE users (email text);"]],
  ["ch-drop", "clickhouse", "DROP TABLE IF EXISTS ${DATABASE}.events;", 1, "CREATE TABLE IF NOT EXISTS ${DATABASE}.events (x UInt8) ENGINE = MergeTree ORDER BY x;"],
  ["ch-truncate", "clickhouse", "TRUNCATE TABLE ${DATABASE}.events;", 1, "OPTIMIZE TABLE ${DATABASE}.events;"],
  ["ch-alter-delete", "clickhouse", "ALTER TABLE ${DATABASE}.events\n  DELETE WHERE ts < now();", 2, "ALTER TABLE ${DATABASE}.events UPDATE x = 1 WHERE x = 0;"],
  ["ch-drop-column", "clickhouse", "ALTER TABLE ${DATABASE}.events DROP COLUMN legacy;", 1, "ALTER TABLE ${DATABASE}.events ADD COLUMN extra String;"],
  ["ch-ttl-shortened", "clickhouse", "ALTER TABLE ${DATABASE}.events\n  MODIFY TTL toDateTime(ts) + INTERVAL 30 DAY;", 2,
    "ALTER TABLE ${DATABASE}.events MODIFY TTL toDateTime(ts) + INTERVAL 180 DAY;",
    ["CREATE TABLE IF NOT EXISTS ${DATABASE}.events (ts DateTime) ENGINE = MergeTree ORDER BY ts\nTTL toDateTime(ts) + INTERVAL 90 DAY;"]],
  ["cypher-delete", "neo4j", "MATCH (n:Temp)\nDELETE n;", 2, "MATCH (n:Temp) SET n.seen = true;"],
  ["cypher-detach-delete", "neo4j", "MATCH (n:Temp) DETACH DELETE n;", 1, "MATCH (n:Temp) REMOVE n.flag;"],
  ["cypher-drop-schema", "neo4j", "// old\nDROP CONSTRAINT product_gin IF EXISTS;", 2, "CREATE CONSTRAINT product_gin IF NOT EXISTS FOR (p:Product) REQUIRE p.gin IS UNIQUE;"],
  ["mongo-drop", "mongodb", mongo({ create: "a" }, { drop: "old" }), 7, mongo({ create: "a" })],
  ["mongo-drop-database", "mongodb", mongo({ dropDatabase: 1 }), 4, mongo({ create: "b" })],
  ["mongo-drop-indexes", "mongodb", mongo({ dropIndexes: "a", index: "*" }), 4, mongo({ createIndexes: "a", indexes: [{ key: { x: 1 }, name: "x" }] })],
  ["mongo-delete-empty-filter", "mongodb", mongo({ delete: "a", deletes: [{ q: {}, limit: 0 }] }), 4, mongo({ delete: "a", deletes: [{ q: { stale: true }, limit: 0 }] })],
  ["mongo-validator-removed", "mongodb", mongo({ collMod: "a", validator: {} }), 4, mongo({ collMod: "a", validator: { $jsonSchema: { bsonType: "object" } } })],
  ["es-delete-index", "elasticsearch", es("DELETE", "/articles-000001"), 3, es("PUT", "/articles-000002", {})],
  ["es-delete-alias", "elasticsearch", es("POST", "/_aliases", { actions: [{ remove: { index: "articles-000001", alias: "articles" } }] }), 7,
    es("POST", "/_aliases", { actions: [{ add: { index: "articles-000002", alias: "articles" } }] })],
  ["es-delete-by-query", "elasticsearch", es("POST", "/articles/_delete_by_query", { query: { match_all: {} } }), 3, es("POST", "/articles/_update_by_query", { query: { match_all: {} } })],
  ["es-close-index", "elasticsearch", es("POST", "/articles-000001/_close"), 3, es("POST", "/articles-000001/_open")],
  ["redis-flush", "redis", "# wipe\nFLUSHDB", 2, "HSET cache:contract version 2"],
  ["redis-del", "redis", "UNLINK cache:keyspace:contract", 1, "EXPIRE cache:keyspace:contract 60"],
  ["redis-config-set", "redis", "CONFIG SET maxmemory-policy noeviction", 1, "HSET cache:contract flush \"FLUSHALL is just text here\""],
];

describe("migrate lint rules", () => {
  it.each(CASES)("%s fires on the bad statement and not on its compliant neighbour", (rule, store, bad, line, good, earlier = []) => {
    const files = (last: string) => Object.fromEntries([...earlier, last].map((t, i) => [`${store}/${String(i + 1).padStart(3, "0")}_s${EXT[store]}`, t]));
    const fired = lint(files(bad)).findings;
    expect(fired.map((f) => [f.rule, f.line])).toEqual([[rule, line]]);
    expect(fired[0]!.file).toBe(`${store}/${String(earlier.length + 1).padStart(3, "0")}_s${EXT[store]}`);
    expect(lint(files(good)).findings).toEqual([]);
  });

  it("has a case for every engine rule", () => {
    const tested = new Set(CASES.map((c) => c[0]));
    const engineRules = LINT_RULES.map((r) => r.id).filter((id) => !/^(history-|parse-error|invalid-waiver)/.test(id));
    expect(engineRules.filter((id) => !tested.has(id))).toEqual([]);
  });

  it("ignores keywords in comments, strings and function bodies", () => {
    const sql = "-- DROP TABLE users;\n/* TRUNCATE x; */\nINSERT INTO notes (t) VALUES ('DELETE FROM users; DROP TABLE x');\n" +
      "CREATE FUNCTION g() RETURNS void LANGUAGE plpgsql SET search_path = pg_catalog AS $body$ BEGIN DELETE FROM t; END $body$;";
    expect(lint({ "postgres/001_a.sql": sql }).findings).toEqual([]);
    expect(lint({ "neo4j/001_a.cypher": "// DETACH DELETE n;\nCREATE (n:Note {text: 'DELETE me'});" }).findings).toEqual([]);
  });

  it("reports an unparsable script as parse-error naming its line", () => {
    const f = lint({ "postgres/001_a.sql": "SELECT 1;\nSELECT 'unterminated;" }).findings;
    expect(f.map((x) => [x.rule, x.line])).toEqual([["parse-error", 2]]);
    expect(lint({ "mongodb/001_a.json": "{ not json" }).findings[0]!.rule).toBe("parse-error");
  });
});

describe("waivers", () => {
  it("a waiver with a reason covers the rule in its script and is listed; the run passes", () => {
    const r = lint({ "postgres/004_drop.sql": "-- polystore-lint: allow sql-drop — table emptied and archived in PR 41\nDROP TABLE old_sessions;" });
    expect(r.blocking).toBe(0);
    expect(r.findings[0]).toMatchObject({ rule: "sql-drop", line: 2, waived: { rule: "sql-drop", reason: "table emptied and archived in PR 41", line: 1 } });
    expect(r.waivers).toEqual([{ file: "postgres/004_drop.sql", line: 1, rule: "sql-drop", reason: "table emptied and archived in PR 41" }]);
  });

  it("a waiver in a JSON script's description works; it covers only its own rule", () => {
    const text = JSON.stringify({ description: "polystore-lint: allow mongo-drop -- scratch collection", commands: [{ drop: "scratch" }, { dropDatabase: 1 }] }, null, 2);
    const r = lint({ "mongodb/004_x.json": text });
    expect(r.findings.map((f) => [f.rule, !!f.waived])).toEqual([["mongo-drop", true], ["mongo-drop-database", false]]);
    expect(r.blocking).toBe(1);
  });

  it("a waiver without a reason or for an unknown rule is itself an error and waives nothing", () => {
    const r = lint({ "redis/002_x.redis": "# polystore-lint: allow redis-del\n# polystore-lint: allow redis-nope — because\nDEL a" });
    expect(r.findings.map((f) => [f.rule, f.line, !!f.waived])).toEqual([["invalid-waiver", 1, false], ["invalid-waiver", 2, false], ["redis-del", 3, false]]);
    expect(r.findings[0]!.message).toBe("waiver for redis-del has no reason (write: polystore-lint: allow redis-del — <why this is safe>)");
    expect(r.blocking).toBe(3);
  });
});

describe("--base (append-only history) in a temp git repo", () => {
  function repo(files: Record<string, string>): string {
    const root = tree(files);
    const git = (...args: string[]) => execFileSync("git", args, { cwd: root, stdio: "pipe" });
    git("init", "-q", "-b", "main");
    git("-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-q", "--allow-empty", "-m", "empty");
    git("add", "-A");
    git("-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-q", "-m", "base");
    return root;
  }
  const base = { "postgres/001_a.sql": "CREATE TABLE a (x int);\n", "postgres/003_c.sql": "CREATE TABLE c (x int);\n", "redis/001_k.redis": "HSET k v 1\n" };

  it("an unchanged tree plus a new higher script is clean", () => {
    const root = repo(base);
    writeFileSync(join(root, "postgres/004_d.sql"), "CREATE TABLE d (x int);\n");
    expect(lint({}, "main", root).findings).toEqual([]);
  });

  it("flags an edited and a removed applied script, and a new script numbered below the highest", () => {
    const root = repo(base);
    writeFileSync(join(root, "postgres/001_a.sql"), "CREATE TABLE a (x int, y int);\n");
    unlinkSync(join(root, "redis/001_k.redis"));
    writeFileSync(join(root, "postgres/002_b.sql"), "CREATE TABLE b (x int);\n");
    const f = lint({}, "main", root).findings;
    expect(f.map((x) => [x.file, x.rule])).toEqual([
      ["postgres/001_a.sql", "history-applied-edited"],
      ["postgres/002_b.sql", "history-out-of-order"],
      ["redis/001_k.redis", "history-applied-removed"],
    ]);
    expect(f[1]!.message).toBe("new script 002_b.sql is numbered below 3, the highest at main; renumber it above 3");
  });

  it("a CRLF checkout of an applied script is not an edit", () => {
    const root = repo(base);
    writeFileSync(join(root, "postgres/001_a.sql"), "CREATE TABLE a (x int);\r\n");
    expect(lint({}, "main", root).findings).toEqual([]);
  });

  it("an unknown ref is a usage error of the CLI (exit 2)", () => {
    const root = repo(base);
    let err = "";
    expect(runLint(["--scripts-root", root, "--base", "no-such-ref"], () => undefined, (s) => (err += s))).toBe(2);
    expect(err).toContain("--base no-such-ref: not a commit in the git repository holding");
  });
});

describe("npm run migrate -- lint (CLI)", () => {
  const run = (args: string[]) => {
    let out = "";
    const code = runLint(args, (s) => (out += s), (s) => (out += s));
    return { code, out };
  };

  it("the shipped init-scripts pass", () => {
    const { code, out } = run([]);
    expect(out).toContain("0 not waived");
    expect(code).toBe(0);
  });

  it("one destructive script per engine added to a copy of init-scripts: exit 1 naming each file", () => {
    const root = mkdtempSync(join(tmpdir(), "polystore-lint-shipped-"));
    dirs.push(root);
    const scripts = join(root, "init-scripts");
    cpSync(join(defaultScriptsDir("postgres"), ".."), scripts, { recursive: true });
    const bad: Record<StoreKind, string> = {
      postgres: "ALTER TABLE articles DISABLE ROW LEVEL SECURITY;",
      clickhouse: "TRUNCATE TABLE ${DATABASE}.telemetry_events;",
      neo4j: "MATCH (p:PowerSource) DETACH DELETE p;",
      mongodb: mongo({ drop: "content_drafts" }),
      elasticsearch: es("DELETE", "/articles-000001"),
      redis: "FLUSHALL",
    };
    for (const [store, text] of Object.entries(bad)) writeFileSync(join(scripts, store, `099_destructive${EXT[store as StoreKind]}`), text);
    const { code, out } = run(["--scripts-root", scripts]);
    expect(code).toBe(1);
    for (const store of Object.keys(bad)) expect(out).toMatch(new RegExp(`^init-scripts/${store}/099_destructive\\${EXT[store as StoreKind]}:\\d+  error  `, "m"));
    const summary = out.trim().split("\n").pop()!;
    expect(summary).toMatch(/7 error\(s\) \(6 not waived\)/);
  });

  it("--format json and --help; a bad option is exit 2 with the usage", () => {
    const json = JSON.parse(run(["--format", "json", "--store", "redis"]).out);
    expect(json).toMatchObject({ scripts: 1, blocking: 0, findings: [], waivers: [] });
    expect(run(["--help"])).toMatchObject({ code: 0 });
    const bad = run(["--format", "xml", "--store", "oracle"]);
    expect(bad.code).toBe(2);
    expect(bad.out).toContain("--store oracle: unknown store (expected postgres, redis, mongodb, elasticsearch, clickhouse, neo4j)\n--format xml: expected text, json or sarif");
  });
});
