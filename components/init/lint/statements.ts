/**
 * Statement-level view of SQL and Cypher scripts for the linters: the project's
 * splitter (components/init/statements.ts) cuts the script, each statement is
 * masked (comments and literals blanked) and keeps its first line.
 */
import { splitStatements } from "../statements";
import { lineAt, maskCode } from "./code";
import { finding, type Finding, type LintRule, type LintScript } from "./types";

/** One statement: `code` is the masked text (same length and lines as `text`). */
export interface CodeStatement {
  text: string;
  code: string;
  line: number;
}

export const PARSE_ERROR: LintRule = {
  id: "parse-error",
  severity: "error",
  stores: ["postgres", "clickhouse", "neo4j", "mongodb", "elasticsearch", "redis"],
  summary: "The script cannot be parsed (unterminated quote or comment, invalid JSON or shape); nothing else in it was checked.",
};

/**
 * Statements of `script`, or a parse-error finding. `dollarQuotes` (PostgreSQL):
 * `$tag$…$tag$` bodies are blanked before splitting, so a function body's `;`
 * does not cut its CREATE FUNCTION.
 */
export function codeStatements(script: LintScript, lineComments: readonly string[], dollarQuotes = false): CodeStatement[] | Finding {
  const input = dollarQuotes ? maskCode(script.content, lineComments, true, true) : script.content;
  try {
    return splitStatements(input, lineComments).map((s) => {
      // The splitter's text starts at a leading comment; start at the code instead, so lines point at the keyword.
      const code = maskCode(s.text, lineComments);
      const lead = Math.max(0, code.search(/\S/));
      return { text: s.text.slice(lead), code: code.slice(lead), line: lineAt(code, lead, s.line) };
    });
  } catch (err) {
    const line = Number(/line (\d+)/.exec((err as Error).message)?.[1] ?? 1);
    return finding(script, PARSE_ERROR, line, `${script.fileName}: ${(err as Error).message}`);
  }
}

/** The 1-based line of offset `index` of a statement's code. */
export function lineIn(st: CodeStatement, index: number): number {
  return lineAt(st.code, index, st.line);
}

/** The last part of a (schema-qualified, maybe quoted, maybe `${DATABASE}.`-prefixed) name, lower-cased. */
export function baseName(name: string): string {
  const last = name.split(".").pop() ?? name;
  return last.replace(/^["`]|["`]$/g, "").toLowerCase();
}

/** Runs `check` over each statement; a parse error becomes the only finding. */
export function perStatement(
  script: LintScript,
  lineComments: readonly string[],
  check: (st: CodeStatement, out: Finding[]) => void,
  dollarQuotes = false,
): Finding[] {
  const sts = codeStatements(script, lineComments, dollarQuotes);
  if (!Array.isArray(sts)) return [sts];
  const out: Finding[] = [];
  for (const st of sts) check(st, out);
  return out;
}
