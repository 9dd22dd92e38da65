/**
 * Reads a `Pulumi.<stack>.yaml` file the way the offline check needs it:
 * the `polystore:` namespace as objects (what `parseConfig` takes), every key
 * as the strings Pulumi hands a program, and which keys hold secrets.
 * Encrypted values (`{secure: …}`) cannot be decrypted offline: they become
 * a placeholder string, still marked secret.
 */
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";

export const SECRET_PLACEHOLDER = "offline-check-placeholder-secret";

/** The pull request a review template (`{{pr}}` placeholders, see stacks/review) is filled in for. */
export const TEMPLATE_PR = 1;
const PLACEHOLDER = /\{\{\s*([^}]*?)\s*\}\}/g;

export interface StackFile {
  /** Stack name from the file name (`Pulumi.dev.yaml` → dev). */
  stack: string;
  /** `polystore:*` values without the prefix, objects kept as objects. */
  polystore: Record<string, unknown>;
  /** Every config key as Pulumi passes it to a program (objects as JSON). */
  all: Record<string, string>;
  /** Keys whose value is, or contains, a secure value (or an `{{env:…}}` placeholder). */
  secretKeys: string[];
  /** Set for a review template: the placeholders were filled in for this pull request. */
  templatePr?: number;
}

/** Raised when a stack file cannot be read or parsed (not for schema problems: parseConfig reports those). */
export class StackFileError extends Error {
  constructor(file: string, detail: string) {
    super(`${file}: ${detail}`);
    this.name = "StackFileError";
  }
}

/**
 * Secure values → placeholder; review-template placeholders filled in for
 * TEMPLATE_PR (`{{pr}}`, `{{stack}}`, `{{env:NAME}}` → a secret placeholder).
 */
function replaceSecure(v: unknown, filled: { template: boolean }): { value: unknown; secret: boolean } {
  if (typeof v === "string" && v.includes("{{")) {
    filled.template = true;
    let secret = false;
    const value = v.replace(PLACEHOLDER, (whole, name: string) => {
      if (name === "pr") return String(TEMPLATE_PR);
      if (name === "stack") return `review-pr-${TEMPLATE_PR}`;
      if (/^env:/.test(name)) {
        secret = true;
        return SECRET_PLACEHOLDER;
      }
      return whole;
    });
    return { value, secret };
  }
  if (Array.isArray(v)) {
    const items = v.map((x) => replaceSecure(x, filled));
    return { value: items.map((i) => i.value), secret: items.some((i) => i.secret) };
  }
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    if (Object.keys(o).length === 1 && typeof o.secure === "string") return { value: SECRET_PLACEHOLDER, secret: true };
    let secret = false;
    const out: Record<string, unknown> = {};
    for (const [k, child] of Object.entries(o)) {
      const r = replaceSecure(child, filled);
      out[k] = r.value;
      secret ||= r.secret;
    }
    return { value: out, secret };
  }
  return { value: v, secret: false };
}

/** Stack name of a `Pulumi.<stack>.yaml` path, or undefined for other files. */
export function stackNameOf(file: string): string | undefined {
  const m = /^Pulumi\.(.+)\.ya?ml$/.exec(path.basename(file));
  return m ? m[1] : undefined;
}

export function readStackFile(file: string): StackFile {
  const stack = stackNameOf(file);
  if (!stack) throw new StackFileError(file, "expected a file named Pulumi.<stack>.yaml");
  let doc: unknown;
  try {
    doc = yaml.load(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new StackFileError(file, (e as Error).message.split("\n")[0]);
  }
  if (doc !== undefined && doc !== null && (typeof doc !== "object" || Array.isArray(doc))) throw new StackFileError(file, "expected a YAML mapping");
  const config = ((doc as { config?: unknown } | null)?.config ?? {}) as Record<string, unknown>;
  if (typeof config !== "object" || Array.isArray(config)) throw new StackFileError(file, "`config:` must be a mapping");
  const out: StackFile = { stack, polystore: {}, all: {}, secretKeys: [] };
  const filled = { template: false };
  for (const [key, raw] of Object.entries(config)) {
    const { value, secret } = replaceSecure(raw, filled);
    out.all[key] = typeof value === "string" ? value : JSON.stringify(value);
    if (secret) out.secretKeys.push(key);
    if (key.startsWith("polystore:")) out.polystore[key.slice("polystore:".length)] = value;
  }
  if (filled.template) {
    // A review template is deployed as review-pr-<n> stacks.
    out.templatePr = TEMPLATE_PR;
    out.stack = `review-pr-${TEMPLATE_PR}`;
  }
  return out;
}

/**
 * Whether a stack file is an instance of the review template
 * (`Pulumi.review-pr-<n>.yaml`, written by `npm run review -- up`): the
 * template itself (Pulumi.review.yaml) is what the check covers.
 */
export function isReviewInstance(file: string): boolean {
  return /^review-pr-\d+$/.test(stackNameOf(file) ?? "");
}

/** `Pulumi.<stack>.yaml` files in a directory, sorted; review-template instances only when asked for. */
export function stackFilesIn(dir: string, opts: { reviewInstances?: boolean } = {}): string[] {
  return fs
    .readdirSync(dir)
    .filter((f) => stackNameOf(f) !== undefined && (opts.reviewInstances || !isReviewInstance(f)))
    .sort()
    .map((f) => path.join(dir, f));
}
