/**
 * Small helpers shared by the backup drivers: run an external tool with its
 * secrets in the environment (never argv), compare counts.
 */
import { spawn } from "node:child_process";
import { errorText } from "../init/adapter";
import type { Counts } from "./types";

export interface ToolRun {
  /** Extra environment (passwords go here, e.g. PGPASSWORD, REDISCLI_AUTH). */
  env?: Record<string, string>;
  /** Strings masked in error messages. */
  secrets?: readonly string[];
}

/** Runs `cmd args`; resolves with stdout, rejects naming the tool, its exit code and the last stderr lines. */
export function runTool(cmd: string, args: readonly string[], opts: ToolRun = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: { ...process.env, ...opts.env }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("error", (e) => reject(new Error(`cannot run ${cmd} (${(e as NodeJS.ErrnoException).code ?? e.message}); is it installed and on PATH?`)));
    child.on("close", (code, signal) => {
      if (code === 0) return resolve(out);
      const tail = errorText(new Error(err.trim().split("\n").slice(-4).join(" | ")), opts.secrets ?? []);
      reject(new Error(`${cmd} failed (exit ${code ?? signal}): ${tail || "no error output"}`));
    });
  });
}

/** One line per difference between expected and actual counts of one group ("" when equal). */
export function countDifferences(group: string, expected: Counts, actual: Counts): string[] {
  const out: string[] = [];
  for (const key of [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort()) {
    if (expected[key] !== actual[key]) out.push(`${group} ${key}: expected ${expected[key] ?? "none"}, found ${actual[key] ?? "none"}`);
  }
  return out;
}

/** Every difference across all groups. */
export function allCountDifferences(expected: Record<string, Counts>, actual: Record<string, Counts>): string[] {
  const groups = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort();
  return groups.flatMap((g) => countDifferences(g, expected[g] ?? {}, actual[g] ?? {}));
}

/** A name for staging objects: `<base>_r<id>` with the id's digits only (fits identifier rules). */
export function stagingName(base: string, id: string, sep = "_"): string {
  return `${base}${sep}r${id.replace(/\D/g, "")}`;
}
