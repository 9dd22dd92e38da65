import { formatDuration, formatUtc } from "./ttl";

/** A stack output as the Automation API returns it. */
export interface OutputValue {
  value: unknown;
  secret: boolean;
}

/** One row of the summary: a store and where it answers. */
export interface StoreEndpoint {
  store: string;
  target: string;
  host: string;
  port: number;
  database: string;
}

/** Arguments of `renderSummary`. */
export interface SummaryArgs {
  stack: string;
  pr: number;
  expiresAt: Date;
  /** Lifetime each `up` grants, e.g. `72h`. */
  ttl: string;
  /** The stack's outputs; only the non-secret `stores` output is read. */
  outputs: Record<string, OutputValue>;
  /** Time of rendering (for "in 3d"). Default: now. */
  now?: Date;
  /** Each store's init-script ledger after the update (stacks/review/checks.ts). */
  ledgers?: LedgerRow[];
  /** The policy check of the review stack's template. */
  policy?: PolicySummary;
}

/** One store's ledger for the comment: applied and pending script files. */
export interface LedgerRow {
  store: string;
  applied: string[];
  pending: string[];
  /** Why the ledger could not be read (no secrets). */
  error?: string;
}

/** The policy check's totals and violations. */
export interface PolicySummary {
  policies: number;
  resources: number;
  violations: Array<{ policy: string; resource: string; level: "mandatory" | "advisory" }>;
  /** Why the check could not run. */
  error?: string;
}

/** Markdown lines for the ledgers and the policy summary (empty when neither was collected). */
export function checkLines(ledgers: LedgerRow[] | undefined, policy: PolicySummary | undefined): string[] {
  const lines: string[] = [];
  const list = (xs: string[]) => (xs.length ? xs.map((x) => `\`${x}\``).join(", ") : "-");
  if (ledgers) {
    lines.push("#### Init scripts", "", "| Store | Applied | Pending |", "| --- | --- | --- |");
    for (const l of ledgers) lines.push(l.error ? `| ${l.store} | ledger not read: ${l.error.replace(/\|/g, "\\|").split("\n")[0]} | |` : `| ${l.store} | ${list(l.applied)} | ${list(l.pending)} |`);
    lines.push("");
  }
  if (policy) {
    lines.push("#### Policy check", "");
    if (policy.error) lines.push(`_The policy check could not run: ${policy.error.split("\n")[0]}_`);
    else {
      const mandatory = policy.violations.filter((v) => v.level === "mandatory").length;
      lines.push(`${policy.policies} policies, ${policy.resources} resources, ${mandatory} mandatory violation${mandatory === 1 ? "" : "s"}, ${policy.violations.length - mandatory} advisory.`);
      if (policy.violations.length) {
        lines.push("", "| Policy | Resource | Level |", "| --- | --- | --- |");
        for (const v of policy.violations.slice(0, 30)) lines.push(`| \`${v.policy}\` | ${v.resource} | ${v.level} |`);
        if (policy.violations.length > 30) lines.push(`| … | ${policy.violations.length - 30} more | |`);
      }
    }
    lines.push("");
  }
  return lines;
}

/** Hidden marker that lets the workflow find and update its own PR comment. */
export const SUMMARY_MARKER = "<!-- polystore-review-summary -->";

const FIELD = /^[A-Za-z0-9._:\-\[\]]{1,253}$/;

/** A value safe inside a Markdown code span, or undefined. */
function cell(value: unknown): string | undefined {
  if (typeof value === "number" && Number.isInteger(value)) return String(value);
  if (typeof value === "string" && FIELD.test(value)) return value;
  return undefined;
}

/**
 * The endpoints of the non-secret `stores` output. Only `target`, `host`,
 * `port` and `database` are read, and only values that look like names or
 * numbers; a secret or malformed output yields no rows.
 */
export function storeEndpoints(outputs: Record<string, OutputValue>): StoreEndpoint[] {
  const out = outputs.stores;
  if (!out || out.secret || typeof out.value !== "object" || out.value === null) return [];
  const rows: StoreEndpoint[] = [];
  for (const [store, raw] of Object.entries(out.value as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b))) {
    if (typeof raw !== "object" || raw === null || !cell(store)) continue;
    const r = raw as Record<string, unknown>;
    const [target, host, port, database] = [cell(r.target), cell(r.host), cell(r.port), cell(r.database)];
    if (!target || !host || !port) continue;
    rows.push({ store, target, host, port: Number(port), database: database ?? "" });
  }
  return rows;
}

const SECRET_KEY = /pass(word)?|secret|token|credential|api_?key|private/i;
const URL_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/[^:@\/\s]*:([^@\/\s]+)@/i;

/**
 * The credentials inside secret outputs: values of password/secret/token
 * keys and the password part of URLs, so they can be scrubbed from any text.
 * (Secret outputs also hold harmless values such as store names and hosts;
 * those are not collected.)
 */
export function secretStrings(outputs: Record<string, OutputValue>): string[] {
  const found = new Set<string>();
  const add = (s: string) => {
    if (s.length >= 3) found.add(s);
    if (s.length >= 3 && encodeURIComponent(s) !== s) found.add(encodeURIComponent(s));
  };
  const walk = (v: unknown, key: string): void => {
    if (typeof v === "string") {
      if (SECRET_KEY.test(key)) add(v);
      const m = URL_PASSWORD.exec(v);
      if (m) {
        add(m[1]);
        try {
          add(decodeURIComponent(m[1]));
        } catch {
          /* not percent-encoded */
        }
      }
    } else if (Array.isArray(v)) v.forEach((x) => walk(x, key));
    else if (typeof v === "object" && v !== null) for (const [k, x] of Object.entries(v)) walk(x, k);
  };
  for (const [name, o] of Object.entries(outputs)) if (o.secret) walk(o.value, name);
  return [...found].sort((a, b) => b.length - a.length);
}

/** Replaces every occurrence of a secret string with `[secret]`. */
export function redact(text: string, secrets: string[]): string {
  let out = text;
  for (const s of secrets) out = out.split(s).join("[secret]");
  return out;
}

/**
 * The Markdown posted on the pull request: stores, endpoints and expiry.
 * Built from the non-secret `stores` output only, then scrubbed of every
 * string found in a secret output, so no credential can appear.
 */
export function renderSummary(args: SummaryArgs): string {
  const now = args.now ?? new Date();
  const rows = storeEndpoints(args.outputs);
  const left = args.expiresAt.getTime() - now.getTime();
  const lines = [
    SUMMARY_MARKER,
    `### Review data layer for PR #${args.pr}`,
    "",
    `Stack \`${args.stack}\` is up.`,
    "",
  ];
  if (rows.length > 0) {
    lines.push("| Store | Target | Endpoint | Database |", "| --- | --- | --- | --- |");
    for (const r of rows) {
      lines.push(`| ${r.store} | ${r.target} | \`${r.host}:${r.port}\` | ${r.database ? `\`${r.database}\`` : "-"} |`);
    }
  } else {
    lines.push("_No store endpoints were reported by the stack's `stores` output._");
  }
  lines.push("", ...checkLines(args.ledgers, args.policy));
  lines.push(
    `**Expires:** ${formatUtc(args.expiresAt)} (${left > 0 ? `in ${formatDuration(left)}` : "already expired"}). ` +
      `Every push to this PR extends it to ${args.ttl} from the push; closing the PR destroys it, ` +
      "and a scheduled clean-up destroys it once expired.",
    "",
    "Credentials are never posted here. Maintainers with access to the Pulumi backend can read the application's " +
      `connection variables with \`pulumi stack output env --show-secrets --stack ${args.stack}\`.`,
    "",
  );
  return redact(lines.join("\n"), secretStrings(args.outputs));
}
