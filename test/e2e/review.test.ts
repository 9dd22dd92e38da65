/**
 * `npm run review -- up|list|gc|down` against the real Pulumi CLI and engine
 * (test/e2e/setup-pulumi.sh), with a file:// backend in a temp folder and
 * the passphrase secrets provider. The template has one Redis store on the
 * `external` target with a dummy endpoint, both passwords given (no
 * @pulumi/random plugin needed) and init scripts off, so `up` needs no
 * store and no Docker engine; the real program still runs and writes its
 * `.env` file through the DotEnvFile dynamic provider.
 *
 * The commands run in a temporary copy of the project (node_modules linked), so the
 * Pulumi.review-pr-*.yaml files `up` writes never land in the repository.
 *
 * Without a Pulumi CLI every test FAILS (the e2e global setup builds it): nothing is skipped.
 */
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as yaml from "js-yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "../..");
const PASSPHRASE = "review-e2e-passphrase";
const ADMIN_PW = "AdminPw-e2e-7f3c9a1b";
const APP_PW = "AppPw-e2e-2d8e6b4f";

const BASE = 900_000 + (process.pid % 9_000) * 10;
const PR = { a: BASE + 1, b: BASE + 2, c: BASE + 3, d: BASE + 4 };
const stackOf = (pr: number) => `review-pr-${pr}`;
const stackFile = (pr: number) => path.join(project, `Pulumi.${stackOf(pr)}.yaml`);

let tmp = "";
/** The temporary project copy the commands run in. */
let project = "";
let backend = "";
let template = "";
let envDir = "";
let cli: { ok: true; env: NodeJS.ProcessEnv } | { ok: false; reason: string } = { ok: false, reason: "not checked yet" };

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  /** Index of the stdout chunk in which `firstMatch` first matched, and how many chunks arrived in all. */
  firstMatchChunk?: number;
  chunks: number;
}

/** Runs a command with the e2e environment; resolves with its exit code and output. */
function run(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; firstMatch?: RegExp } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd ?? project, env: opts.env ?? (cli.ok ? cli.env : process.env) });
    let stdout = "";
    let stderr = "";
    let chunks = 0;
    let firstMatchChunk: number | undefined;
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
      chunks += 1;
      if (firstMatchChunk === undefined && opts.firstMatch?.test(stdout)) firstMatchChunk = chunks;
    });
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) =>
      resolve({ code: code ?? -1, stdout, stderr, firstMatchChunk, chunks }),
    );
  });
}

/** `npm run review -- <args>`, the command users run. */
const review = (args: string[], opts: { env?: NodeJS.ProcessEnv; firstMatch?: RegExp } = {}) => run("npm", ["run", "-s", "review", "--", ...args], opts);

/** `pulumi <args>` with the e2e environment. */
const pulumi = (args: string[], cwd = project) => run("pulumi", [...args, "--non-interactive"], { cwd });

/** Stack names in the temp backend, straight from the CLI. */
async function backendStacks(): Promise<string[]> {
  const r = await pulumi(["stack", "ls", "--json"]);
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as Array<{ name: string }>).map((s) => s.name).sort();
}

/** Fails (never skips) when the Pulumi CLI is not available: the e2e global setup builds it. */
function requireCli(): void {
  if (!cli.ok) throw new Error(`Pulumi CLI not available (run: bash test/e2e/setup-pulumi.sh): ${cli.reason}`);
}

/** A copy of the project to run `npm run review` in (its stack files go there), node_modules linked. */
function copyProject(dest: string): void {
  const skip = new Set(["node_modules", ".git", "test-results", ".polystore"]);
  fs.cpSync(ROOT, dest, {
    recursive: true,
    filter: (src) => {
      const rel = path.relative(ROOT, src);
      return !skip.has(rel.split(path.sep)[0]!) && !/^Pulumi\.review-pr-.*\.yaml$/.test(rel);
    },
  });
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dest, "node_modules"));
}

/** Environment of `source test/e2e/pulumi-env.sh`, plus this test's backend and passphrase. */
function pulumiEnv(): NodeJS.ProcessEnv {
  const r = spawnSync("bash", ["-c", `source "${ROOT}/test/e2e/pulumi-env.sh" >/dev/null 2>&1; env -0`], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`pulumi-env.sh failed: ${r.stderr}`);
  const env: NodeJS.ProcessEnv = {};
  for (const entry of r.stdout.split("\0")) {
    const i = entry.indexOf("=");
    if (i > 0) env[entry.slice(0, i)] = entry.slice(i + 1);
  }
  delete env.PULUMI_ACCESS_TOKEN;
  return {
    ...env,
    PULUMI_BACKEND_URL: `file://${backend}`,
    PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
    E2E_REVIEW_APP_PASSWORD: APP_PW,
    NO_COLOR: "1",
  };
}

/** Writes the template: its admin password is a real `secure:` value made by the CLI, the app password comes from {{env:...}}. */
async function writeTemplate(): Promise<void> {
  const scratch = path.join(tmp, "template-src");
  fs.mkdirSync(path.join(scratch, "state"), { recursive: true });
  fs.writeFileSync(path.join(scratch, "Pulumi.yaml"), "name: polystore\nruntime: nodejs\n");
  fs.mkdirSync(path.join(scratch, "home"));
  const env = { ...(cli.ok ? cli.env : {}), PULUMI_BACKEND_URL: `file://${path.join(scratch, "state")}`, PULUMI_HOME: path.join(scratch, "home") };
  for (const args of [
    ["stack", "init", "tmpl", "--secrets-provider", "passphrase", "--no-select"],
    ["config", "set", "--stack", "tmpl", "--path", "--secret", "polystore:stores.redis.external.adminPassword", ADMIN_PW],
  ]) {
    const r = await run("pulumi", [...args, "--non-interactive"], { cwd: scratch, env });
    expect(r.code, r.stderr).toBe(0);
  }
  const made = yaml.load(fs.readFileSync(path.join(scratch, "Pulumi.tmpl.yaml"), "utf8")) as {
    encryptionsalt: string;
    config: { "polystore:stores": { redis: { external: { adminPassword: { secure: string } } } } };
  };
  const secure = made.config["polystore:stores"].redis.external.adminPassword;
  expect(secure.secure).toMatch(/^v1:/);
  const doc = {
    encryptionsalt: made.encryptionsalt,
    config: {
      "polystore:target": "external",
      "polystore:owner": "review-e2e",
      "polystore:initScripts": { enabled: false },
      "polystore:connectionSecrets": { envFile: { path: "review-env/.env.{{stack}}" } },
      "polystore:tags": { "pull-request": "{{pr}}" },
      "polystore:stores": {
        redis: {
          external: {
            host: "127.0.0.1",
            port: 6399,
            tls: false,
            adminUser: "polystore_admin",
            adminPassword: secure,
            appUser: "app_pr_{{pr}}",
            appPassword: "{{env:E2E_REVIEW_APP_PASSWORD}}",
          },
        },
      },
    },
  };
  fs.writeFileSync(template, yaml.dump(doc));
}

/** A copy of the e2e environment to vary. */
const baseEnv = (): NodeJS.ProcessEnv => ({ ...(cli.ok ? cli.env : process.env) });

/** Every output of a run, for secret checks. */
const all = (r: Run) => r.stdout + r.stderr;

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "review-e2e-"));
  backend = path.join(tmp, "backend");
  template = path.join(tmp, "Pulumi.review-e2e.yaml");
  fs.mkdirSync(backend);
  project = path.join(tmp, "project");
  copyProject(project);
  // Inside the project copy: polystore refuses an env file outside the project (polystore:connectionSecrets.envFile.path).
  envDir = path.join(project, "review-env");
  const setup = path.join(ROOT, "test/e2e/setup-pulumi.sh");
  if (!fs.existsSync(setup)) {
    cli = { ok: false, reason: "test/e2e/setup-pulumi.sh does not exist" };
    return;
  }
  const built = await run("bash", [setup], { env: process.env });
  if (built.code !== 0) {
    cli = { ok: false, reason: `setup-pulumi.sh failed (exit ${built.code}): ${built.stderr.trim().split("\n").slice(-3).join(" | ")}` };
    return;
  }
  const env = pulumiEnv();
  const version = spawnSync("pulumi", ["version"], { env, encoding: "utf8" });
  if (version.status !== 0) {
    cli = { ok: false, reason: `pulumi version failed: ${version.stderr || version.error}` };
    return;
  }
  cli = { ok: true, env };
  await writeTemplate();
});

afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe("npm run review (real Pulumi CLI, file:// backend)", () => {
  it("has a Pulumi CLI (fails without one, in CI and locally)", () => {
    requireCli();
    expect(cli.ok).toBe(true);
  });

  it("bad input is a clear error with the right exit code, and nothing is created", async () => {
    requireCli();
    const usage = await review(["up", "--pr", "twelve", "--ttl", "3weeks"]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('--pr: expected a pull request number (digits only, e.g. 42), got "twelve"');
    expect(usage.stderr).toContain("--ttl: expected a whole number followed by m, h or d");

    const missing = await review(["up", "--pr", String(PR.a), "--base", path.join(tmp, "no-such-template.yaml")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/Template stack file .*no-such-template\.yaml not found/);

    const home = fs.mkdtempSync(path.join(tmp, "home-"));
    const loggedOut: NodeJS.ProcessEnv = { ...baseEnv(), PULUMI_HOME: home };
    delete loggedOut.PULUMI_BACKEND_URL;
    const notLoggedIn = await review(["up", "--pr", String(PR.a), "--base", template], { env: loggedOut });
    expect(notLoggedIn.code).toBe(3);
    expect(notLoggedIn.stderr).toContain("The Pulumi backend is not logged in (`pulumi whoami` failed); nothing was created.");

    const noPassphrase = baseEnv();
    delete noPassphrase.PULUMI_CONFIG_PASSPHRASE;
    const np = await review(["up", "--pr", String(PR.a), "--base", template], { env: noPassphrase });
    expect(np.code).toBe(3);
    expect(np.stderr).toContain("no passphrase is set");

    const wrong = await review(["up", "--pr", String(PR.a), "--base", template], { env: { ...baseEnv(), PULUMI_CONFIG_PASSPHRASE: "not-the-one" } });
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).toContain("cannot be decrypted; nothing was created");

    const noEnv = baseEnv();
    delete noEnv.E2E_REVIEW_APP_PASSWORD;
    const unset = await review(["up", "--pr", String(PR.a), "--base", template], { env: noEnv });
    expect(unset.code).toBe(2);
    expect(unset.stderr).toContain("environment variable E2E_REVIEW_APP_PASSWORD is not set");

    for (const r of [usage, missing, notLoggedIn, np, wrong, unset]) expect(all(r)).not.toContain(ADMIN_PW);
    expect(fs.existsSync(stackFile(PR.a))).toBe(false);
    expect(await backendStacks()).toEqual([]);
  });

  it("up creates review-pr-<n>, streams Pulumi's progress and prints a summary without secrets", async () => {
    requireCli();
    const summaryFile = path.join(tmp, "summary.md");
    const r = await review(["up", "--pr", String(PR.a), "--ttl", "72h", "--base", template, "--summary-file", summaryFile], {
      firstMatch: /Updating \(review-pr-/,
    });
    expect(r.code, all(r)).toBe(0);
    // Progress is streamed: Pulumi's "Updating" line came in an earlier chunk than the rest of the
    // output, and comes before the resource summary and polystore's own summary.
    expect(r.firstMatchChunk).toBeDefined();
    expect(r.chunks).toBeGreaterThan(r.firstMatchChunk!);
    expect(r.stdout).toMatch(/Resources:\s+\+ \d+ created/);
    const at = (re: RegExp) => r.stdout.search(re);
    expect(at(/Updating \(review-pr-/)).toBeLessThan(at(/Resources:\s+\+ \d+ created/));
    const summary = fs.readFileSync(summaryFile, "utf8");
    expect(r.stdout).toContain(summary.trim());
    expect(at(/Resources:\s+\+ \d+ created/)).toBeLessThan(r.stdout.lastIndexOf(summary.trim()));
    expect(summary).toContain(`PR #${PR.a}`);
    expect(summary).toContain("| redis | external | `127.0.0.1:6399` |");
    expect(summary).toMatch(/\*\*Expires:\*\* \d{4}-\d\d-\d\d \d\d:\d\d UTC \(in (2d 23h|3d)\)/);
    for (const secret of [ADMIN_PW, APP_PW]) {
      expect(all(r)).not.toContain(secret);
      expect(summary).not.toContain(secret);
    }

    // The stack's own config: template values, secrets encrypted per leaf, review metadata.
    const file = fs.readFileSync(stackFile(PR.a), "utf8");
    expect(file).not.toContain(ADMIN_PW);
    expect(file).not.toContain(APP_PW);
    const cfg = (yaml.load(file) as { config: Record<string, unknown> }).config;
    expect(cfg["polystore-review:pr"]).toBe(String(PR.a));
    expect(cfg["polystore-review:ttl"]).toBe("72h");
    const ext = (cfg["polystore:stores"] as { redis: { appUser: string; external: Record<string, unknown> } }).redis;
    expect(ext.appUser).toBeUndefined();
    expect(ext.external.appUser).toBe(`app_pr_${PR.a}`);
    expect(ext.external.adminPassword).toEqual({ secure: expect.stringMatching(/^v1:/) });
    expect(ext.external.appPassword).toEqual({ secure: expect.stringMatching(/^v1:/) });
    expect(ext.external.host).toBe("127.0.0.1");

    // The program really ran: its .env file holds the app's (not the admin's) credentials, mode 0600.
    const envFile = path.join(envDir, `.env.${stackOf(PR.a)}`);
    expect(fs.statSync(envFile).mode & 0o777).toBe(0o600);
    const envText = fs.readFileSync(envFile, "utf8");
    expect(envText).toContain(APP_PW);
    expect(envText).not.toContain(ADMIN_PW);

    // Decrypted by the real CLI, the stack holds the template's secrets.
    const got = await pulumi(["config", "get", "--path", "polystore:stores.redis.external.adminPassword", "--stack", stackOf(PR.a)]);
    expect(got.stdout.trim()).toBe(ADMIN_PW);
    expect(await backendStacks()).toEqual([stackOf(PR.a)]);
  });

  it("up again, from a checkout without the stack file, updates the same stack and keeps its creation time", async () => {
    requireCli();
    const before = (yaml.load(fs.readFileSync(stackFile(PR.a), "utf8")) as { config: Record<string, string> }).config;
    fs.rmSync(stackFile(PR.a));
    const r = await review(["up", "--pr", String(PR.a), "--ttl", "7d", "--base", template]);
    expect(r.code, all(r)).toBe(0);
    expect(r.stdout).toMatch(/\d+ unchanged/);
    expect(r.stdout).not.toMatch(/\+ \d+ created/);
    expect(await backendStacks()).toEqual([stackOf(PR.a)]);
    const after = (yaml.load(fs.readFileSync(stackFile(PR.a), "utf8")) as { config: Record<string, string> }).config;
    expect(after["polystore-review:createdAt"]).toBe(before["polystore-review:createdAt"]);
    expect(new Date(after["polystore-review:expiresAt"]).getTime()).toBeGreaterThan(new Date(before["polystore-review:expiresAt"]).getTime());
    expect(after["polystore-review:ttl"]).toBe("7d");
  });

  it("list shows PR, age, expiry and state; gc destroys only expired stacks, goes on past a failure and exits 1", async () => {
    requireCli();
    // B: a real review stack whose expiry has passed.
    const upB = await review(["up", "--pr", String(PR.b), "--ttl", "30m", "--base", template]);
    expect(upB.code, all(upB)).toBe(0);
    const past = new Date(Date.now() - 60_000).toISOString();
    expect((await pulumi(["config", "set", "--plaintext", "polystore-review:expiresAt", past, "--stack", stackOf(PR.b)])).code).toBe(0);
    // C: a real expired review stack whose resources are protected (`pulumi state protect`), so
    // its destroy really fails. D: an expired stack without resources.
    const upC = await review(["up", "--pr", String(PR.c), "--ttl", "30m", "--base", template]);
    expect(upC.code, all(upC)).toBe(0);
    expect((await pulumi(["stack", "init", stackOf(PR.d), "--no-select"])).code).toBe(0);
    for (const pr of [PR.c, PR.d]) {
      expect((await pulumi(["config", "set", "--plaintext", "polystore-review:expiresAt", past, "--stack", stackOf(pr)])).code).toBe(0);
    }
    const exported = await pulumi(["stack", "export", "--stack", stackOf(PR.c)]);
    expect(exported.code, exported.stderr).toBe(0);
    const urns = (JSON.parse(exported.stdout) as { deployment: { resources?: Array<{ urn: string; custom: boolean; type: string }> } }).deployment.resources!
      .filter((r) => r.custom && !r.type.startsWith("pulumi:providers:"))
      .map((r) => r.urn);
    expect(urns.length).toBeGreaterThan(0);
    const protect = await pulumi(["state", "protect", ...urns, "--stack", stackOf(PR.c), "--yes"]);
    expect(protect.code, all(protect)).toBe(0);

    // A CI checkout has no stack file for A: its expiry comes from the config of its last update.
    fs.rmSync(stackFile(PR.a));
    const listed = await review(["list", "--json"]);
    expect(listed.code, all(listed)).toBe(0);
    const rows = JSON.parse(listed.stdout) as Array<{ stack: string; pr: number; state: string; ageSeconds: number | null; expirySource: string }>;
    expect(rows.map((x) => x.expirySource)).toEqual(["update-history", "stack-file", "stack-file", "stack-file"]);
    expect(rows.map((x) => [x.stack, x.pr, x.state])).toEqual([
      [stackOf(PR.a), PR.a, "active"],
      [stackOf(PR.b), PR.b, "expired"],
      [stackOf(PR.c), PR.c, "expired"],
      [stackOf(PR.d), PR.d, "expired"],
    ]);
    expect(rows[0].ageSeconds).toBeGreaterThan(0);
    const table = await review(["list"]);
    expect(table.stdout).toMatch(/^STACK\s+PR\s+AGE\s+EXPIRES\s+STATE\s+RESOURCES/);
    expect(table.stdout).toMatch(new RegExp(`${stackOf(PR.a)}\\s+#${PR.a}\\s+\\S+.*\\(in 6d 23h\\)\\s+active`));

    const dry = await review(["gc", "--dry-run"]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain(`${stackOf(PR.b)} (PR #${PR.b}`);
    expect((await backendStacks()).length).toBe(4);

    const gc = await review(["gc"]);
    expect(gc.code, all(gc)).toBe(1);
    expect(gc.stdout).toContain(`gc: ${stackOf(PR.b)}: destroyed and removed`);
    expect(gc.stdout).toContain(`gc: ${stackOf(PR.d)}: destroyed and removed`);
    expect(gc.stdout).toContain(`gc: ${stackOf(PR.c)}: FAILED: pulumi destroy of ${stackOf(PR.c)} failed`);
    expect(all(gc)).toMatch(/protected/);
    expect(gc.stdout).toContain("gc: 2 removed, 1 failed");
    expect(all(gc)).not.toContain(ADMIN_PW);
    expect(await backendStacks()).toEqual([stackOf(PR.a), stackOf(PR.c)]);
    expect(fs.existsSync(stackFile(PR.b))).toBe(false);
    expect(fs.existsSync(stackFile(PR.d))).toBe(false);
    expect(fs.existsSync(path.join(envDir, `.env.${stackOf(PR.b)}`))).toBe(false);
    expect(fs.existsSync(path.join(envDir, `.env.${stackOf(PR.a)}`))).toBe(true);

    // Unprotected, the next gc finishes the job.
    const unprotect = await pulumi(["state", "unprotect", "--all", "--stack", stackOf(PR.c), "--yes"]);
    expect(unprotect.code, all(unprotect)).toBe(0);
    const again = await review(["gc", "--json"]);
    expect(again.code, all(again)).toBe(0);
    const report = JSON.parse(again.stdout) as { entries: Array<{ stack: string; outcome: string }>; failed: number };
    expect(report).toMatchObject({ failed: 0, entries: [{ stack: stackOf(PR.c), outcome: "destroyed" }] });
    expect(await backendStacks()).toEqual([stackOf(PR.a)]);
  });

  it("down destroys and removes the stack and its config file; a second down is a success", async () => {
    requireCli();
    const r = await review(["down", "--pr", String(PR.a)]);
    expect(r.code, all(r)).toBe(0);
    expect(r.stdout).toMatch(/Resources:\s+- \d+ deleted/);
    expect(r.stdout).toContain(`${stackOf(PR.a)} destroyed`);
    expect(await backendStacks()).toEqual([]);
    expect(fs.existsSync(stackFile(PR.a))).toBe(false);
    expect(fs.existsSync(path.join(envDir, `.env.${stackOf(PR.a)}`))).toBe(false);

    const again = await review(["down", "--pr", String(PR.a)]);
    expect(again.code, all(again)).toBe(0);
    expect(again.stdout).toContain(`${stackOf(PR.a)} does not exist (already destroyed or never created): nothing to do.`);

    const list = await review(["list"]);
    expect(list.stdout.trim()).toBe("No review stacks.");
    // Everything ran in the project copy: the repository got no review stack file.
    for (const pr of Object.values(PR)) expect(fs.existsSync(path.join(ROOT, `Pulumi.${stackOf(pr)}.yaml`))).toBe(false);
  });
});
