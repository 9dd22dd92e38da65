import { defineConfig } from "vitest/config";

// `npm run test:e2e`: the real Pulumi CLI and engine (built by test/e2e/setup-pulumi.sh),
// file:// backends in temp folders. Files run one at a time: each test drives
// `pulumi up`/`destroy` in the project directory.
export default defineConfig({
  test: {
    include: ["test/e2e/**/*.test.ts"],
    // A cold build of the Pulumi CLI (first run on a fresh machine) happens in a beforeAll.
    hookTimeout: 45 * 60_000,
    testTimeout: 15 * 60_000,
    pool: "forks",
    fileParallelism: false,
    maxWorkers: 1,
    reporters: ["default", ["json", { outputFile: "test-results/e2e.json" }]],
  },
});
