/**
 * Splitting a multi-statement script into single statements, for engines whose
 * protocol takes one statement per request (ClickHouse HTTP; Neo4j Bolt can reuse it).
 *
 * Rule (documented in init-scripts/README.md): a `;` ends a statement unless it
 * is inside a quoted literal ('…', "…" or `…`, with `\x` and doubled-quote
 * escapes) or inside a comment (the given line-comment markers, default `--`,
 * and block comments). Comment-only pieces are dropped; the `;` itself is not
 * part of the statement text. An unterminated quote or block comment is an error
 * naming the line where it starts.
 */

/** One statement and the 1-based line it starts on (for error messages). */
export interface Statement {
  text: string;
  line: number;
}

/** Split `body` into statements. Throws on an unterminated quote or block comment. */
export function splitStatements(body: string, lineComments: readonly string[] = ["--"]): Statement[] {
  const src = body.replace(/\r\n/g, "\n");
  const out: Statement[] = [];
  let start = 0;
  let line = 1;
  let startLine = 1;
  let i = 0;
  const push = (end: number) => {
    const raw = src.slice(start, end);
    const text = raw.trim();
    if (text && hasCode(text, lineComments)) {
      const lead = raw.length - raw.trimStart().length;
      out.push({ text, line: startLine + countNewlines(raw.slice(0, lead)) });
    }
  };
  while (i < src.length) {
    const ch = src[i]!;
    if (ch === "\n") {
      line++;
      i++;
      continue;
    }
    const comment = lineComments.find((c) => src.startsWith(c, i));
    if (comment) {
      const nl = src.indexOf("\n", i);
      i = nl < 0 ? src.length : nl;
      continue;
    }
    if (src.startsWith("/*", i)) {
      const end = src.indexOf("*/", i + 2);
      if (end < 0) throw new Error(`unterminated block comment starting on line ${line}`);
      line += countNewlines(src.slice(i, end));
      i = end + 2;
      continue;
    }
    if (ch === "'" || ch === '"' || ch === "`") {
      const openLine = line;
      let j = i + 1;
      for (;;) {
        if (j >= src.length) throw new Error(`unterminated ${ch} quote starting on line ${openLine}`);
        const c = src[j]!;
        if (c === "\n") line++;
        if (c === "\\") j += 2;
        else if (c === ch && src[j + 1] === ch) j += 2;
        else if (c === ch) break;
        else j++;
      }
      i = j + 1;
      continue;
    }
    if (ch === ";") {
      push(i);
      start = i + 1;
      startLine = line;
    }
    i++;
  }
  push(src.length);
  return out;
}

function countNewlines(s: string): number {
  let n = 0;
  for (const c of s) if (c === "\n") n++;
  return n;
}

/** Whether a piece contains anything other than comments and blanks. */
function hasCode(text: string, lineComments: readonly string[]): boolean {
  const noBlocks = text.replace(/\/\*[\s\S]*?\*\//g, "");
  return noBlocks.split("\n").some((l) => {
    const s = l.trim();
    return s.length > 0 && !lineComments.some((c) => s.startsWith(c));
  });
}
