/**
 * SARIF 2.1.0 (https://docs.oasis-open.org/sarif/sarif/v2.1.0/) for polystore's
 * checks (`migrate lint`, `policy:check`), so GitHub code scanning annotates a
 * pull request. One run, every rule in `tool.driver.rules`.
 */

export type SarifLevel = "error" | "warning" | "note";

export interface SarifRuleInput {
  id: string;
  /** One sentence: what the rule checks. */
  description: string;
  level: SarifLevel;
}

export interface SarifResultInput {
  ruleId: string;
  level: SarifLevel;
  message: string;
  /** Repository-relative path with `/` separators. */
  file: string;
  /** 1-based; defaults to 1. */
  line?: number;
  /** An in-source waiver's reason: the result is reported as suppressed. */
  suppressedBecause?: string;
}

export interface SarifToolInput {
  name: string;
  version: string;
  informationUri: string;
}

const SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json";

/** PascalCase name of a kebab-case rule id (SARIF `rule.name`). */
function ruleName(id: string): string {
  return id.split(/[^A-Za-z0-9]+/).filter(Boolean).map((w) => w[0]!.toUpperCase() + w.slice(1)).join("");
}

/** The SARIF log (a plain object, ready for JSON.stringify). Throws when a result names an unknown rule. */
export function toSarif(tool: SarifToolInput, rules: readonly SarifRuleInput[], results: readonly SarifResultInput[]): Record<string, unknown> {
  const index = new Map(rules.map((r, i) => [r.id, i]));
  return {
    $schema: SCHEMA_URI,
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: tool.name,
            version: tool.version,
            informationUri: tool.informationUri,
            rules: rules.map((r) => ({
              id: r.id,
              name: ruleName(r.id),
              shortDescription: { text: r.description },
              defaultConfiguration: { level: r.level },
            })),
          },
        },
        results: results.map((r) => {
          const ruleIndex = index.get(r.ruleId);
          if (ruleIndex === undefined) throw new Error(`SARIF: result for unknown rule "${r.ruleId}"`);
          return {
            ruleId: r.ruleId,
            ruleIndex,
            level: r.level,
            message: { text: r.message },
            locations: [
              {
                physicalLocation: {
                  artifactLocation: { uri: r.file.split("\\").join("/"), uriBaseId: "%SRCROOT%" },
                  region: { startLine: Math.max(1, r.line ?? 1) },
                },
              },
            ],
            ...(r.suppressedBecause ? { suppressions: [{ kind: "inSource", justification: r.suppressedBecause }] } : {}),
          };
        }),
      },
    ],
  };
}
