import { defineConfig } from "vitest/config";

// `npm test`: unit tests under Pulumi mocks; no store, no Pulumi CLI needed.
export default defineConfig({
  test: {
    include: ["test/unit/**/*.test.ts", "policies/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    reporters: ["default", ["json", { outputFile: "test-results/unit.json" }]],
  },
});
