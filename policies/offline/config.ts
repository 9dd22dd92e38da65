/**
 * Policy-pack configuration with the Pulumi engine's semantics
 * (pkg/resource/analyzer/config.go): each policy starts at its own
 * enforcement level and its configSchema defaults; `"all"` then sets every
 * policy's level; then per-policy entries (a level string, or an object with
 * `enforcementLevel` and properties) apply. Properties are validated against
 * each policy's configSchema. Unlike the engine, unknown policy names and
 * unknown properties are errors here, so a typo cannot silently disable a rule.
 */
import * as fs from "fs";
import type { EnforcementLevel, PolicyConfigSchema } from "@pulumi/policy";

const LEVELS: EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

/** What the offline runner needs of a policy. */
export interface PolicyMeta {
  name: string;
  enforcementLevel?: EnforcementLevel;
  configSchema?: PolicyConfigSchema;
}

/** One policy's effective configuration. */
export interface EffectiveConfig {
  enforcementLevel: EnforcementLevel;
  properties: Record<string, unknown>;
}

/** Raised for an unreadable or invalid policy-pack config file; lists every problem. */
export class PolicyConfigError extends Error {
  constructor(
    public readonly file: string,
    public readonly problems: string[],
  ) {
    super(`Invalid policy-pack config ${file} (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "PolicyConfigError";
  }
}

type Schema = Record<string, unknown>;

/** The subset of JSON Schema policy configs use: type, enum, minimum/maximum, items, properties. */
export function schemaErrors(schema: Schema, value: unknown, where: string): string[] {
  const errs: string[] = [];
  const type = schema.type as string | undefined;
  const actual = Array.isArray(value) ? "array" : value === null ? "null" : Number.isInteger(value) ? "integer" : typeof value;
  const okType = !type || type === actual || (type === "number" && actual === "integer");
  if (!okType) return [`${where}: expected ${type}, got ${JSON.stringify(value)}`];
  if (Array.isArray(schema.enum) && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) {
    errs.push(`${where}: expected one of ${schema.enum.map((e) => JSON.stringify(e)).join(", ")}, got ${JSON.stringify(value)}`);
  }
  if (typeof value === "number") {
    if (typeof schema.minimum === "number" && value < schema.minimum) errs.push(`${where}: expected at least ${schema.minimum}, got ${value}`);
    if (typeof schema.maximum === "number" && value > schema.maximum) errs.push(`${where}: expected at most ${schema.maximum}, got ${value}`);
  }
  if (Array.isArray(value) && schema.items) value.forEach((v, i) => errs.push(...schemaErrors(schema.items as Schema, v, `${where}[${i}]`)));
  if (actual === "object" && schema.properties) {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const sub = (schema.properties as Record<string, Schema>)[k];
      if (sub) errs.push(...schemaErrors(sub, v, `${where}.${k}`));
    }
  }
  return errs;
}

/** Reconciles a parsed config file (or `{}`) with the policies' defaults; throws PolicyConfigError. */
export function reconcile(policies: PolicyMeta[], raw: unknown, file = "policy-config"): Map<string, EffectiveConfig> {
  const problems: string[] = [];
  const result = new Map<string, EffectiveConfig>();
  for (const p of policies) {
    const defaults: Record<string, unknown> = {};
    for (const [k, s] of Object.entries(p.configSchema?.properties ?? {})) if ("default" in s) defaults[k] = (s as Schema).default;
    result.set(p.name, { enforcementLevel: p.enforcementLevel ?? "advisory", properties: defaults });
  }
  if (raw === undefined || raw === null) return result;
  if (typeof raw !== "object" || Array.isArray(raw)) throw new PolicyConfigError(file, ["expected a JSON object mapping policy names (or \"all\") to a level or an object"]);

  const level = (v: unknown, where: string): EnforcementLevel | undefined => {
    if (v === undefined) return undefined;
    if (typeof v === "string" && (LEVELS as string[]).includes(v)) return v as EnforcementLevel;
    problems.push(`${where}: expected one of ${LEVELS.join(", ")}, got ${JSON.stringify(v)}`);
    return undefined;
  };
  const entries = Object.entries(raw as Record<string, unknown>).filter(([k]) => k !== "environments");
  const all = entries.find(([k]) => k === "all");
  if (all) {
    const l = level(typeof all[1] === "object" && all[1] !== null ? (all[1] as Record<string, unknown>).enforcementLevel : all[1], "all");
    if (l) for (const c of result.values()) c.enforcementLevel = l;
  }
  for (const [name, value] of entries) {
    if (name === "all") continue;
    const current = result.get(name);
    if (!current) {
      problems.push(`${name}: no such policy (expected one of ${[...result.keys()].join(", ")})`);
      continue;
    }
    if (typeof value === "string") {
      current.enforcementLevel = level(value, name) ?? current.enforcementLevel;
      continue;
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      problems.push(`${name}: expected an enforcement level or an object, got ${JSON.stringify(value)}`);
      continue;
    }
    const { enforcementLevel, ...props } = value as Record<string, unknown>;
    current.enforcementLevel = level(enforcementLevel, `${name}.enforcementLevel`) ?? current.enforcementLevel;
    const schema = policies.find((p) => p.name === name)!.configSchema;
    for (const [k, v] of Object.entries(props)) {
      const sub = schema?.properties?.[k] as Schema | undefined;
      if (!sub) {
        const known = Object.keys(schema?.properties ?? {});
        problems.push(`${name}.${k}: unknown property${known.length ? ` (expected one of enforcementLevel, ${known.join(", ")})` : " (this policy only takes enforcementLevel)"}`);
        continue;
      }
      const errs = schemaErrors(sub, v, `${name}.${k}`);
      if (errs.length) problems.push(...errs);
      else current.properties[k] = v;
    }
  }
  if (problems.length) throw new PolicyConfigError(file, problems);
  return result;
}

/** Reads and reconciles a policy-pack config file. */
export function loadPolicyConfig(policies: PolicyMeta[], file: string): Map<string, EffectiveConfig> {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new PolicyConfigError(file, [`cannot read the file: ${(e as Error).message}`]);
  }
  if (text.trim() === "") return reconcile(policies, undefined, file);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new PolicyConfigError(file, [`not valid JSON: ${(e as Error).message}`]);
  }
  return reconcile(policies, raw, file);
}
