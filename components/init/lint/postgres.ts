/**
 * PostgreSQL rules: statements that lose data, weaken row-level security or
 * privileges, or lock a live table for long.
 */
import { baseName, lineIn, perStatement, type CodeStatement } from "./statements";
import { finding, type EngineLinter, type Finding, type LintRule, type LintScript } from "./types";

const PG = ["postgres"] as const;
const rule = (id: string, summary: string, severity: LintRule["severity"] = "error"): LintRule => ({ id, severity, stores: PG, summary });

export const SQL_DROP = rule("sql-drop", "DROP of a table, schema, view, type, function or other object loses it and whatever data it holds.");
export const SQL_TRUNCATE = rule("sql-truncate", "TRUNCATE deletes every row of a table.");
export const SQL_DELETE_WITHOUT_WHERE = rule("sql-delete-without-where", "DELETE without WHERE deletes every row of a table.");
export const SQL_UPDATE_WITHOUT_WHERE = rule("sql-update-without-where", "UPDATE without WHERE overwrites a column in every row of a table.");
export const SQL_DROP_COLUMN = rule("sql-drop-column", "ALTER TABLE … DROP COLUMN loses the column's data.");
export const SQL_ALTER_COLUMN_TYPE = rule("sql-alter-column-type", "ALTER COLUMN … TYPE rewrites the table under an exclusive lock and may truncate or reject values.");
export const PG_RLS_DISABLED = rule("pg-rls-disabled", "DISABLE or NO FORCE ROW LEVEL SECURITY lets every tenant (or the table owner) see every row.");
export const PG_DROP_POLICY = rule("pg-drop-policy", "DROP POLICY removes a row-level security policy.");
export const PG_GRANT_PUBLIC = rule("pg-grant-public", "GRANT … TO PUBLIC gives the privilege to every role, the application's included.");
export const PG_SECURITY_DEFINER_SEARCH_PATH = rule(
  "pg-security-definer-search-path",
  "A SECURITY DEFINER function without SET search_path runs with its owner's rights under the caller's search_path (object hijacking).",
);
export const PG_CREATE_INDEX_BLOCKING = rule(
  "pg-create-index-blocking",
  "CREATE INDEX without CONCURRENTLY on a table an earlier script created blocks its writes while the index builds. " +
    "CONCURRENTLY cannot run inside the runner's per-script transaction, so for a big table build the index out of band first and make the script's CREATE INDEX IF NOT EXISTS a no-op.",
  "warning",
);

export const POSTGRES_RULES: LintRule[] = [
  SQL_DROP, SQL_TRUNCATE, SQL_DELETE_WITHOUT_WHERE, SQL_UPDATE_WITHOUT_WHERE, SQL_DROP_COLUMN, SQL_ALTER_COLUMN_TYPE,
  PG_RLS_DISABLED, PG_DROP_POLICY, PG_GRANT_PUBLIC, PG_SECURITY_DEFINER_SEARCH_PATH, PG_CREATE_INDEX_BLOCKING,
];

const NAME = String.raw`((?:[A-Za-z_][\w$]*|"[^"]*"|\$\{[A-Z_]+\})(?:\.(?:[A-Za-z_][\w$]*|"[^"]*"))*)`;
const CREATED_TABLE = new RegExp(String.raw`^CREATE\s+(?:(?:GLOBAL\s+|LOCAL\s+)?(?:TEMP|TEMPORARY|UNLOGGED)\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?${NAME}`, "i");

/** Tables a script creates (base names, lower case). */
function createdTables(sts: readonly CodeStatement[]): Set<string> {
  const names = new Set<string>();
  for (const st of sts) {
    const m = CREATED_TABLE.exec(st.code);
    if (m) names.add(baseName(st.text.slice(m.index + m[0].length - m[1]!.length, m.index + m[0].length)));
  }
  return names;
}

/** The SQL rules shared by PostgreSQL and (for DROP/TRUNCATE/DROP COLUMN) nothing else: ClickHouse has its own. */
function checkSql(script: LintScript, st: CodeStatement, out: Finding[]): void {
  const c = st.code;
  const add = (r: LintRule, index: number, message: string) => out.push(finding(script, r, lineIn(st, index), message));
  let m: RegExpExecArray | null;
  if ((m = /^DROP\s+(?!POLICY\b)((?:MATERIALIZED\s+)?\w+)/i.exec(c))) add(SQL_DROP, 0, `DROP ${m[1]!.toUpperCase()} loses the object and its data`);
  if (/^TRUNCATE\b/i.test(c)) add(SQL_TRUNCATE, 0, "TRUNCATE deletes every row");
  const dml = /^(?:WITH\b[\s\S]*?\)\s*)?(DELETE\s+FROM|UPDATE)\b/i.exec(c);
  if (dml && !/\bWHERE\b/i.test(c.slice(dml.index))) {
    const del = /^DELETE/i.test(dml[1]!);
    add(del ? SQL_DELETE_WITHOUT_WHERE : SQL_UPDATE_WITHOUT_WHERE, dml.index + dml[0].length - dml[1]!.length, `${del ? "DELETE" : "UPDATE"} without WHERE touches every row`);
  }
  if (/^ALTER\s+TABLE\b/i.test(c)) {
    for (const d of c.matchAll(/\bDROP\s+COLUMN\b/gi)) add(SQL_DROP_COLUMN, d.index, "ALTER TABLE … DROP COLUMN loses the column's data");
    for (const t of c.matchAll(/\bALTER\s+(?:COLUMN\s+)?(?!TABLE\b)[\w"]+\s+(?:SET\s+DATA\s+)?TYPE\b/gi)) add(SQL_ALTER_COLUMN_TYPE, t.index, "a column type change rewrites the table and may lose or reject values");
  }
}

function checkPostgres(script: LintScript, st: CodeStatement, out: Finding[], created: Set<string>): void {
  const c = st.code;
  const add = (r: LintRule, index: number, message: string) => out.push(finding(script, r, lineIn(st, index), message));
  let m: RegExpExecArray | null;
  for (const d of c.matchAll(/\b(DISABLE|NO\s+FORCE)\s+ROW\s+LEVEL\s+SECURITY\b/gi)) add(PG_RLS_DISABLED, d.index, `${d[1]!.toUpperCase().replace(/\s+/g, " ")} ROW LEVEL SECURITY weakens tenant isolation`);
  if (/^DROP\s+POLICY\b/i.test(c)) add(PG_DROP_POLICY, 0, "DROP POLICY removes a row-level security policy");
  if (/^GRANT\b/i.test(c) && (m = /\bTO\s+(?:[\w"${}]+\s*,\s*)*(PUBLIC)\b/i.exec(c))) add(PG_GRANT_PUBLIC, m.index, "GRANT … TO PUBLIC gives the privilege to every role");
  if ((m = /\bSECURITY\s+DEFINER\b/i.exec(c)) && !/\bSET\s+search_path\b/i.test(c)) {
    add(PG_SECURITY_DEFINER_SEARCH_PATH, m.index, "SECURITY DEFINER without SET search_path = … (fix the search_path, e.g. SET search_path = pg_catalog, public)");
  }
  if ((m = new RegExp(String.raw`^CREATE\s+(?:UNIQUE\s+)?INDEX\s+(?!CONCURRENTLY\b)(?:IF\s+NOT\s+EXISTS\s+)?(?:[\w"]+\s+)?ON\s+(?:ONLY\s+)?${NAME}`, "i").exec(c))) {
    const table = baseName(st.text.slice(m.index + m[0].length - m[1]!.length, m.index + m[0].length));
    if (!created.has(table)) add(PG_CREATE_INDEX_BLOCKING, 0, `CREATE INDEX without CONCURRENTLY on existing table ${table} blocks its writes while it builds`);
  }
}

export const lintPostgres: EngineLinter = (script) => {
  const out: Finding[] = [];
  const all: CodeStatement[] = [];
  const found = perStatement(script, ["--"], (st) => void all.push(st), true);
  if (found.length) return found;
  const created = createdTables(all);
  for (const st of all) {
    checkSql(script, st, out);
    checkPostgres(script, st, out, created);
  }
  return out;
};
