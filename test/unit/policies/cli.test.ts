/** `npm run policy:check`: arguments, exit codes and what it prints on bad input. */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { parseArgs, policyConfigFor, UsageError } from "../../../policies/check";
import { readStackFile, SECRET_PLACEHOLDER, stackFilesIn } from "../../../policies/offline/stackfile";

const ROOT = path.resolve(__dirname, "../../..");
const run = (...args: string[]) => spawnSync(process.execPath, ["--import", "tsx", "policies/check.ts", ...args], { cwd: ROOT, encoding: "utf8" });

describe("policy:check arguments", () => {
  it("--stack, --stack-file and --all select stack files", () => {
    expect(parseArgs(["--stack", "dev"]).files).toEqual([path.join(ROOT, "Pulumi.dev.yaml")]);
    expect(parseArgs(["--stack-file", "test/fixtures/Pulumi.broken.yaml"]).files).toEqual([path.join(ROOT, "test/fixtures/Pulumi.broken.yaml")]);
    expect(parseArgs(["--all"]).files).toEqual(stackFilesIn(ROOT));
    expect(parseArgs(["--all"]).files).toContain(path.join(ROOT, "Pulumi.dev.yaml"));
  });

  it.each([
    [[], /give --stack <name>, --stack-file <file> or --all/],
    [["--stack"], /--stack needs a value/],
    [["--stack", "nope"], /no stack file Pulumi\.nope\.yaml .*\(stacks: .*dev/],
    [["--all", "--verbose"], /unknown argument --verbose/],
    [["--stack", "dev", "--policy-config", "missing.json"], /no such policy config file: .*missing\.json/],
  ])("rejects %j", (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(UsageError);
    expect(() => parseArgs(argv)).toThrow(message);
  });

  it("uses policy-config.<stack>.json when present, else policy-config.json", () => {
    expect(policyConfigFor(path.join(ROOT, "Pulumi.dev.yaml"))).toBe(
      fs.existsSync(path.join(ROOT, "policies/policy-config.dev.json")) ? path.join(ROOT, "policies/policy-config.dev.json") : path.join(ROOT, "policies/policy-config.json"),
    );
    expect(policyConfigFor("/elsewhere/Pulumi.nosuchstack.yaml")).toBe(path.join(ROOT, "policies/policy-config.json"));
  });

  it("reads encrypted values and review-template placeholders as secret placeholders", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "polystore-stackfile-"));
    try {
      const file = path.join(dir, "Pulumi.x.yaml");
      fs.writeFileSync(file, 'config:\n  polystore:stores:\n    postgres:\n      database: pr_{{pr}}\n      external:\n        host: "{{env:DB_HOST}}"\n        adminPassword:\n          secure: v1:abc\n  aws:region: eu-west-1\n');
      const sf = readStackFile(file);
      expect(sf.templatePr).toBe(1);
      expect(sf.stack).toBe("review-pr-1");
      expect(sf.polystore.stores).toEqual({ postgres: { database: "pr_1", external: { host: SECRET_PLACEHOLDER, adminPassword: SECRET_PLACEHOLDER } } });
      expect(sf.secretKeys).toEqual(["polystore:stores"]);
      expect(sf.all["aws:region"]).toBe("eu-west-1");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("policy:check exit codes", () => {
  it("exits 2 and prints the ConfigError, naming each key, for an invalid stack file", () => {
    const r = run("--stack-file", "test/fixtures/Pulumi.invalid.yaml");
    expect(r.status).toBe(2);
    expect(r.stdout).toContain("Invalid polystore configuration (2 problems)");
    expect(r.stdout).toContain('polystore:stores.redis.maxmemoryPolicy: expected one of allkeys-lru');
    expect(r.stdout).toContain("polystore:docker.bindAddress: expected an IPv4 or IPv6 address such as 127.0.0.1");
    expect(r.stdout).toContain("1 stack could not be evaluated: test/fixtures/Pulumi.invalid.yaml");
  }, 120_000);

  it("exits 2 on an invalid policy config, listing every problem, before evaluating anything", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "polystore-policy-config-"));
    try {
      const cfg = path.join(dir, "bad.json");
      fs.writeFileSync(cfg, JSON.stringify({ "pinned-images": "strict", "aws-high-availability": { minInstances: 1 } }));
      const r = run("--stack", "dev", "--policy-config", cfg);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain("Invalid policy-pack config");
      expect(r.stderr).toContain('pinned-images: expected one of advisory, mandatory, remediate, disabled, got "strict"');
      expect(r.stderr).toContain("aws-high-availability.minInstances: expected at least 2, got 1");
      expect(r.stdout).toBe("");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it("exits 2 with the usage on bad arguments", () => {
    const r = run("--stack");
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/policy:check: --stack needs a value\nusage: npm run policy:check/);
  }, 120_000);

  it("exits 0 for the dev stack, ending with the summary line", () => {
    const r = run("--stack", "dev");
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout.trimEnd().split("\n").pop()).toMatch(/^37 policies, \d+ resources, 0 mandatory violations, 0 advisory violations$/);
  }, 120_000);

  it("advisory violations alone do not fail the check; --json reports them", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "polystore-policy-config-"));
    try {
      // Every policy advisory: the broken stack still reports its violations, but exits 0.
      const cfg = path.join(dir, "advisory.json");
      fs.writeFileSync(cfg, JSON.stringify({ all: "advisory" }));
      const r = run("--stack-file", "test/fixtures/Pulumi.broken.yaml", "--policy-config", cfg, "--json");
      expect(r.status, r.stderr).toBe(0);
      const report = JSON.parse(r.stdout);
      expect(report.mandatory).toBe(0);
      expect(report.advisory).toBe(5);
      expect(report.results[0].violations.map((v: { policy: string }) => v.policy)).toContain("database-ports-loopback");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
