/**
 * The SARIF of `migrate lint --format sarif` and `policy:check --format sarif`
 * validates against the SARIF 2.1.0 JSON schema (the 2.1.0-rtm.5 schema shipped in
 * @microsoft/jest-sarif, draft-04, validated with ajv), names every rule in
 * tool.driver.rules and locates every result in a file and line.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import Ajv04 from "ajv-draft-04";
import addFormats from "ajv-formats";
import { afterAll, describe, expect, it } from "vitest";
import { LINT_RULES } from "../../components/init/lint";
import { POLICIES } from "../../policies/pack";
import { runLint } from "../../stacks/migrate-lint";

const ROOT = resolve(__dirname, "../..");
const schema = require("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json");
// unicodeRegExp: false — the schema's `language` pattern is not valid under the u flag (a stray `]`).
const ajv = new Ajv04({ allErrors: true, strict: false, unicodeRegExp: false });
addFormats(ajv);
const validate = ajv.compile(schema);

type Sarif = { version: string; runs: Array<{ tool: { driver: { rules: Array<{ id: string }> } }; results: Array<Record<string, any>> }> };

function expectValid(log: unknown): Sarif {
  const ok = validate(log);
  expect(ok ? [] : validate.errors).toEqual([]);
  return log as Sarif;
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe("SARIF 2.1.0", () => {
  it("the schema rejects a log missing required parts (the validator can fail)", () => {
    expect(validate({ version: "2.1.0", runs: [{ results: [] }] })).toBe(false);
    expect(validate({ version: "2.0.0", runs: [] })).toBe(false);
  });

  it("migrate lint: valid, every rule listed, findings (waived ones suppressed) located by file and line", () => {
    const scripts = join(mkdtempSync(join(tmpdir(), "polystore-sarif-")), "init-scripts");
    dirs.push(join(scripts, ".."));
    cpSync(join(ROOT, "init-scripts"), scripts, { recursive: true });
    writeFileSync(join(scripts, "postgres", "099_bad.sql"), "SELECT 1;\nTRUNCATE articles;\n-- polystore-lint: allow sql-drop — emptied in PR 7\nDROP TABLE archived_sessions;\n");
    writeFileSync(join(scripts, "redis", "099_bad.redis"), "FLUSHDB\n");
    let out = "";
    expect(runLint(["--scripts-root", scripts, "--format", "sarif"], (s) => (out += s))).toBe(1);
    const log = expectValid(JSON.parse(out));
    const run = log.runs[0]!;
    expect(run.tool.driver.rules.map((r) => r.id)).toEqual(LINT_RULES.map((r) => r.id));
    const located = run.results.map((r) => [r.ruleId, r.locations[0].physicalLocation.artifactLocation.uri, r.locations[0].physicalLocation.region.startLine, !!r.suppressions]);
    expect(located).toEqual([
      // The shipped 004 script's reviewed waiver (dropping the shared counter's sequence).
      ["sql-drop", "init-scripts/postgres/004_tenant_scoped_keys.sql", 54, true],
      ["sql-truncate", "init-scripts/postgres/099_bad.sql", 2, false],
      ["sql-drop", "init-scripts/postgres/099_bad.sql", 4, true],
      ["redis-flush", "init-scripts/redis/099_bad.redis", 1, false],
    ]);
    expect(run.results[2]!.suppressions).toEqual([{ kind: "inSource", justification: "emptied in PR 7" }]);
  });

  it("migrate lint on the shipped tree: valid, and its one result is the reviewed waiver, suppressed", () => {
    let out = "";
    expect(runLint(["--format", "sarif"], (s) => (out += s))).toBe(0);
    const results = expectValid(JSON.parse(out)).runs[0]!.results;
    expect(results.map((r) => [r.ruleId, r.locations[0].physicalLocation.artifactLocation.uri, !!r.suppressions])).toEqual([
      ["sql-drop", "init-scripts/postgres/004_tenant_scoped_keys.sql", true],
    ]);
  });

  it("policy:check: valid, every policy a rule, each violation located in its stack file", () => {
    const r = spawnSync(process.execPath, ["--import", "tsx", "policies/check.ts", "--stack-file", "test/fixtures/Pulumi.broken.yaml", "--format", "sarif"], { cwd: ROOT, encoding: "utf8" });
    expect(r.status, r.stderr).toBe(1);
    const log = expectValid(JSON.parse(r.stdout));
    const run = log.runs[0]!;
    expect(run.tool.driver.rules.map((x) => x.id)).toEqual(POLICIES.map((p) => p.name));
    expect(run.results.length).toBeGreaterThan(0);
    for (const res of run.results) {
      expect(res.level).toBe("error");
      expect(res.locations[0].physicalLocation).toEqual({ artifactLocation: { uri: "test/fixtures/Pulumi.broken.yaml", uriBaseId: "%SRCROOT%" }, region: { startLine: 1 } });
    }
    expect(new Set(run.results.map((x) => x.ruleId))).toEqual(new Set(["connection-secrets-written", "database-ports-loopback", "redis-eviction-policy"]));
  }, 120_000);
});
