import { defineConfig } from "vitest/config";

// `npm run test:load`: each of the six stores under load inside the memory
// limit the dev stack gives its container (a kernel memory cgroup, as Docker's
// --memory), with the dev stack's settings, as the application identity. Each
// test file starts its own engine (one at a time: files run sequentially in
// one forked worker) and removes its cgroup afterwards. Needs root and the
// engines of test/harness/setup.sh (run here unless POLYSTORE_HARNESS_SKIP_SETUP=1).
export default defineConfig({
  test: {
    include: ["test/load/**/*.test.ts"],
    globalSetup: ["test/load/global-setup.ts"],
    pool: "forks",
    fileParallelism: false,
    maxWorkers: 1,
    testTimeout: 240_000,
    hookTimeout: 300_000,
    teardownTimeout: 120_000,
    reporters: ["default", ["json", { outputFile: "test-results/load.json" }]],
  },
});
