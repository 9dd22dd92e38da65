/**
 * ClickHouse rules: DROP, TRUNCATE, ALTER … DELETE (and lightweight DELETE),
 * DROP COLUMN, and a TTL shorter than the one an earlier script set (rows
 * older than the new TTL are deleted at the next merge).
 */
import { baseName, lineIn, perStatement, type CodeStatement } from "./statements";
import { finding, type EngineLinter, type Finding, type LintRule, type LintScript } from "./types";

const CH = ["clickhouse"] as const;
const rule = (id: string, summary: string): LintRule => ({ id, severity: "error", stores: CH, summary });

export const CH_DROP = rule("ch-drop", "DROP of a database, table, view, dictionary or partition loses its data.");
export const CH_TRUNCATE = rule("ch-truncate", "TRUNCATE deletes every row of a table.");
export const CH_ALTER_DELETE = rule("ch-alter-delete", "ALTER TABLE … DELETE (a mutation) or DELETE FROM deletes rows.");
export const CH_DROP_COLUMN = rule("ch-drop-column", "ALTER TABLE … DROP COLUMN loses the column's data.");
export const CH_TTL_SHORTENED = rule("ch-ttl-shortened", "A TTL shorter than the table's previous one deletes the rows between the two ages at the next merge.");

export const CLICKHOUSE_RULES: LintRule[] = [CH_DROP, CH_TRUNCATE, CH_ALTER_DELETE, CH_DROP_COLUMN, CH_TTL_SHORTENED];

const UNIT_SECONDS: Record<string, number> = { SECOND: 1, MINUTE: 60, HOUR: 3600, DAY: 86_400, WEEK: 604_800, MONTH: 2_592_000, QUARTER: 7_776_000, YEAR: 31_536_000 };
const PART = String.raw`(?:\$\{[A-Z_]+\}|\w+|` + "`[^`]*`" + ")";
const NAME = `(${PART}(?:\\.${PART})?)`;

/** Seconds of the first `INTERVAL n UNIT` / `toIntervalUnit(n)` in a TTL expression, or undefined. */
export function ttlSeconds(expr: string): number | undefined {
  const a = /\bINTERVAL\s+(\d+)\s+(SECOND|MINUTE|HOUR|DAY|WEEK|MONTH|QUARTER|YEAR)S?\b/i.exec(expr);
  if (a) return Number(a[1]) * UNIT_SECONDS[a[2]!.toUpperCase()]!;
  const b = /\btoInterval(Second|Minute|Hour|Day|Week|Month|Quarter|Year)\s*\(\s*(\d+)\s*\)/i.exec(expr);
  return b ? Number(b[2]) * UNIT_SECONDS[b[1]!.toUpperCase()]! : undefined;
}

interface TtlSet {
  table: string;
  seconds: number;
  index: number;
}

/** The table-level TTL a statement sets (CREATE TABLE … TTL, ALTER TABLE … MODIFY TTL), if any. */
function ttlOf(st: CodeStatement): TtlSet | undefined {
  const create = new RegExp(String.raw`^CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?${NAME}`, "i").exec(st.code);
  const alter = new RegExp(String.raw`^ALTER\s+TABLE\s+${NAME}`, "i").exec(st.code);
  const head = create ?? alter;
  if (!head) return undefined;
  const table = baseName(st.text.slice(head[0].length - head[1]!.length, head[0].length));
  // A column TTL sits inside the column list's parentheses; the table TTL follows ENGINE / ORDER BY, or MODIFY TTL.
  const ttl = create ? /\)\s[\s\S]*?\bTTL\b([\s\S]*)$/i.exec(st.code) : /\bMODIFY\s+TTL\b([\s\S]*)$/i.exec(st.code);
  if (!ttl) return undefined;
  const seconds = ttlSeconds(ttl[1]!);
  return seconds === undefined ? undefined : { table, seconds, index: ttl.index + ttl[0].length - ttl[1]!.length };
}

function checkClickHouse(script: LintScript, st: CodeStatement, out: Finding[]): void {
  const c = st.code;
  const add = (r: LintRule, index: number, message: string) => out.push(finding(script, r, lineIn(st, index), message));
  let m: RegExpExecArray | null;
  if ((m = /^DROP\s+(\w+)/i.exec(c))) add(CH_DROP, 0, `DROP ${m[1]!.toUpperCase()} loses the object and its data`);
  if (/^TRUNCATE\b/i.test(c)) add(CH_TRUNCATE, 0, "TRUNCATE deletes every row");
  if (/^DELETE\s+FROM\b/i.test(c)) add(CH_ALTER_DELETE, 0, "DELETE FROM deletes rows");
  if (/^ALTER\s+TABLE\b/i.test(c)) {
    for (const d of c.matchAll(/\bDELETE\s+WHERE\b/gi)) add(CH_ALTER_DELETE, d.index, "ALTER TABLE … DELETE deletes rows");
    for (const d of c.matchAll(/\bDROP\s+COLUMN\b/gi)) add(CH_DROP_COLUMN, d.index, "ALTER TABLE … DROP COLUMN loses the column's data");
    for (const d of c.matchAll(/\bDROP\s+(PARTITION|PART|DETACHED\s+PARTITION)\b/gi)) add(CH_DROP, d.index, `ALTER TABLE … DROP ${d[1]!.toUpperCase()} loses its rows`);
  }
}

/** Statements of a script, or undefined after pushing its parse error to `out`. */
function statementsOf(script: LintScript, out: Finding[]): CodeStatement[] | undefined {
  const all: CodeStatement[] = [];
  const errors = perStatement(script, ["--"], (st) => void all.push(st));
  if (errors.length) return void out.push(...errors);
  return all;
}

export const lintClickHouse: EngineLinter = (script, earlier) => {
  const out: Finding[] = [];
  const sts = statementsOf(script, out);
  if (!sts) return out;
  // The TTL each table had after the earlier scripts (unparsable earlier scripts are linted on their own).
  const previous = new Map<string, number>();
  for (const e of earlier) for (const st of statementsOf(e, []) ?? []) {
    const t = ttlOf(st);
    if (t) previous.set(t.table, t.seconds);
  }
  for (const st of sts) {
    checkClickHouse(script, st, out);
    const t = ttlOf(st);
    if (!t) continue;
    const before = previous.get(t.table);
    if (before !== undefined && t.seconds < before) {
      out.push(finding(script, CH_TTL_SHORTENED, lineIn(st, t.index), `TTL of ${t.table} shortened from ${human(before)} to ${human(t.seconds)}: rows in between are deleted at the next merge`));
    }
    previous.set(t.table, t.seconds);
  }
  return out;
};

function human(seconds: number): string {
  for (const [unit, s] of Object.entries(UNIT_SECONDS).reverse()) if (seconds % s === 0 && seconds >= s) return `${seconds / s} ${unit.toLowerCase()}${seconds / s === 1 ? "" : "s"}`;
  return `${seconds} seconds`;
}
