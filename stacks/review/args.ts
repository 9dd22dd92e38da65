import { UsageError } from "./errors";
import { parsePr } from "./naming";
import { DEFAULT_TTL, parseTtl } from "./ttl";

/** Default template stack file, relative to the project root. */
export const DEFAULT_TEMPLATE = "Pulumi.review.yaml";

/** A parsed `npm run review -- <command>` invocation. */
export type ReviewCommand =
  | { command: "up"; pr: number; ttl: string; ttlMs: number; base: string; summaryFile?: string; seed?: string }
  | { command: "down"; pr: number }
  | { command: "list"; json: boolean }
  | { command: "gc"; dryRun: boolean; json: boolean }
  | { command: "help" };

export const USAGE = `Usage: npm run review -- <command> [options]

Ephemeral review stacks (review-pr-<n>) of the polystore data layer, one per pull request.

Commands:
  up   --pr <n> [--ttl 72h] [--base Pulumi.review.yaml] [--summary-file <path>] [--seed <snapshot>]
       Create or update review-pr-<n> from the template stack file, run \`pulumi up\`
       (progress streamed) and print a Markdown summary for the PR comment.
       --ttl: 30m, 72h, 7d ... (5m to 30d, default ${DEFAULT_TTL}); every up restarts it.
       --seed: after the up, load the named snapshot (npm run snapshot -- save) into the
       review stack's stores, replacing what the init scripts made, and verify it.
  down --pr <n>
       Destroy review-pr-<n> and remove the stack and its Pulumi.review-pr-<n>.yaml.
       A stack that is already gone is a success.
  list [--json]
       Review stacks with PR, age, expiry and state (active/expired/unknown).
  gc   [--dry-run] [--json]
       Destroy and remove every review stack past its expiry; goes on past failures,
       exits 1 if any failed.

Environment: PULUMI_BACKEND_URL (e.g. file:///path, s3://bucket) or PULUMI_ACCESS_TOKEN;
PULUMI_CONFIG_PASSPHRASE (or _FILE) for the passphrase secrets provider.
Exit codes: 0 ok, 1 an operation failed, 2 usage or template error, 3 environment not ready.`;

/** Flags each command accepts; `true` marks a boolean flag. */
const FLAGS: Record<string, Record<string, boolean>> = {
  up: { pr: false, ttl: false, base: false, "summary-file": false, seed: false },
  down: { pr: false },
  list: { json: true },
  gc: { "dry-run": true, json: true },
  help: {},
};

/**
 * Parses argv (after `--`). Every problem is collected and thrown as one
 * UsageError (exit 2) before anything is looked up or created.
 */
export function parseArgs(argv: string[]): ReviewCommand {
  const [command, ...rest] = argv;
  if (command === undefined || command === "help" || command === "--help" || command === "-h") return { command: "help" };
  const allowed = FLAGS[command];
  if (!allowed) throw new UsageError(`Unknown command ${JSON.stringify(command)}.\n\n${USAGE}`);

  const problems: string[] = [];
  const values: Record<string, string | true> = {};
  for (let i = 0; i < rest.length; i++) {
    const token = rest[i];
    if (token === "--help" || token === "-h") return { command: "help" };
    if (!token.startsWith("--")) {
      problems.push(`unexpected argument ${JSON.stringify(token)} (options start with --)`);
      continue;
    }
    const eq = token.indexOf("=");
    const name = token.slice(2, eq >= 0 ? eq : undefined);
    if (!(name in allowed)) {
      problems.push(`--${name}: unknown option for ${command} (expected ${Object.keys(allowed).map((f) => `--${f}`).join(", ") || "none"})`);
      if (eq < 0 && rest[i + 1] !== undefined && !rest[i + 1].startsWith("--")) i++;
      continue;
    }
    if (name in values) problems.push(`--${name}: given more than once`);
    if (allowed[name]) {
      if (eq >= 0) problems.push(`--${name}: takes no value`);
      values[name] = true;
    } else if (eq >= 0) {
      values[name] = token.slice(eq + 1);
    } else if (rest[i + 1] !== undefined && !rest[i + 1].startsWith("--")) {
      values[name] = rest[++i];
    } else {
      problems.push(`--${name}: expected a value`);
      values[name] = "";
    }
  }
  const str = (name: string) => (typeof values[name] === "string" ? (values[name] as string) : undefined);
  const flag = (name: string) => values[name] === true;

  let pr = 0;
  if (command === "up" || command === "down") {
    const parsed = parsePr(str("pr"));
    if (parsed.ok) pr = parsed.pr;
    else if (!problems.some((p) => p.startsWith("--pr:"))) problems.push(parsed.problem);
  }
  let ttlMs = 0;
  const ttl = str("ttl") ?? DEFAULT_TTL;
  if (command === "up") {
    const parsed = parseTtl(ttl);
    if (parsed.ok) ttlMs = parsed.ms;
    else if (!problems.some((p) => p.startsWith("--ttl:"))) problems.push(parsed.problem);
    if (str("base") === "") problems.push("--base: expected a template stack file path");
    if (str("summary-file") === "") problems.push("--summary-file: expected a file path");
    const seed = str("seed");
    if (seed !== undefined && !/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(seed)) problems.push(`--seed: expected a snapshot name (letters, digits, "-" and "_"), got ${JSON.stringify(seed)}`);
  }
  if (problems.length > 0) {
    throw new UsageError(`Invalid arguments for \`review ${command}\` (see \`npm run review -- help\`):`, problems);
  }

  switch (command) {
    case "up":
      return { command, pr, ttl: ttl.trim().toLowerCase(), ttlMs, base: str("base") ?? DEFAULT_TEMPLATE, summaryFile: str("summary-file"), ...(str("seed") ? { seed: str("seed") } : {}) };
    case "down":
      return { command, pr };
    case "list":
      return { command, json: flag("json") };
    case "gc":
      return { command, dryRun: flag("dry-run"), json: flag("json") };
    default:
      return { command: "help" };
  }
}
