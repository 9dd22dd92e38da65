import { ConfigError, namespaceTypos, parseConfig, rawNamespace } from "../config";
import { UsageError } from "./errors";
import type { ConfigEntry, LeafPath } from "./template";

/**
 * Filling a template in for one PR: placeholders, the program's own config
 * validation, and keeping secrets out of every message.
 */

/** Values placeholders are replaced with. */
export interface PlaceholderValues {
  pr: number;
  stack: string;
  env: Record<string, string | undefined>;
}

const PLACEHOLDER = /\{\{\s*([^}]*?)\s*\}\}/g;

/** `polystore:stores.redis.external.adminPassword` style path for messages and `config set --path`. */
export function formatPath(key: string, path: LeafPath): string {
  return (
    key +
    path.map((p) => (typeof p === "number" ? `[${p}]` : /^[A-Za-z_][A-Za-z0-9_-]*$/.test(p) ? `.${p}` : `[${JSON.stringify(p)}]`)).join("")
  );
}

/**
 * Replaces `{{pr}}`, `{{stack}}` and `{{env:NAME}}` in every string value.
 * A value that used an environment variable becomes secret (the leaf, for
 * object values). Unknown placeholders and unset variables are problems,
 * all reported at once. Returns the filled entries and the values that must
 * never be printed.
 */
export function substitute(
  entries: Record<string, ConfigEntry>,
  values: PlaceholderValues,
  file: string,
): { entries: Record<string, ConfigEntry>; sensitive: string[] } {
  const problems: string[] = [];
  const sensitive: string[] = [];
  const missing = new Map<string, string[]>();
  const out: Record<string, ConfigEntry> = {};
  for (const [key, entry] of Object.entries(entries)) {
    const envLeaves: LeafPath[] = [];
    const replace = (s: string, path: LeafPath): string => {
      const where = formatPath(key, path);
      let usedEnv = false;
      const result = s.replace(PLACEHOLDER, (whole, name: string) => {
        if (name === "pr") return String(values.pr);
        if (name === "stack") return values.stack;
        const env = /^env:([A-Za-z_][A-Za-z0-9_]*)$/.exec(name);
        if (env) {
          usedEnv = true;
          const v = values.env[env[1]];
          if (v === undefined || v === "") missing.set(env[1], [...(missing.get(env[1]) ?? []), where]);
          else sensitive.push(v);
          return v ?? "";
        }
        problems.push(`${where}: unknown placeholder ${whole} (expected {{pr}}, {{stack}} or {{env:NAME}})`);
        return whole;
      });
      if (usedEnv) envLeaves.push(path);
      return result;
    };
    const walk = (v: unknown, path: LeafPath): unknown => {
      if (typeof v === "string") return replace(v, path);
      if (Array.isArray(v)) return v.map((x, i) => walk(x, [...path, i]));
      if (typeof v === "object" && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, [...path, k])]));
      return v;
    };
    if (entry.objectValue !== undefined) {
      const objectValue = walk(entry.objectValue, []);
      const secretPaths = [...(entry.secretPaths ?? []), ...envLeaves];
      out[key] = { value: JSON.stringify(objectValue), objectValue, secret: false, secretPaths };
    } else {
      const value = replace(entry.value, []);
      out[key] = { value, secret: entry.secret || envLeaves.length > 0 };
    }
  }
  for (const [name, where] of missing) {
    problems.push(`environment variable ${name} is not set (used by {{env:${name}}} at ${where.join(", ")})`);
  }
  if (problems.length > 0) throw new UsageError(`Template stack file ${file} cannot be filled in:`, problems);
  return { entries: out, sensitive };
}

/** The value at a path inside an object. */
export function valueAt(obj: unknown, path: LeafPath): unknown {
  let cur = obj;
  for (const p of path) cur = typeof cur === "object" && cur !== null ? (cur as Record<string | number, unknown>)[p] : undefined;
  return cur;
}

/** Every secret value of the entries (secret scalars and secret leaves), for scrubbing messages. */
export function secretValues(entries: Record<string, ConfigEntry>): string[] {
  const out: string[] = [];
  for (const e of Object.values(entries)) {
    if (e.objectValue === undefined) {
      if (e.secret) out.push(e.value);
      continue;
    }
    for (const p of e.secretPaths ?? []) {
      const v = valueAt(e.objectValue, p);
      out.push(typeof v === "string" ? v : JSON.stringify(v));
    }
  }
  return out.filter((v) => v.length > 0);
}

/** Replaces each sensitive value in a message with `[secret]`. */
export function scrub(message: string, sensitive: Iterable<string>): string {
  let out = message;
  for (const s of [...sensitive].filter((x) => x.length > 0).sort((a, b) => b.length - a.length)) out = out.split(s).join("[secret]");
  return out;
}

/**
 * Checks the filled-in `polystore:` values with the program's own schema,
 * so a bad template fails (exit 2) before any stack is created.
 */
export function validateEntries(entries: Record<string, ConfigEntry>, file: string): void {
  const raw: Record<string, unknown> = {};
  for (const [key, e] of Object.entries(entries)) raw[key] = e.objectValue !== undefined ? e.objectValue : e.value;
  try {
    parseConfig(rawNamespace(raw), { problems: namespaceTypos(raw) });
  } catch (err) {
    if (err instanceof ConfigError) {
      const secrets = secretValues(entries);
      throw new UsageError(
        `Template stack file ${file} is not a valid polystore configuration:`,
        err.problems.map((p) => scrub(p, secrets)),
      );
    }
    throw err;
  }
}
