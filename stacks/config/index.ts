import { PROJECT_ROOT } from "../../components/init/project-root";
import * as pulumi from "@pulumi/pulumi";
import { CONFIG_CHECKS } from "./checks";
import { ConfigError, formatIssues } from "./errors";
import { projectPaths, STORE_RULES, type PathContext } from "./rules";
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

/** Edit distance of two short strings (Levenshtein). */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length]!;
}

/**
 * Config keys whose namespace is a near miss of `polystore` (`polystor:stores`,
 * `Polystore:target`): Pulumi passes them, rawNamespace would silently drop
 * them. Other namespaces (`aws:`, `kubernetes:`, …) are left alone.
 */
export function namespaceTypos(all: Record<string, unknown>): string[] {
  const ns = NAMESPACE.slice(0, -1);
  return Object.keys(all)
    .filter((key) => {
      const head = key.includes(":") ? key.slice(0, key.indexOf(":")) : undefined;
      return head !== undefined && head !== ns && distance(head.toLowerCase(), ns) <= 2;
    })
    .map((key) => `${key}: unknown namespace "${key.slice(0, key.indexOf(":"))}"; did you mean ${NAMESPACE}${key.slice(key.indexOf(":") + 1)}?`);
}

/** A store listed with no settings (`postgres:` alone, YAML null) is enabled with its defaults. */
function listedStores(raw: Record<string, unknown>): Record<string, unknown> {
  const stores = raw.stores;
  if (stores === null || typeof stores !== "object" || Array.isArray(stores)) return raw;
  return { ...raw, stores: Object.fromEntries(Object.entries(stores).map(([k, v]) => [k, v === null ? {} : v])) };
}

/** Options of `parseConfig`. */
export interface ParseOptions extends Partial<PathContext> {
  /** Problems found before parsing (e.g. `namespaceTypos`), reported with the rest. */
  problems?: string[];
}

export { PROJECT_ROOT } from "../../components/init/project-root";

/**
 * Validates the whole `polystore:` namespace and every cross-field rule,
 * including the paths (inside `root`, default the project). Throws one
 * ConfigError listing every problem with its key path.
 */
export function parseConfig(raw: Record<string, unknown>, options: ParseOptions = {}): PolystoreConfig {
  const earlier = options.problems ?? [];
  const parsed = configSchema.safeParse(listedStores(raw), { reportInput: true });
  if (!parsed.success) throw new ConfigError([...earlier, ...formatIssues(configSchema, parsed.error.issues)]);
  const problems: string[] = [...earlier];
  const paths = projectPaths({ root: options.root ?? PROJECT_ROOT, stack: options.stack });
  for (const check of [...CONFIG_CHECKS, ...STORE_RULES, paths]) check(parsed.data, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return parsed.data;
}

/** The current stack's validated configuration. */
export function loadConfig(): PolystoreConfig {
  const all = pulumi.runtime.allConfig();
  return parseConfig(rawNamespace(all), { stack: pulumi.getStack(), problems: namespaceTypos(all) });
}
