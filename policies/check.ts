/**
 * Offline policy check: runs the polystore policy pack on a stack with no
 * cloud, no credentials and no Pulumi CLI (pull requests, forks included).
 *
 *   npm run policy:check -- --stack dev
 *   npm run policy:check -- --all                     every Pulumi.*.yaml in the repository root
 *                                                     (review-pr-<n> instances are covered by their template, Pulumi.review.yaml)
 *   npm run policy:check -- --stack-file test/fixtures/Pulumi.broken.yaml
 *   options: --policy-config <file>, --format text|json|sarif (--json = --format json)
 *
 * Policy config: --policy-config if given, else policies/policy-config.<name>.json
 * when it exists for Pulumi.<name>.yaml, else policies/policy-config.json —
 * the same files `pulumi preview --policy-pack-config` takes.
 *
 * Each stack is evaluated in its own child process (Pulumi's runtime state is
 * global) under mocks that echo inputs; the recorded resources then go through
 * the SAME policy objects the pack serves to `pulumi preview --policy-pack`.
 * Exit: 0 clean (advisories allowed), 1 any mandatory violation,
 *       2 usage error, invalid policy config, or a stack whose config is invalid.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { POLICIES } from "./pack";
import { loadPolicyConfig, PolicyConfigError, type EffectiveConfig } from "./offline/config";
import { runPolicies, type Violation } from "./offline/run";
import type { Snapshot } from "./offline/snapshot";
import { stackFilesIn } from "./offline/stackfile";
import { formatTable, summaryLine } from "./offline/report";
import { policySarif } from "./offline/sarif";
import { PROJECT_ROOT } from "../components/init/project-root";

const ROOT = PROJECT_ROOT;
const DEFAULT_CONFIG = path.join(ROOT, "policies", "policy-config.json");

export class UsageError extends Error {}

interface Options {
  files: string[];
  /** Given with --policy-config: used for every stack. */
  configFile?: string;
  json: boolean;
  /** text (default), json, or sarif (SARIF 2.1.0 for GitHub code scanning). */
  format: "text" | "json" | "sarif";
}

const USAGE = "usage: npm run policy:check -- (--stack <name> | --stack-file <Pulumi.<stack>.yaml> | --all) [--policy-config <file>] [--format text|json|sarif] [--json]";
const HELP = `${USAGE}
  Runs the polystore policy pack on stack files offline: no cloud, no credentials, no Pulumi CLI.
  --stack <name>          Pulumi.<name>.yaml in the project root
  --stack-file <file>     any stack file (e.g. a fixture)
  --all                   every Pulumi.*.yaml in the project root (the review template filled in for a sample PR)
  --policy-config <file>  enforcement levels (default policies/policy-config.<stack>.json, else policies/policy-config.json)
  --format <f>            text (default), json, or sarif (SARIF 2.1.0, every policy a rule, for GitHub code scanning)
  --json                  the same as --format json
  -h, --help              this text
exit codes: 0 no mandatory violation (advisories allowed), 1 a mandatory violation,
            2 usage error, invalid policy config, or a stack whose config is invalid`;

export function parseArgs(argv: string[]): Options {
  const files: string[] = [];
  let configFile: string | undefined;
  let json = false;
  let format: Options["format"] | undefined;
  let all = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith("--")) throw new UsageError(`${a} needs a value`);
      return v;
    };
    if (a === "--stack") {
      const stack = value();
      const file = path.join(ROOT, `Pulumi.${stack}.yaml`);
      if (!fs.existsSync(file)) {
        const known = stackFilesIn(ROOT).map((f) => path.basename(f).replace(/^Pulumi\.|\.ya?ml$/g, ""));
        throw new UsageError(`no stack file Pulumi.${stack}.yaml in ${ROOT} (stacks: ${known.join(", ") || "none"})`);
      }
      files.push(file);
    } else if (a === "--stack-file") {
      const file = path.resolve(value());
      if (!fs.existsSync(file)) throw new UsageError(`no such stack file: ${file}`);
      files.push(file);
    } else if (a === "--all") all = true;
    else if (a === "--policy-config") {
      configFile = path.resolve(value());
      if (!fs.existsSync(configFile)) throw new UsageError(`no such policy config file: ${configFile}`);
    }
    else if (a === "--json") json = true;
    else if (a === "--format") {
      const f = value();
      if (f !== "text" && f !== "json" && f !== "sarif") throw new UsageError(`--format ${f}: expected text, json or sarif`);
      format = f;
    }
    else if (a === "--help" || a === "-h") throw new UsageError(USAGE);
    else throw new UsageError(`unknown argument ${a}`);
  }
  if (all) {
    const found = stackFilesIn(ROOT);
    if (found.length === 0) throw new UsageError(`--all: no Pulumi.<stack>.yaml in ${ROOT}`);
    files.push(...found);
  }
  if (files.length === 0) throw new UsageError("give --stack <name>, --stack-file <file> or --all");
  if (json && format && format !== "json") throw new UsageError(`--json and --format ${format} are exclusive`);
  const chosen = format ?? (json ? "json" : "text");
  return { files: [...new Set(files)], configFile, json: chosen === "json", format: chosen };
}

/** The policy-config file for a stack file: policy-config.<name>.json when present, else the default. */
export function policyConfigFor(stackFile: string): string {
  const name = path.basename(stackFile).replace(/^Pulumi\.|\.ya?ml$/g, "");
  const own = path.join(ROOT, "policies", `policy-config.${name}.json`);
  return fs.existsSync(own) ? own : DEFAULT_CONFIG;
}

/** Evaluates one stack file in a fresh child process (Pulumi's runtime state is global) and returns its snapshot. */
export async function evaluateStack(file: string): Promise<Snapshot> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "polystore-policy-"));
  const out = path.join(dir, "snapshot.json");
  try {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(__dirname, "offline", "evaluate.ts"), "--file", file, "--out", out], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    const code = await new Promise<number | null>((resolve) => {
      child.on("error", (e) => {
        output += e.message;
        resolve(null);
      });
      child.on("close", resolve);
    });
    if (!fs.existsSync(out)) {
      const detail = (output.trim() || `exit ${code}`).split("\n").slice(-15).join("\n");
      return { stack: path.basename(file), project: "", file: path.relative(ROOT, file), resources: [], error: { kind: "program", message: detail } };
    }
    return JSON.parse(fs.readFileSync(out, "utf8")) as Snapshot;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs `fn` over `items` with at most `limit` at a time, keeping the order of results. */
async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export interface StackResult {
  file: string;
  stack: string;
  templatePr?: number;
  resources: number;
  violations: Violation[];
  error?: Snapshot["error"];
}

/** Evaluates and checks one stack file. */
export async function checkStack(file: string, config: Map<string, EffectiveConfig>): Promise<StackResult> {
  const snap = await evaluateStack(file);
  const base = { file: path.relative(ROOT, file), stack: snap.stack, templatePr: snap.templatePr, resources: snap.resources.length };
  if (snap.error) return { ...base, violations: [], error: snap.error };
  return { ...base, violations: await runPolicies(snap, POLICIES, config) };
}

async function main(argv: string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    console.log(HELP);
    return 0;
  }
  let opts: Options;
  const configs = new Map<string, Map<string, EffectiveConfig>>();
  try {
    opts = parseArgs(argv);
    // Every config file involved is validated before any stack is evaluated.
    for (const file of opts.files) {
      const cfgFile = opts.configFile ?? policyConfigFor(file);
      if (!configs.has(cfgFile)) configs.set(cfgFile, loadPolicyConfig(POLICIES, cfgFile));
    }
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(e.message === USAGE ? USAGE : `policy:check: ${e.message}\n${USAGE}`);
      return 2;
    }
    if (e instanceof PolicyConfigError) {
      console.error(e.message);
      return 2;
    }
    throw e;
  }
  // Stacks are independent processes: evaluate a few at a time.
  const parallel = Math.max(1, Math.min(4, os.availableParallelism?.() ?? os.cpus().length));
  const results = await mapLimit(opts.files, parallel, (file) => checkStack(file, configs.get(opts.configFile ?? policyConfigFor(file))!));

  // Policies enabled in at least one of the configs used.
  const enabled = POLICIES.filter((p) => [...configs.values()].some((c) => c.get(p.name)?.enforcementLevel !== "disabled")).length;
  const violations = results.flatMap((r) => r.violations.map((v) => ({ ...v, stack: r.stack })));
  const mandatory = violations.filter((v) => v.level === "mandatory").length;
  const advisory = violations.length - mandatory;
  const resources = results.reduce((n, r) => n + r.resources, 0);
  const errors = results.filter((r) => r.error);

  if (opts.format === "sarif") {
    console.log(JSON.stringify(policySarif(POLICIES, configs.values().next().value, results), null, 2));
  } else if (opts.json) {
    console.log(JSON.stringify({ policies: enabled, resources, mandatory, advisory, results }, null, 2));
  } else {
    for (const r of results) {
      const template = r.templatePr ? `, review template filled in for PR ${r.templatePr}` : "";
      const header = `stack ${r.stack || "?"} (${r.file}${template}): ${r.resources} resources`;
      if (r.error) {
        console.log(`${header}\n${r.error.kind === "config" ? "" : "program error: "}${r.error.message}\n`);
        continue;
      }
      console.log(`${header}, ${r.violations.length} violation${r.violations.length === 1 ? "" : "s"}`);
      if (r.violations.length > 0) console.log(formatTable(r.violations));
      console.log("");
    }
    if (errors.length > 0) console.log(`${errors.length} stack${errors.length === 1 ? "" : "s"} could not be evaluated: ${errors.map((r) => r.file).join(", ")}`);
    console.log(summaryLine(enabled, resources, mandatory, advisory));
  }
  if (errors.length > 0) return 2;
  return mandatory > 0 ? 1 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      console.error(e);
      process.exit(2);
    },
  );
}
