import * as pulumi from "@pulumi/pulumi";
import { CONFIG_CHECKS } from "./checks";
import { ConfigError, formatIssues } from "./errors";
import { configSchema, type PolystoreConfig } from "./schema";

export { ConfigError } from "./errors";
export { configSchema, type PolystoreConfig } from "./schema";
export { enabledKinds, storeTarget, CONFIG_CHECKS, type ConfigCheck } from "./checks";
export * from "./stores";

const NAMESPACE = "polystore:";

/** Turns raw `polystore:*` config values (strings, JSON for objects) into one object. */
export function rawNamespace(all: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(all)) {
    if (!key.startsWith(NAMESPACE)) continue;
    let v = value;
    if (typeof v === "string" && /^\s*[[{]/.test(v)) {
      try {
        v = JSON.parse(v);
      } catch {
        /* left as a string: the schema reports what it expected */
      }
    }
    out[key.slice(NAMESPACE.length)] = v;
  }
  return out;
}

/**
 * Validates the whole `polystore:` namespace and every cross-field rule.
 * Throws one ConfigError listing every problem with its key path.
 */
export function parseConfig(raw: Record<string, unknown>): PolystoreConfig {
  const parsed = configSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) throw new ConfigError(formatIssues(configSchema, parsed.error.issues));
  const problems: string[] = [];
  for (const check of CONFIG_CHECKS) check(parsed.data, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return parsed.data;
}

/** The current stack's validated configuration. */
export function loadConfig(): PolystoreConfig {
  return parseConfig(rawNamespace(pulumi.runtime.allConfig()));
}
