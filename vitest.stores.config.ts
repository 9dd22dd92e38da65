import { defineConfig } from "vitest/config";

// `npm run test:stores`: tests against REAL engines started natively on
// loopback by the harness (test/harness/global-setup.ts). The engines take
// ~2.5 GB and, on 2 cores, a minute or two to start; test files run one at a
// time in one forked worker so memory stays bounded and the shared engines
// see one file's load at a time.
export default defineConfig({
  test: {
    include: ["test/stores/**/*.test.ts"],
    globalSetup: ["test/harness/global-setup.ts"],
    pool: "forks",
    fileParallelism: false,
    maxWorkers: 1,
    testTimeout: 120_000,
    hookTimeout: 300_000,
    teardownTimeout: 120_000,
    reporters: ["default", ["json", { outputFile: "test-results/stores.json" }]],
  },
});
