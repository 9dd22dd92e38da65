/**
 * A throw-away copy of the polystore Pulumi project for e2e runs, and the
 * commands run in it (the real Pulumi CLI from test/e2e/setup-pulumi.sh).
 *
 * The program files are COPIED (symlinked directories would resolve to the
 * repository: components/init/runner.ts and stacks/review/workspace.ts find the
 * project root from their own location), node_modules is a symlink to the
 * repository's (never `pulumi install`/`npm install` there). Everything a run
 * writes — Pulumi.<stack>.yaml, .env.<stack>, review stack files, the file://
 * backend — stays in the temp folder, so the repository stays clean.
 */
import { spawn, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const REPO_ROOT = resolve(__dirname, "..", "..", "..");

/** What a Pulumi project needs to run the program, the policy pack and the review CLI. */
const PROJECT_FILES = ["Pulumi.yaml", "package.json", "tsconfig.json", "stacks", "components", "init-scripts", "policies"];

export interface E2eProject {
  /** Temp root: `project/`, `state/` (the file:// backend), scratch files. */
  tmp: string;
  /** The project copy, where every command runs. */
  dir: string;
  /** The file:// backend's folder. */
  stateDir: string;
  /** Environment of every command: `source test/e2e/pulumi-env.sh` + backend + passphrase. */
  env: NodeJS.ProcessEnv;
}

/** Copies the project into a new temp folder and prepares the Pulumi environment. */
export function createProject(passphrase: string): E2eProject {
  const tmp = mkdtempSync(join(tmpdir(), "polystore-e2e-"));
  const dir = join(tmp, "project");
  const stateDir = join(tmp, "state");
  mkdirSync(dir);
  mkdirSync(stateDir);
  for (const f of PROJECT_FILES) cpSync(join(REPO_ROOT, f), join(dir, f), { recursive: true });
  symlinkSync(join(REPO_ROOT, "node_modules"), join(dir, "node_modules"), "dir");
  return { tmp, dir, stateDir, env: pulumiEnv({ PULUMI_BACKEND_URL: `file://${stateDir}`, PULUMI_CONFIG_PASSPHRASE: passphrase }) };
}

/** The environment `source test/e2e/pulumi-env.sh` produces, plus `extra`; no Pulumi Cloud token. */
export function pulumiEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const r = spawnSync("bash", ["-c", `source "${REPO_ROOT}/test/e2e/pulumi-env.sh" >&2 && env -0`], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`source test/e2e/pulumi-env.sh failed (exit ${r.status}): ${r.stderr}`);
  if (r.stderr.trim()) throw new Error(`test/e2e/pulumi-env.sh: ${r.stderr.trim()}`);
  const env: NodeJS.ProcessEnv = {};
  for (const entry of r.stdout.split("\0")) {
    const i = entry.indexOf("=");
    if (i > 0) env[entry.slice(0, i)] = entry.slice(i + 1);
  }
  delete env.PULUMI_ACCESS_TOKEN;
  return { ...env, ...extra, NO_COLOR: "1" };
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  /** Wall time in milliseconds. */
  ms: number;
}

/** Runs a command in the project with the e2e environment; `input` goes to stdin (so secrets never go through argv). */
export function run(
  p: Pick<E2eProject, "dir" | "env">,
  cmd: string,
  args: string[],
  opts: { input?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<RunResult> {
  const started = Date.now();
  return new Promise((done, fail) => {
    const child = spawn(cmd, args, { cwd: p.dir, env: { ...p.env, ...opts.env }, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", fail);
    child.on("close", (code) => done({ code: code ?? -1, stdout, stderr, ms: Date.now() - started }));
    child.stdin.end(opts.input ?? "");
  });
}

/** `pulumi <args> --non-interactive` in the project. */
export const pulumi = (p: Pick<E2eProject, "dir" | "env">, args: string[], opts: { input?: string } = {}): Promise<RunResult> =>
  run(p, "pulumi", [...args, "--non-interactive"], opts);

/** Everything a command printed. */
export const output = (r: RunResult): string => `${r.stdout}\n${r.stderr}`;

/** The lines of a Pulumi run worth showing when an assertion fails (no progress dots). */
export function digest(r: RunResult, max = 60): string {
  const lines = output(r)
    .split("\n")
    .filter((l) => l.trim() && !/^@ /.test(l));
  return [`exit ${r.code} after ${(r.ms / 1000).toFixed(1)}s`, ...lines.slice(-max)].join("\n");
}

/** The `Resources:` block of a Pulumi update/preview/destroy, e.g. `{ created: 9, unchanged: 1 }`. */
export function resourceSummary(r: RunResult): Record<string, number> {
  const text = r.stdout;
  const at = text.lastIndexOf("\nResources:");
  if (at < 0) return {};
  const out: Record<string, number> = {};
  for (const line of text.slice(at + 1).split("\n").slice(1)) {
    const m = /^\s+(?:[+~\-]\s+|\+-\s+)?(\d+) (created|updated|deleted|replaced|unchanged|to create|to update|to delete|to replace|errored)\s*$/.exec(line);
    if (!m) break;
    out[m[2]] = Number(m[1]);
  }
  return out;
}
