import { describe, expect, it } from "vitest";
import { DEFAULT_TEMPLATE, parseArgs } from "../../../stacks/review/args";
import { EXIT, UsageError } from "../../../stacks/review/errors";

/** The UsageError parseArgs throws (fails the test if it does not throw one). */
function usageError(argv: string[]): UsageError {
  try {
    parseArgs(argv);
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return err as UsageError;
  }
  throw new Error(`parseArgs(${JSON.stringify(argv)}) did not throw`);
}

describe("review CLI arguments", () => {
  it("parses up with defaults and options in both spellings", () => {
    expect(parseArgs(["up", "--pr", "42"])).toEqual({ command: "up", pr: 42, ttl: "72h", ttlMs: 72 * 3_600_000, base: DEFAULT_TEMPLATE, summaryFile: undefined });
    expect(parseArgs(["up", "--pr=#7", "--ttl=30m", "--base", "t.yaml", "--summary-file", "s.md"])).toEqual({
      command: "up",
      pr: 7,
      ttl: "30m",
      ttlMs: 30 * 60_000,
      base: "t.yaml",
      summaryFile: "s.md",
    });
  });

  it("parses down, list, gc and help", () => {
    expect(parseArgs(["down", "--pr", "3"])).toEqual({ command: "down", pr: 3 });
    expect(parseArgs(["list"])).toEqual({ command: "list", json: false });
    expect(parseArgs(["list", "--json"])).toEqual({ command: "list", json: true });
    expect(parseArgs(["gc", "--dry-run"])).toEqual({ command: "gc", dryRun: true, json: false });
    expect(parseArgs([])).toEqual({ command: "help" });
    expect(parseArgs(["up", "--help"])).toEqual({ command: "help" });
  });

  it("rejects a missing PR (exit code 2)", () => {
    const err = usageError(["up"]);
    expect(err.exitCode).toBe(EXIT.usage);
    expect(err.problems).toEqual([expect.stringMatching(/^--pr: required/)]);
    expect(usageError(["down"]).problems).toEqual([expect.stringMatching(/^--pr: required/)]);
  });

  it("rejects a non-numeric PR and a PR flag without value", () => {
    expect(usageError(["up", "--pr", "abc"]).problems).toEqual([expect.stringContaining('got "abc"')]);
    expect(usageError(["down", "--pr", "-4"]).problems).toEqual([expect.stringMatching(/^--pr: expected a pull request number/)]);
    expect(usageError(["up", "--pr", "--ttl", "3h"]).problems).toEqual(["--pr: expected a value"]);
  });

  it("rejects a malformed or out-of-range TTL", () => {
    expect(usageError(["up", "--pr", "1", "--ttl", "3 days"]).problems).toEqual([expect.stringMatching(/^--ttl: expected a whole number/)]);
    expect(usageError(["up", "--pr", "1", "--ttl", "60d"]).problems).toEqual([expect.stringMatching(/^--ttl: expected at most 30d/)]);
  });

  it("reports every problem at once", () => {
    const err = usageError(["up", "--pr", "x1", "--ttl", "1w", "--colour", "red", "stray", "--base="]);
    expect(err.problems).toHaveLength(5);
    expect(err.message).toContain("--colour: unknown option for up");
    expect(err.message).toContain('unexpected argument "stray"');
    expect(err.message).toContain("--base: expected a template stack file path");
  });

  it("rejects unknown commands, unknown options, repeated options and values on boolean flags", () => {
    expect(usageError(["deploy"]).message).toMatch(/Unknown command "deploy"/);
    expect(usageError(["list", "--pr", "3"]).problems).toEqual([expect.stringMatching(/^--pr: unknown option for list/)]);
    expect(usageError(["down", "--pr", "3", "--pr", "4"]).problems).toEqual(["--pr: given more than once"]);
    expect(usageError(["gc", "--dry-run=yes"]).problems).toEqual(["--dry-run: takes no value"]);
  });
});

describe("review up --seed", () => {
  it("takes a snapshot name and refuses anything else", () => {
    expect(parseArgs(["up", "--pr", "7", "--seed", "demo"])).toMatchObject({ command: "up", pr: 7, seed: "demo" });
    expect(() => parseArgs(["up", "--pr", "7", "--seed", "../etc"])).toThrow('--seed: expected a snapshot name (letters, digits, "-" and "_"), got "../etc"');
  });
});
