/**
 * Every command users run answers --help with its usage on stdout and exit 0, and follows one
 * exit-code convention (stacks/cli/exit.ts): 2 usage, 3 environment not ready.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { notReadyHint } from "../../../components/init/connections";

const ROOT = resolve(__dirname, "../../..");
const TSX = join(ROOT, "node_modules", ".bin", "tsx");

/** The entry point each npm script runs, read from package.json so a renamed script is caught. */
function entry(script: string): string {
  const pkg = require(join(ROOT, "package.json")) as { scripts: Record<string, string> };
  const cmd = pkg.scripts[script];
  expect(cmd, `package.json has no "${script}" script`).toBeDefined();
  const m = /^tsx (\S+\.ts)$/.exec(cmd!);
  expect(m, `"${script}" is not "tsx <file>.ts": ${cmd}`).not.toBeNull();
  return m![1]!;
}

/** A PATH with node (and tsx's needs) but no `pulumi`. */
const scratch = mkdtempSync(join(tmpdir(), "polystore-cli-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const noPulumiPath = [dirname(process.execPath), "/usr/bin", "/bin"].join(":");

function run(script: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(TSX, [entry(script), ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, PULUMI_CLI_ROOT: "", ...env },
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("--help on every command", { timeout: 120_000 }, () => {
  for (const script of ["migrate", "health", "policy:check", "review", "bench", "backup", "restore", "snapshot"]) {
    it(`npm run ${script} -- --help prints its usage and exits 0`, () => {
      const r = run(script, ["--help"]);
      expect(r.stderr).not.toMatch(/unknown option/i);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/usage:/i);
      expect(r.stdout).toMatch(/exit codes?/i);
    });
  }

  it("migrate's help documents the --connections file with a complete example", () => {
    const r = run("migrate", ["--help"]);
    expect(r.stdout).toContain('"kind": "postgres"');
    expect(r.stdout).toContain('"admin": {');
    expect(r.stdout).toContain('"app":   {');
  });
});

describe("exit codes", { timeout: 120_000 }, () => {
  it("a usage error exits 2 and points at --help", () => {
    const r = run("migrate", ["frobnicate", "--stack", "dev"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown command "frobnicate"');
    expect(r.stderr).toContain("--help");
  });

  for (const script of ["migrate", "health"]) {
    it(`${script} without a Pulumi CLI says what is missing and how to get it, and exits 3`, () => {
      const args = script === "migrate" ? ["status", "--stack", "dev"] : ["--stack", "dev"];
      const r = run(script, args, { PATH: noPulumiPath });
      expect(r.code).toBe(3);
      expect(r.stderr).toContain("the Pulumi CLI is not installed");
      expect(r.stderr).toContain("npm run setup:pulumi");
      expect(r.stderr).toContain("--connections <file.json>");
      expect(r.stderr).not.toContain("ENOENT");
    });
  }

  it("the Pulumi CLI's 'no stack' / login / passphrase failures map to a hint (and exit 3)", () => {
    // The texts are the real CLI's messages (pulumi v3.248.0); test/e2e checks the whole path with the real CLI.
    expect(notReadyHint("error: no stack named 'nosuch' found", "nosuch")).toContain('no stack "nosuch" in the current backend');
    expect(notReadyHint("error: PULUMI_ACCESS_TOKEN must be set for login during non-interactive CLI sessions", "dev")).toContain("pulumi login --local");
    expect(notReadyHint("error: passphrase must be set with PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE", "dev")).toContain("PULUMI_CONFIG_PASSPHRASE");
    expect(notReadyHint("error: current stack does not have output property 'connections'", "dev")).toContain("run `pulumi up --stack dev` first");
    expect(notReadyHint("error: an unexpected failure", "dev")).toBeUndefined();
  });
});
