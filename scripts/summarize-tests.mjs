// Prints one "<suite>: N passed, N failed[, N skipped]" line per vitest JSON report,
// then a total line, so CI logs end with counts whatever the runner's own format.
import { readFileSync, existsSync } from "node:fs";
import { basename } from "node:path";

let passed = 0, failed = 0, skipped = 0;
for (const file of process.argv.slice(2)) {
  if (!existsSync(file)) {
    console.log(`${basename(file, ".json")}: report missing`);
    failed += 1;
    continue;
  }
  const r = JSON.parse(readFileSync(file, "utf8"));
  const p = r.numPassedTests ?? 0, f = (r.numFailedTests ?? 0) + (r.numRuntimeErrorTestSuites ?? 0), s = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  passed += p; failed += f; skipped += s;
  console.log(`${basename(file, ".json")}: ${p} passed, ${f} failed${s ? `, ${s} skipped` : ""}`);
}
console.log(`total: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failed > 0 ? 1 : 0);
