/**
 * Plain types of the init-script linter (`npm run migrate -- lint`): rules,
 * findings and waivers. No I/O here.
 */
import type { StoreKind } from "../../core/types";

export type Severity = "error" | "warning";

/** One lint rule. `id` is what a waiver names and what SARIF reports as `ruleId`. */
export interface LintRule {
  id: string;
  severity: Severity;
  /** Store kinds the rule applies to. */
  stores: readonly StoreKind[];
  /** One line: what the rule catches and why it matters. */
  summary: string;
}

/** One problem found in one script. */
export interface Finding {
  store: StoreKind;
  /** Path relative to the project (or scripts) root, e.g. `init-scripts/postgres/004_x.sql`. */
  file: string;
  /** 1-based line. */
  line: number;
  rule: string;
  severity: Severity;
  message: string;
  /** Set when a waiver in the script covers this finding. */
  waived?: Waiver;
}

/** `polystore-lint: allow <rule> — <reason>` found in a script. */
export interface Waiver {
  file: string;
  line: number;
  rule: string;
  reason: string;
}

/** A script as the engine linters see it. */
export interface LintScript {
  store: StoreKind;
  /** Path for messages, relative to the project root. */
  file: string;
  fileName: string;
  version: number;
  /** Normalised text (LF line endings), placeholders NOT substituted. */
  content: string;
}

/** An engine linter: findings for `script`; `earlier` are the lower-numbered scripts of the same store, in order. */
export type EngineLinter = (script: LintScript, earlier: readonly LintScript[]) => Finding[];

/** Builds a finding of `rule` in `script`. */
export function finding(script: LintScript, rule: LintRule, line: number, message: string): Finding {
  return { store: script.store, file: script.file, line, rule: rule.id, severity: rule.severity, message };
}
