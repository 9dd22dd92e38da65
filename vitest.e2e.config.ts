import { defineConfig } from "vitest/config";

// `npm run test:e2e`: the real Pulumi CLI and engine (built by test/e2e/setup-pulumi.sh),
// file:// backends in temp folders. Files run one at a time: each test drives
// `pulumi up`/`destroy` in its project directory.
// test/e2e/global-setup.ts runs once for all files: it builds (or finds cached) the
// Pulumi CLI, installs the engines, and starts the stores the e2e stack points at
// (PostgreSQL, Redis, FerretDB, Elasticsearch, Neo4j; port offset
// $POLYSTORE_E2E_PORT_OFFSET, default 400), provided as inject("e2eConnections").
// If any of that fails, the run fails: nothing is skipped.
export default defineConfig({
  test: {
    include: ["test/e2e/**/*.test.ts"],
    globalSetup: ["test/e2e/global-setup.ts"],
    // A cold build of the Pulumi CLI (first run on a fresh machine) happens in the global setup
    // (and review.test.ts's beforeAll, a cached no-op by then).
    hookTimeout: 45 * 60_000,
    testTimeout: 15 * 60_000,
    teardownTimeout: 120_000,
    pool: "forks",
    fileParallelism: false,
    maxWorkers: 1,
    reporters: ["default", ["json", { outputFile: "test-results/e2e.json" }]],
  },
});
