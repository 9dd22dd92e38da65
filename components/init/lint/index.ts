/**
 * `npm run migrate -- lint`: offline checks of init scripts for changes that
 * lose data, weaken access or lock for long, one rule file per engine, plus the
 * append-only rules against a git base ref. No store is contacted.
 *
 * A finding is waived by a line in the same script (a comment in SQL, Cypher
 * and Redis scripts; the "description" string in JSON scripts):
 *   polystore-lint: allow <rule-id> — <reason>
 * The reason is required; waivers are listed in every output format.
 */
import { join, relative } from "node:path";
import { STORE_KINDS, type StoreKind } from "../../core/types";
import { discoverScripts, ScriptDiscoveryError } from "../scripts";
import { CLICKHOUSE_RULES, lintClickHouse } from "./clickhouse";
import { CYPHER_RULES, lintCypher } from "./cypher";
import { ELASTICSEARCH_RULES, lintElasticsearch } from "./elasticsearch";
import { checkBaseRef, historyFindings, HISTORY_RULES, scriptsAtBase } from "./history";
import { lintMongo, MONGODB_RULES } from "./mongodb";
import { lintPostgres, POSTGRES_RULES } from "./postgres";
import { lintRedis, REDIS_RULES } from "./redis";
import { PARSE_ERROR } from "./statements";
import { finding, type EngineLinter, type Finding, type LintRule, type LintScript, type Waiver } from "./types";

export type { Finding, LintRule, Severity, Waiver } from "./types";

/** Script extensions per store (the adapters' `extensions`, from the adapter registry). */
export { SCRIPT_EXTENSIONS } from "../registry";
import { SCRIPT_EXTENSIONS } from "../registry";

const LINTERS: Record<StoreKind, EngineLinter> = {
  postgres: lintPostgres, clickhouse: lintClickHouse, neo4j: lintCypher, mongodb: lintMongo, elasticsearch: lintElasticsearch, redis: lintRedis,
};

export const INVALID_WAIVER: LintRule = {
  id: "invalid-waiver",
  severity: "error",
  stores: STORE_KINDS,
  summary: "A polystore-lint waiver must name a known rule and give a reason: `polystore-lint: allow <rule> — <reason>`.",
};

/** Every rule, in documentation order (SARIF `tool.driver.rules`). */
export const LINT_RULES: LintRule[] = [
  ...POSTGRES_RULES, ...CLICKHOUSE_RULES, ...CYPHER_RULES, ...MONGODB_RULES, ...ELASTICSEARCH_RULES, ...REDIS_RULES,
  ...HISTORY_RULES, PARSE_ERROR, INVALID_WAIVER,
];

export interface LintOptions {
  /** Folder holding one sub-folder per store (default `<root>/init-scripts`). */
  scriptsRoot: string;
  /** Paths in findings are relative to this folder (the project root). */
  root: string;
  /** Stores to lint (default all). */
  stores?: readonly StoreKind[];
  /** Git ref of the base branch: enables the history rules. */
  base?: string;
}

export interface LintResult {
  findings: Finding[];
  waivers: Waiver[];
  scripts: number;
  /** Error-level findings no waiver covers: any → exit 1. */
  blocking: number;
}

const WAIVER_RE = /polystore-lint:\s*allow\s+(\S+)(.*)$/;

/** Waivers of a script, and findings for malformed ones. */
export function parseWaivers(script: LintScript): { waivers: Waiver[]; problems: Finding[] } {
  const waivers: Waiver[] = [];
  const problems: Finding[] = [];
  const known = new Set(LINT_RULES.map((r) => r.id));
  script.content.split("\n").forEach((text, i) => {
    const m = WAIVER_RE.exec(text);
    if (!m) return;
    const rule = m[1]!;
    // Separator (em/en dash, --, -, :) then the reason; JSON strings end with `",`.
    const reason = m[2]!.replace(/["',]*\s*$/, "").replace(/^\s*(?:—|–|--|-|:)?\s*/, "").trim();
    if (!known.has(rule)) problems.push(finding(script, INVALID_WAIVER, i + 1, `waiver names unknown rule "${rule}" (known: ${[...known].join(", ")})`));
    else if (!reason) problems.push(finding(script, INVALID_WAIVER, i + 1, `waiver for ${rule} has no reason (write: polystore-lint: allow ${rule} — <why this is safe>)`));
    else waivers.push({ file: script.file, line: i + 1, rule, reason });
  });
  return { waivers, problems };
}

/** Lints every store's scripts; never throws for script problems (they are findings). Throws on a bad --base ref. */
export function lintScripts(opts: LintOptions): LintResult {
  const findings: Finding[] = [];
  const waivers: Waiver[] = [];
  let count = 0;
  if (opts.base) checkBaseRef(opts.scriptsRoot, opts.base);
  for (const store of opts.stores ?? STORE_KINDS) {
    const dir = join(opts.scriptsRoot, store);
    const fileOf = (fileName: string) => relative(opts.root, join(dir, fileName));
    let scripts: Array<LintScript & { checksum: string }> = [];
    try {
      scripts = discoverScripts(dir, SCRIPT_EXTENSIONS[store]).map((s) => ({ store, file: fileOf(s.fileName), fileName: s.fileName, version: s.version, content: s.content, checksum: s.checksum }));
    } catch (err) {
      if (!(err instanceof ScriptDiscoveryError)) throw err;
      // A store without a folder has nothing to lint; naming problems are findings.
      if (!err.problems.some((p) => p.startsWith("cannot read the directory"))) {
        for (const p of err.problems) findings.push(finding({ store, file: relative(opts.root, dir), fileName: store, version: 0, content: "" }, PARSE_ERROR, 1, p));
      }
    }
    count += scripts.length;
    const perFile: Finding[] = [];
    scripts.forEach((s, i) => {
      perFile.push(...LINTERS[store](s, scripts.slice(0, i)));
      const w = parseWaivers(s);
      waivers.push(...w.waivers);
      perFile.push(...w.problems);
    });
    if (opts.base) perFile.push(...historyFindings(store, scripts, scriptsAtBase(opts.scriptsRoot, store, opts.base, SCRIPT_EXTENSIONS[store]), fileOf, opts.base));
    findings.push(...perFile);
  }
  for (const f of findings) {
    if (f.rule === INVALID_WAIVER.id) continue;
    const w = waivers.find((x) => x.file === f.file && x.rule === f.rule);
    if (w) f.waived = w;
  }
  findings.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.rule.localeCompare(b.rule));
  return { findings, waivers, scripts: count, blocking: findings.filter((f) => f.severity === "error" && !f.waived).length };
}
