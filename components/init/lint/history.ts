/**
 * `--base <git-ref>` rules: scripts are append-only once applied. A script that
 * exists at the base ref counts as applied (it was merged, so some environment ran it).
 */
import { execFileSync } from "node:child_process";
import { checksumOf } from "../scripts";
import type { StoreKind } from "../../core/types";
import { finding, type Finding, type LintRule, type LintScript } from "./types";

const ALL: readonly StoreKind[] = ["postgres", "clickhouse", "neo4j", "mongodb", "elasticsearch", "redis"];
const rule = (id: string, summary: string): LintRule => ({ id, severity: "error", stores: ALL, summary });

export const HISTORY_APPLIED_EDITED = rule("history-applied-edited", "A script present at the base ref was edited: applied scripts never re-run, so the edit reaches no existing environment (apply refuses it). Put the change in a new script.");
export const HISTORY_APPLIED_REMOVED = rule("history-applied-removed", "A script present at the base ref was removed: environments keep what it did and a new environment no longer gets it.");
export const HISTORY_OUT_OF_ORDER = rule("history-out-of-order", "A new script is numbered below the highest script at the base ref: existing environments run it after higher-numbered ones, new environments before them.");

export const HISTORY_RULES: LintRule[] = [HISTORY_APPLIED_EDITED, HISTORY_APPLIED_REMOVED, HISTORY_OUT_OF_ORDER];

/** A script file at the base ref. */
interface BaseScript {
  fileName: string;
  version: number;
  checksum: string;
}

function git(cwd: string, args: string[]): string {
  try {
    return execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 * 1024 * 1024 });
  } catch (err) {
    const stderr = String((err as { stderr?: unknown }).stderr ?? "").trim();
    throw new Error(`git ${args.join(" ")} (in ${cwd}) failed: ${stderr || (err as Error).message}`);
  }
}

/** Throws a clear error unless `ref` names a commit in the repository holding `dir`. */
export function checkBaseRef(dir: string, ref: string): void {
  try {
    git(dir, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
  } catch {
    throw new Error(`--base ${ref}: not a commit in the git repository holding ${dir}`);
  }
}

/** The scripts of `storeDir` (relative to `root`) at `ref`; [] when the folder did not exist there. */
export function scriptsAtBase(root: string, storeDir: string, ref: string, extensions: readonly string[]): BaseScript[] {
  const listing = git(root, ["ls-tree", "--name-only", "-z", ref, "--", `${storeDir}/`]);
  const out: BaseScript[] = [];
  for (const path of listing.split("\0").filter(Boolean)) {
    const fileName = path.split("/").pop()!;
    const m = /^(\d{3,})_[A-Za-z0-9][A-Za-z0-9_-]*(\.[A-Za-z0-9]+)$/.exec(fileName);
    if (!m || !extensions.includes(m[2]!.toLowerCase())) continue;
    out.push({ fileName, version: Number(m[1]), checksum: checksumOf(git(root, ["show", `${ref}:./${storeDir}/${fileName}`])) });
  }
  return out.sort((a, b) => a.version - b.version);
}

/**
 * Findings for one store: `current` are the scripts on disk (with checksums),
 * `base` those at the ref. `fileOf` builds the reported path of a file name.
 */
export function historyFindings(
  store: StoreKind,
  current: ReadonlyArray<LintScript & { checksum: string }>,
  base: readonly BaseScript[],
  fileOf: (fileName: string) => string,
  ref: string,
): Finding[] {
  const out: Finding[] = [];
  const now = new Map(current.map((s) => [s.fileName, s]));
  const before = new Set(base.map((b) => b.fileName));
  const highest = base.reduce((max, b) => Math.max(max, b.version), 0);
  for (const b of base) {
    const s = now.get(b.fileName);
    if (!s) {
      const stub: LintScript = { store, file: fileOf(b.fileName), fileName: b.fileName, version: b.version, content: "" };
      out.push(finding(stub, HISTORY_APPLIED_REMOVED, 1, `${b.fileName} exists at ${ref} (applied) and was removed`));
    } else if (s.checksum !== b.checksum) {
      out.push(finding(s, HISTORY_APPLIED_EDITED, 1, `${b.fileName} exists at ${ref} (applied) and was edited; put the change in a new script`));
    }
  }
  for (const s of current) {
    if (!before.has(s.fileName) && s.version < highest) {
      out.push(finding(s, HISTORY_OUT_OF_ORDER, 1, `new script ${s.fileName} is numbered below ${highest}, the highest at ${ref}; renumber it above ${highest}`));
    }
  }
  return out;
}
