/**
 * scripts/summarize-tests.mjs, run as CI runs it (a child `node` process) on vitest JSON
 * reports written here in the shape vitest 4's json reporter writes them.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT } from "../../util/stack";

const SCRIPT = join(ROOT, "scripts", "summarize-tests.mjs");
const dir = mkdtempSync(join(tmpdir(), "polystore-summary-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Status = "passed" | "failed" | "skipped" | "pending" | "todo";
interface FileSpec {
  name: string;
  /** [describe titles..., test title, status] */
  tests: Array<[string[], string, Status]>;
  /** A file-level error (failed beforeAll, import error). */
  message?: string;
}

/** A report as vitest's json reporter writes it (counts derived from the tests, as vitest does). */
function report(files: FileSpec[]): unknown {
  const all = files.flatMap((f) => f.tests);
  const count = (...s: Status[]) => all.filter((t) => s.includes(t[2])).length;
  const failedFiles = files.filter((f) => f.message || f.tests.some((t) => t[2] === "failed")).length;
  return {
    numTotalTestSuites: files.length,
    numPassedTestSuites: files.length - failedFiles,
    numFailedTestSuites: failedFiles,
    numPendingTestSuites: 0,
    numTotalTests: all.length,
    numPassedTests: count("passed"),
    numFailedTests: count("failed"),
    numPendingTests: count("skipped", "pending"),
    numTodoTests: count("todo"),
    startTime: 0,
    success: failedFiles === 0,
    testResults: files.map((f) => ({
      assertionResults: f.tests.map(([ancestors, title, status]) => ({
        ancestorTitles: ancestors, fullName: [...ancestors, title].join(" "), status, title, failureMessages: [],
      })),
      startTime: 0,
      endTime: 1,
      status: f.message || f.tests.some((t) => t[2] === "failed") ? "failed" : "passed",
      message: f.message ?? "",
      name: `/repo/test/${f.name}`,
    })),
  };
}

let n = 0;
/** Writes the reports (suite name → report) and the allow-list, runs the script on them. */
function summarize(reports: Record<string, unknown>, allow: unknown[] = [], extra: string[] = []) {
  const run = join(dir, `run-${++n}`);
  const paths = Object.entries(reports).map(([suite, r]) => {
    const p = join(dir, `${n}-${suite}`, `${suite}.json`);
    if (r !== undefined) {
      mkdirSync(join(dir, `${n}-${suite}`), { recursive: true });
      writeFileSync(p, JSON.stringify(r));
    }
    return p;
  });
  writeFileSync(`${run}-allow.json`, JSON.stringify(allow));
  const res = spawnSync(process.execPath, [SCRIPT, "--allow", `${run}-allow.json`, ...paths, ...extra], { encoding: "utf8" });
  return { code: res.status, out: res.stdout, err: res.stderr };
}

const green = (name = "a.test.ts") => ({ name, tests: [[["math"], "adds", "passed"], [["math"], "subtracts", "passed"]] as FileSpec["tests"] });

describe("scripts/summarize-tests.mjs", () => {
  it("passes a clean run and keeps the per-suite and total count lines", () => {
    const r = summarize({ unit: report([green()]), e2e: report([green("b.test.ts")]) });
    expect(r.out.split("\n").filter(Boolean)).toEqual(["unit: 2 passed, 0 failed", "e2e: 2 passed, 0 failed", "total: 4 passed, 0 failed"]);
    expect(r.code).toBe(0);
  });

  it("fails a suite whose beforeAll failed although vitest reports its tests as skipped, naming the file", () => {
    const broken: FileSpec = { name: "store.test.ts", message: "connect ECONNREFUSED 127.0.0.1:5432", tests: [[["pg"], "applies", "skipped"], [["pg"], "repairs", "skipped"]] };
    const r = summarize({ stores: report([green(), broken]) }, [
      { suite: "stores", test: "pg applies", reason: "x" }, { suite: "stores", test: "pg repairs", reason: "x" },
    ]);
    expect(r.code).toBe(1);
    expect(r.out).toContain("stores: 2 passed, 1 failed, 2 skipped");
    expect(r.out).toContain("FAIL stores: failed file /repo/test/store.test.ts: connect ECONNREFUSED 127.0.0.1:5432");
  });

  it("fails on numFailedTestSuites even when no file says why", () => {
    const r = summarize({ unit: { ...(report([green()]) as object), numFailedTestSuites: 1, success: false } });
    expect(r.code).toBe(1);
    expect(r.out).toContain("FAIL unit: the report counts 1 failed suite(s) (numFailedTestSuites)");
  });

  it("fails on a failed test and names it", () => {
    const r = summarize({ unit: report([{ name: "a.test.ts", tests: [[["math"], "adds", "failed"]] }]) });
    expect(r.code).toBe(1);
    expect(r.out).toContain("unit: 0 passed, 1 failed");
    expect(r.out).toContain("FAIL unit: failed test: math adds");
  });

  it("fails on a skip, todo or pending test that is not on the allow-list, naming each", () => {
    const r = summarize({
      unit: report([{ name: "a.test.ts", tests: [[["math"], "adds", "passed"], [["math", "edge"], "divides by zero", "skipped"], [[], "later", "todo"], [["x"], "queued", "pending"]] }]),
    });
    expect(r.code).toBe(1);
    expect(r.out).toContain("unit: 1 passed, 0 failed, 3 skipped");
    expect(r.out).toContain("total: 1 passed, 0 failed, 3 skipped");
    expect(r.out).toContain("FAIL unit: unexpected skipped test (not in test/allowed-skips.json): math edge divides by zero [/repo/test/a.test.ts]");
    expect(r.out).toContain("FAIL unit: unexpected todo test (not in test/allowed-skips.json): later");
    expect(r.out).toContain("FAIL unit: unexpected pending test (not in test/allowed-skips.json): x queued");
  });

  it("passes a skip that is on the allow-list for that suite, by exact full name only", () => {
    const skip: FileSpec = { name: "m.test.ts", tests: [[["mongodb init scripts"], "validators", "skipped"], [["mongodb init scripts"], "indexes", "passed"]] };
    const allow = [{ suite: "stores", test: "mongodb init scripts validators", reason: "FerretDB has none" }];
    const ok = summarize({ stores: report([skip]) }, allow);
    expect(ok.out).not.toContain("FAIL");
    expect(ok.out).toContain("stores: 1 passed, 0 failed, 1 skipped");
    expect(ok.code).toBe(0);
    // The same test name in another suite is not excused, nor a near-identical name.
    expect(summarize({ e2e: report([skip]) }, allow).code).toBe(1);
    expect(summarize({ stores: report([skip]) }, [{ ...allow[0], test: "mongodb init scripts validator" }]).code).toBe(1);
  });

  it("fails on a stale allow-list entry of a suite that ran, and ignores entries of suites not given", () => {
    const allow = [{ suite: "stores", test: "gone test", reason: "was skipped once" }, { suite: "load", test: "some load skip", reason: "r" }];
    const r = summarize({ stores: report([green()]) }, allow);
    expect(r.code).toBe(1);
    expect(r.out).toContain("FAIL stores: stale allow-list entry (no such skipped test in this run; remove or rename it): gone test");
    expect(r.out).not.toContain("some load skip");
  });

  it("fails on a missing report, an unreadable one and one without tests, and still prints the totals", () => {
    const r = summarize({ unit: report([green()]), stores: undefined, e2e: report([]) });
    expect(r.code).toBe(1);
    expect(r.out).toContain("stores: report missing");
    expect(r.out).toContain("FAIL e2e: the report holds no test (0 file(s))");
    expect(r.out).toContain("total: 2 passed, 1 failed");
    const bad = join(dir, "load.json");
    writeFileSync(bad, "{ not json");
    const u = spawnSync(process.execPath, [SCRIPT, "--allow", join(ROOT, "test", "allowed-skips.json"), bad], { encoding: "utf8" });
    expect(u.status).toBe(1);
    expect(u.stdout).toContain("load: report unreadable");
  });

  it("accepts any number of reports and names the suite after the file (e.g. a load suite)", () => {
    const r = summarize({ unit: report([green()]), stores: report([green()]), e2e: report([green()]), load: report([green()]) });
    expect(r.out).toContain("load: 2 passed, 0 failed");
    expect(r.out).toContain("total: 8 passed, 0 failed");
    expect(r.code).toBe(0);
  });

  it("answers --help with usage (exit 0), and refuses no report or a malformed allow-list (exit 2, every problem named)", () => {
    const help = spawnSync(process.execPath, [SCRIPT, "--help"], { encoding: "utf8" });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain("usage: node scripts/summarize-tests.mjs");
    expect(spawnSync(process.execPath, [SCRIPT], { encoding: "utf8" }).status).toBe(2);
    const r = summarize({ unit: report([green()]) }, [{ suite: "unit", test: "" }, { suite: "unit", test: "t", reason: "r" }]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('entry 0: "test" must be a non-empty string');
    expect(r.err).toContain('entry 0: "reason" must be a non-empty string');
    expect(r.err).not.toContain("entry 1");
  });

  it("the repository's allow-list is well-formed: known suites, a reason each, no duplicates", () => {
    const list = JSON.parse(readFileSync(join(ROOT, "test", "allowed-skips.json"), "utf8")) as Array<{ suite: string; test: string; reason: string }>;
    expect(list.length).toBeGreaterThan(0);
    for (const e of list) {
      expect(["unit", "stores", "e2e", "load"]).toContain(e.suite);
      expect(e.reason.length).toBeGreaterThan(30);
    }
    expect(new Set(list.map((e) => `${e.suite}\0${e.test}`)).size).toBe(list.length);
  });
});
