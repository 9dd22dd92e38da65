/**
 * `npm run migrate -- lint [--store <kind>]… [--base <git-ref>] [--format text|json|sarif] [--scripts-root <dir>]`
 *
 * Offline: reads init-scripts/ (and, with --base, the same folder at the git ref);
 * no store, no stack. Exit 0 when no unwaived error-level finding, 1 otherwise,
 * 2 on a usage error (bad option, unknown --base ref).
 */
import { parseArgs } from "node:util";
import { dirname, relative, resolve } from "node:path";
import { LINT_RULES, lintScripts, type Finding, type LintResult } from "../components/init/lint";
import { PROJECT_ROOT } from "../components/init/project-root";
import { toSarif } from "../components/core/sarif";
import { STORE_KINDS, type StoreKind } from "../components/core/types";
import { CliUsageError, EXIT, wantsHelp } from "./cli/exit";

export const LINT_USAGE = `usage: npm run migrate -- lint [--store <kind>]... [--base <git-ref>] [--format text|json|sarif] [--scripts-root <dir>]
  --store <kind>         only this store (repeatable): ${STORE_KINDS.join(", ")}
  --base <git-ref>       also check against the scripts at this ref (e.g. origin/main): an applied script edited
                         or removed, a new script numbered below the highest at the ref
  --format <f>           text (default), json, or sarif (SARIF 2.1.0 for GitHub code scanning)
  --scripts-root <dir>   folder with one sub-folder per store (default init-scripts)
  Waive a finding with a line in the script:  polystore-lint: allow <rule> — <reason>`;

export interface LintCli {
  stores: StoreKind[];
  base?: string;
  format: "text" | "json" | "sarif";
  scriptsRoot: string;
}

export function parseLintCli(argv: string[]): LintCli {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv, allowPositionals: false, strict: true,
      options: { store: { type: "string", multiple: true }, base: { type: "string" }, format: { type: "string" }, "scripts-root": { type: "string" } },
    });
  } catch (err) {
    throw new CliUsageError((err as Error).message);
  }
  const v = parsed.values;
  const problems: string[] = [];
  const stores = (v.store ?? []) as string[];
  for (const s of stores) if (!STORE_KINDS.includes(s as StoreKind)) problems.push(`--store ${s}: unknown store (expected ${STORE_KINDS.join(", ")})`);
  const format = v.format ?? "text";
  if (!["text", "json", "sarif"].includes(format)) problems.push(`--format ${format}: expected text, json or sarif`);
  if (v.base !== undefined && !v.base.trim()) problems.push("--base needs a git ref");
  if (problems.length) throw new CliUsageError(problems.join("\n"));
  return {
    stores: [...new Set(stores)] as StoreKind[],
    base: v.base,
    format: format as LintCli["format"],
    scriptsRoot: resolve(PROJECT_ROOT, v["scripts-root"] ?? "init-scripts"),
  };
}

/** Human-readable report: one line per finding, then waivers, then a summary. */
export function formatLintText(result: LintResult): string {
  const out: string[] = [];
  const line = (f: Finding) => `${f.file}:${f.line}  ${f.severity}  ${f.rule}  ${f.message}${f.waived ? `  (waived: ${f.waived.reason})` : ""}`;
  out.push(...result.findings.map(line));
  if (result.waivers.length) {
    out.push("", "waivers:");
    for (const w of result.waivers) out.push(`  ${w.file}:${w.line}  allow ${w.rule} — ${w.reason}`);
  }
  const errors = result.findings.filter((f) => f.severity === "error").length;
  const warnings = result.findings.length - errors;
  out.push(
    "",
    `migrate lint: ${result.scripts} script(s), ${errors} error(s) (${result.blocking} not waived), ${warnings} warning(s), ${result.waivers.length} waiver(s)` +
      (result.blocking ? ` — FAILED: ${[...new Set(result.findings.filter((f) => f.severity === "error" && !f.waived).map((f) => f.file))].join(", ")}` : " — ok"),
  );
  return out.join("\n").replace(/^\n/, "");
}

/** SARIF 2.1.0 log of a lint result (waived findings are reported as suppressed). */
export function lintSarif(result: LintResult): Record<string, unknown> {
  return toSarif(
    { name: "polystore-migrate-lint", version: "1.0.0", informationUri: "https://github.com/polystore/polystore#pull-request-checks" },
    LINT_RULES.map((r) => ({ id: r.id, description: r.summary, level: r.severity })),
    result.findings.map((f) => ({ ruleId: f.rule, level: f.severity, message: f.message, file: f.file, line: f.line, suppressedBecause: f.waived?.reason })),
  );
}

/** Runs lint; returns the exit code (usage errors are printed with the usage, exit 2). Output goes to `write`. */
export function runLint(argv: string[], write: (s: string) => void = (s) => process.stdout.write(s), writeErr: (s: string) => void = (s) => process.stderr.write(s)): number {
  if (wantsHelp(argv)) return write(`${LINT_USAGE}\n`), EXIT.ok;
  try {
    return lintOnce(argv, write);
  } catch (err) {
    if (!(err instanceof CliUsageError)) throw err;
    writeErr(`${err.message}\n${LINT_USAGE}\n`);
    return EXIT.usage;
  }
}

function lintOnce(argv: string[], write: (s: string) => void): number {
  const cli = parseLintCli(argv);
  let result: LintResult;
  try {
    // Paths are reported relative to the project, or to the scripts root's parent when it lies outside.
    const root = relative(PROJECT_ROOT, cli.scriptsRoot).startsWith("..") ? dirname(cli.scriptsRoot) : PROJECT_ROOT;
    result = lintScripts({ scriptsRoot: cli.scriptsRoot, root, stores: cli.stores.length ? cli.stores : undefined, base: cli.base });
  } catch (err) {
    throw new CliUsageError(`migrate lint: ${(err as Error).message}`);
  }
  if (cli.format === "json") write(`${JSON.stringify(result, null, 2)}\n`);
  else if (cli.format === "sarif") write(`${JSON.stringify(lintSarif(result), null, 2)}\n`);
  else write(`${formatLintText(result)}\n`);
  return result.blocking > 0 ? EXIT.failed : EXIT.ok;
}
