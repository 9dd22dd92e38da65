/**
 * `policy:check --format sarif`: the check's results as SARIF 2.1.0 for GitHub
 * code scanning. Every policy of the pack is a rule (`tool.driver.rules`); each
 * violation is a result located in the stack file it came from.
 */
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { toSarif, type SarifLevel } from "../../components/core/sarif";
import type { EffectiveConfig } from "./config";
import type { Violation } from "./run";

/** SARIF level of an enforcement level: mandatory → error, advisory → warning, disabled → note. */
export function sarifLevel(level: string | undefined): SarifLevel {
  return level === "mandatory" || level === "remediate" ? "error" : level === "disabled" ? "note" : "warning";
}

export interface SarifStackResult {
  /** Stack file, relative to the repository root. */
  file: string;
  stack: string;
  violations: Violation[];
}

/** The SARIF log of a policy check; rule levels come from `config` (the first config used). */
export function policySarif(
  policies: ReadonlyArray<ResourceValidationPolicy | StackValidationPolicy>,
  config: Map<string, EffectiveConfig> | undefined,
  results: readonly SarifStackResult[],
): Record<string, unknown> {
  return toSarif(
    { name: "polystore-policy-check", version: "1.0.0", informationUri: "https://github.com/polystore/polystore/blob/main/docs/policies.md" },
    policies.map((p) => ({ id: p.name, description: p.description, level: sarifLevel(config?.get(p.name)?.enforcementLevel ?? p.enforcementLevel) })),
    results.flatMap((r) =>
      r.violations.map((v) => ({
        ruleId: v.policy,
        level: sarifLevel(v.level),
        message: `stack ${r.stack}: ${v.resource}: ${v.message}`,
        file: r.file,
        line: 1,
      })),
    ),
  );
}
