// Summarizes vitest JSON reports and decides whether the run proved anything.
//
//   node scripts/summarize-tests.mjs [--allow FILE] REPORT.json...
//
// Prints one "<suite>: N passed, N failed[, N skipped]" line per report (the suite is the
// report's file name: unit, stores, e2e, load, ...), then "total: N passed, N failed[, N skipped]";
// CI tooling reads those lines. Exits 1 (stacks/cli/exit.ts: an operation failed) when
//   - a report is missing, unreadable, or holds no test at all;
//   - a test failed, or a suite failed (numFailedTestSuites, a file whose status is "failed" or
//     that carries an error message: a failed beforeAll or an import error makes vitest report
//     the file's tests as skipped, not failed);
//   - a test was skipped / todo / pending and is not on the allow-list (default
//     test/allowed-skips.json: [{ suite, test, reason }], `test` being vitest's full name,
//     i.e. the describe titles and the test title joined by spaces, matched exactly);
//   - an allow-list entry of a suite whose report was read matches no skipped test (a stale
//     entry: the skip it excused is gone or was renamed, so the list no longer tells the truth).
// Every unexpected skip, failed suite and stale entry is printed by name. Exit 2: bad usage or
// a malformed allow-list.
import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const USAGE = "usage: node scripts/summarize-tests.mjs [--allow FILE] REPORT.json...";
const NOT_RUN = new Set(["skipped", "pending", "todo", "disabled"]);

function usage(message) {
  console.error(message ? `summarize-tests: ${message}\n${USAGE}` : USAGE);
  process.exit(2);
}

const args = process.argv.slice(2);
if (args.includes("--help") || args.includes("-h")) {
  console.log(USAGE);
  process.exit(0);
}
let allowFile = join(dirname(fileURLToPath(import.meta.url)), "..", "test", "allowed-skips.json");
const reports = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--allow") {
    allowFile = args[++i] ?? usage("--allow needs a file");
  } else if (args[i].startsWith("-")) {
    usage(`unknown option ${args[i]}`);
  } else {
    reports.push(args[i]);
  }
}
if (reports.length === 0) usage("no report given");

/** The allow-list, validated: every problem at once, naming the entry and key. */
function loadAllowList(file) {
  if (!existsSync(file)) usage(`allow-list ${file} does not exist`);
  let list;
  try {
    list = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    usage(`allow-list ${file} is not JSON: ${e.message}`);
  }
  if (!Array.isArray(list)) usage(`allow-list ${file}: expected an array of { suite, test, reason }`);
  const problems = [];
  list.forEach((e, i) => {
    for (const key of ["suite", "test", "reason"]) {
      if (typeof e?.[key] !== "string" || e[key].trim() === "") problems.push(`${file}: entry ${i}: "${key}" must be a non-empty string`);
    }
  });
  if (problems.length) usage(problems.join("\n"));
  return list;
}

const allowed = loadAllowList(allowFile);
const problems = [];
let passed = 0, failed = 0, skipped = 0;
const suitesRead = new Set();
const skipsSeen = new Set(); // "suite\0full name"

for (const file of reports) {
  const suite = basename(file, ".json");
  if (!existsSync(file)) {
    console.log(`${suite}: report missing`);
    problems.push(`${suite}: report missing (${file}): the suite did not run or crashed before writing it`);
    failed += 1;
    continue;
  }
  let r;
  try {
    r = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    console.log(`${suite}: report unreadable`);
    problems.push(`${suite}: report ${file} is not JSON: ${e.message}`);
    failed += 1;
    continue;
  }
  suitesRead.add(suite);
  const files = Array.isArray(r.testResults) ? r.testResults : [];
  const tests = files.flatMap((f) => (f.assertionResults ?? []).map((t) => ({ ...t, file: f.name })));
  const p = tests.filter((t) => t.status === "passed").length;
  const failedTests = tests.filter((t) => t.status === "failed");
  const notRun = tests.filter((t) => NOT_RUN.has(t.status) || (t.status !== "passed" && t.status !== "failed"));
  // A file that failed without a failed test (import error, failed beforeAll/afterAll) counts once.
  const failedFiles = files.filter((f) => f.status === "failed" || (typeof f.message === "string" && f.message !== ""));
  const suiteOnlyFailures = failedFiles.filter((f) => !(f.assertionResults ?? []).some((t) => t.status === "failed"));
  const f = failedTests.length + suiteOnlyFailures.length;
  passed += p;
  failed += f;
  skipped += notRun.length;
  console.log(`${suite}: ${p} passed, ${f} failed${notRun.length ? `, ${notRun.length} skipped` : ""}`);

  for (const t of failedTests) problems.push(`${suite}: failed test: ${t.fullName}`);
  for (const file of failedFiles) {
    const hasFailedTest = (file.assertionResults ?? []).some((t) => t.status === "failed");
    const first = (file.message || (hasFailedTest ? "one or more tests failed" : "a suite failed outside its tests (a beforeAll/afterAll hook?)")).split("\n")[0];
    problems.push(`${suite}: failed file ${file.name}: ${first}`);
  }
  if ((r.numFailedTestSuites ?? 0) > 0 && failedFiles.length === 0) {
    problems.push(`${suite}: the report counts ${r.numFailedTestSuites} failed suite(s) (numFailedTestSuites)`);
  }
  if (r.success === false && failedFiles.length === 0 && failedTests.length === 0) {
    problems.push(`${suite}: the report says success: false`);
  }
  if (tests.length === 0) problems.push(`${suite}: the report holds no test (${files.length} file(s))`);
  for (const t of notRun) {
    const name = t.fullName ?? [...(t.ancestorTitles ?? []), t.title].join(" ");
    skipsSeen.add(`${suite}\0${name}`);
    if (!allowed.some((a) => a.suite === suite && a.test === name)) {
      problems.push(`${suite}: unexpected ${t.status} test (not in test/allowed-skips.json): ${name} [${t.file}]`);
    }
  }
}

for (const a of allowed) {
  if (suitesRead.has(a.suite) && !skipsSeen.has(`${a.suite}\0${a.test}`)) {
    problems.push(`${a.suite}: stale allow-list entry (no such skipped test in this run; remove or rename it): ${a.test}`);
  }
}

console.log(`total: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
for (const p of problems) console.log(`FAIL ${p}`);
process.exit(problems.length > 0 || failed > 0 ? 1 : 0);
