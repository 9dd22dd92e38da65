import * as fs from "fs";
import * as yaml from "js-yaml";
import { UsageError } from "./errors";
import { META_NS } from "./expiry";

/**
 * The template stack file review stacks are made from (default
 * `Pulumi.review.yaml`): a Pulumi stack file whose `config:` is copied into
 * every review stack. String values may use placeholders, replaced per PR:
 * `{{pr}}`, `{{stack}}` and `{{env:NAME}}` (an environment variable, e.g. a
 * CI secret; a value that uses one is stored as a secret), see fill.ts.
 * `secure:` values are decrypted with the template's own secrets provider
 * (workspace.ts) and stored as secrets again, leaf by leaf (stack-config.ts).
 */

/** A path inside an object config value: keys and list indexes. */
export type LeafPath = Array<string | number>;

/**
 * One config value in the shape of `pulumi config --json` (`value`,
 * `objectValue`, `secret`), plus which leaves of an object value are secret.
 */
export interface ConfigEntry {
  /** The value as a string (JSON text for objects). */
  value: string;
  /** The value as an object, for object values. */
  objectValue?: unknown;
  /** A secret scalar (for object values see `secretPaths`). */
  secret: boolean;
  /** Secret leaves of an object value (each a string). */
  secretPaths?: LeafPath[];
}

/** A template stack file, read and checked. */
export interface TemplateFile {
  /** Path as given. */
  path: string;
  /** Raw file content. */
  text: string;
  /** `config:` with fully qualified keys (`polystore:stores`). */
  config: Record<string, unknown>;
  /** Whether any value (or nested value) is `secure:`. */
  hasSecure: boolean;
  /** `secretsprovider:` of the file, if any. */
  secretsProvider?: string;
  /** `encryptionsalt:` / `encryptedkey:` present. */
  hasEncryptionState: boolean;
}

const TOP_LEVEL = new Set(["config", "encryptionsalt", "secretsprovider", "encryptedkey"]);

/** Whether a YAML value is Pulumi's `{ secure: "<ciphertext>" }`. */
export function isSecure(v: unknown): boolean {
  return typeof v === "object" && v !== null && !Array.isArray(v) && Object.keys(v).length === 1 && typeof (v as { secure?: unknown }).secure === "string";
}

/** Paths of the `secure:` nodes inside a YAML value (`[]` when the value itself is secure). */
export function securePaths(v: unknown, at: LeafPath = []): LeafPath[] {
  if (isSecure(v)) return [at];
  if (Array.isArray(v)) return v.flatMap((x, i) => securePaths(x, [...at, i]));
  if (typeof v === "object" && v !== null) return Object.entries(v).flatMap(([k, x]) => securePaths(x, [...at, k]));
  return [];
}

/** Reads and checks a template stack file; every problem at once as a UsageError (exit 2). */
export function readTemplate(file: string, project: string): TemplateFile {
  if (!fs.existsSync(file)) {
    throw new UsageError(`Template stack file ${file} not found.`, [
      `--base: expected a Pulumi stack file (default Pulumi.review.yaml in the project root), got ${file}`,
    ]);
  }
  const text = fs.readFileSync(file, "utf8");
  let doc: unknown;
  try {
    doc = yaml.load(text, { filename: file });
  } catch (err) {
    throw new UsageError(`Template stack file ${file} is not valid YAML:`, [(err as Error).message.split("\n")[0]]);
  }
  const problems: string[] = [];
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) {
    throw new UsageError(`Template stack file ${file}:`, ["expected a mapping with a `config:` section"]);
  }
  const top = doc as Record<string, unknown>;
  for (const k of Object.keys(top)) {
    if (!TOP_LEVEL.has(k)) problems.push(`${k}: not supported in a review template (expected ${[...TOP_LEVEL].join(", ")})`);
  }
  const raw = top.config;
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    problems.push("config: expected a mapping of config keys (e.g. polystore:target)");
  }
  const config: Record<string, unknown> = {};
  for (const [key, value] of Object.entries((raw ?? {}) as Record<string, unknown>)) {
    const full = key.includes(":") ? key : `${project}:${key}`;
    if (full.startsWith(`${META_NS}:`)) problems.push(`config.${key}: the ${META_NS} namespace is written by the review CLI, not the template`);
    if (value === null || value === undefined) problems.push(`config.${key}: expected a value, got nothing`);
    config[full] = value;
  }
  if (problems.length > 0) throw new UsageError(`Template stack file ${file} has ${problems.length} problem(s):`, problems);
  const hasSecure = Object.values(config).some((v) => securePaths(v).length > 0);
  return {
    path: file,
    text,
    config,
    hasSecure,
    secretsProvider: typeof top.secretsprovider === "string" ? top.secretsprovider : undefined,
    hasEncryptionState: typeof top.encryptionsalt === "string" || typeof top.encryptedkey === "string",
  };
}

/** The template's values as `config set-all --json` entries (a template without `secure:` values). */
export function entriesFromYaml(config: Record<string, unknown>): Record<string, ConfigEntry> {
  const out: Record<string, ConfigEntry> = {};
  for (const [key, v] of Object.entries(config)) {
    out[key] =
      typeof v === "object" && v !== null
        ? { value: JSON.stringify(v), objectValue: v, secret: false, secretPaths: [] }
        : { value: String(v), secret: false };
  }
  return out;
}

/**
 * Decrypted values (`pulumi config --show-secrets --json` of the template)
 * with the secret leaves marked where the template has `secure:` nodes:
 * only those leaves stay secret, not the whole object.
 */
export function entriesFromDecrypted(
  config: Record<string, unknown>,
  decrypted: Record<string, { value?: string; objectValue?: unknown; secret?: boolean }>,
): Record<string, ConfigEntry> {
  const out: Record<string, ConfigEntry> = {};
  for (const [key, tpl] of Object.entries(config)) {
    const d = decrypted[key];
    if (!d || d.value === undefined) continue;
    const paths = securePaths(tpl);
    if (d.objectValue !== undefined && typeof d.objectValue === "object" && d.objectValue !== null) {
      out[key] = { value: d.value, objectValue: d.objectValue, secret: false, secretPaths: paths };
    } else {
      out[key] = { value: d.value, secret: paths.length > 0 };
    }
  }
  return out;
}

