/**
 * Finding init scripts on disk, checksumming them and substituting placeholders.
 *
 * Layout: `<dir>/NNN_description.<ext>`: NNN is at least three digits (the
 * version, > 0), description is letters, digits, `_` or `-`. Dotfiles and
 * README* files are ignored; anything else that does not match is an error.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import type { PreparedScript, ScriptFile } from "./types";

const NAME_RE = /^(\d{3,})_([A-Za-z0-9][A-Za-z0-9_-]*)(\.[A-Za-z0-9]+)$/;
const PLACEHOLDER_RE = /\$(\$?)\{([^}\n]*)\}/g;
const PLACEHOLDER_NAME_RE = /^[A-Z][A-Z0-9_]*$/;

/** Every problem found in a scripts directory, reported at once. */
export class ScriptDiscoveryError extends Error {
  constructor(readonly dir: string, readonly problems: string[]) {
    super(`init scripts in ${dir}:\n  - ${problems.join("\n  - ")}`);
    this.name = "ScriptDiscoveryError";
  }
}

/** CRLF → LF (and a lone CR → LF), so a checkout's line endings never change a checksum. */
export function normaliseText(text: string): string {
  return text.replace(/\r\n?/g, "\n");
}

/** sha256 (hex) of the UTF-8 bytes of the normalised text. */
export function checksumOf(bytes: Buffer | string): string {
  const text = typeof bytes === "string" ? bytes : bytes.toString("utf8");
  return createHash("sha256").update(normaliseText(text), "utf8").digest("hex");
}

/**
 * Reads `dir` and returns its scripts sorted by version. Throws a
 * {@link ScriptDiscoveryError} listing every bad name, wrong extension and
 * duplicate version (each naming the file).
 */
export function discoverScripts(dir: string, extensions: readonly string[]): ScriptFile[] {
  const abs = resolve(dir);
  let names: string[];
  try {
    names = readdirSync(abs).sort();
  } catch (err) {
    throw new ScriptDiscoveryError(abs, [`cannot read the directory: ${(err as Error).message}`]);
  }
  const problems: string[] = [];
  const byVersion = new Map<number, ScriptFile>();
  for (const fileName of names) {
    if (fileName.startsWith(".") || /^readme/i.test(fileName)) continue;
    const path = join(abs, fileName);
    if (statSync(path).isDirectory()) {
      problems.push(`${fileName}: unexpected directory (scripts must sit directly in ${abs})`);
      continue;
    }
    const m = NAME_RE.exec(fileName);
    if (!m) {
      problems.push(`${fileName}: bad name, expected NNN_description.<ext> (at least 3 digits, then _, then letters, digits, _ or -), e.g. 001_initial_schema${extensions[0] ?? ".sql"}`);
      continue;
    }
    const version = Number(m[1]);
    const extension = m[3]!.toLowerCase();
    if (!extensions.includes(extension)) {
      problems.push(`${fileName}: extension ${extension} is not accepted here (expected ${extensions.join(" or ")})`);
      continue;
    }
    if (version <= 0) {
      problems.push(`${fileName}: version must be greater than 0`);
      continue;
    }
    const dup = byVersion.get(version);
    if (dup) {
      problems.push(`${fileName}: duplicate version ${version} (also used by ${dup.fileName})`);
      continue;
    }
    const raw = readFileSync(path);
    byVersion.set(version, {
      version,
      name: m[2]!,
      fileName,
      path,
      extension,
      checksum: checksumOf(raw),
      content: normaliseText(raw.toString("utf8")),
    });
  }
  if (problems.length) throw new ScriptDiscoveryError(abs, problems);
  return [...byVersion.values()].sort((a, b) => a.version - b.version);
}

/**
 * Replaces `${NAME}` with `values[NAME]`. `$${NAME}` yields a literal `${NAME}`.
 * Unknown or malformed placeholders are errors naming the file and line; all
 * are reported at once.
 */
export function substitutePlaceholders(text: string, values: Record<string, string>, fileName = "<script>"): string {
  const problems: string[] = [];
  const lines = text.split("\n");
  const result = lines.map((line, i) =>
    line.replace(PLACEHOLDER_RE, (whole, escape: string, name: string) => {
      if (escape) return whole.slice(1);
      if (!PLACEHOLDER_NAME_RE.test(name)) {
        problems.push(`${fileName}:${i + 1}: malformed placeholder ${whole} (expected \${UPPER_CASE_NAME})`);
        return whole;
      }
      const value = values[name];
      if (value === undefined) {
        const known = Object.keys(values).sort();
        problems.push(`${fileName}:${i + 1}: unknown placeholder \${${name}} (known: ${known.length ? known.join(", ") : "none"})`);
        return whole;
      }
      return value;
    }),
  );
  if (problems.length) throw new Error(problems.join("\n"));
  return result.join("\n");
}

/** A script with its placeholders substituted, ready for `adapter.apply`. */
export function prepareScript(script: ScriptFile, values: Record<string, string>): PreparedScript {
  return { ...script, body: substitutePlaceholders(script.content, values, script.fileName) };
}
