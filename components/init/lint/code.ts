/**
 * Text helpers for the linters: blank out comments and quoted literals (keeping
 * every newline, so offsets map back to lines) before matching keywords.
 */

/** Replaces every character but `\n` in `s` with a blank. */
function blank(s: string): string {
  return s.replace(/[^\n]/g, " ");
}

/**
 * `text` with comments (the given line-comment markers and `/* … *\/`) and
 * quoted literals ('…', "…", `…`, with `\x` and doubled-quote escapes) blanked
 * out. With `dollarQuotes` (PostgreSQL), `$tag$…$tag$` bodies are blanked too;
 * with `dollarOnly`, ONLY those bodies are (comments and literals are kept, for
 * the statement splitter). Unterminated literals run to the end (the splitter
 * reports them).
 */
export function maskCode(text: string, lineComments: readonly string[], dollarQuotes = false, dollarOnly = false): string {
  const hide = (s: string) => (dollarOnly ? s : blank(s));
  let out = "";
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    const comment = lineComments.find((c) => text.startsWith(c, i));
    if (comment) {
      const nl = text.indexOf("\n", i);
      const end = nl < 0 ? text.length : nl;
      out += hide(text.slice(i, end));
      i = end;
      continue;
    }
    if (text.startsWith("/*", i)) {
      const close = text.indexOf("*/", i + 2);
      const end = close < 0 ? text.length : close + 2;
      out += hide(text.slice(i, end));
      i = end;
      continue;
    }
    if (dollarQuotes && ch === "$") {
      const tag = /^\$[A-Za-z_]*\$/.exec(text.slice(i, i + 64))?.[0];
      if (tag) {
        const close = text.indexOf(tag, i + tag.length);
        const bodyEnd = close < 0 ? text.length : close;
        out += tag + blank(text.slice(i + tag.length, bodyEnd)) + (close < 0 ? "" : tag);
        i = close < 0 ? text.length : close + tag.length;
        continue;
      }
    }
    if (ch === "'" || ch === '"' || ch === "`") {
      let j = i + 1;
      while (j < text.length) {
        const c = text[j]!;
        if (c === "\\") j += 2;
        else if (c === ch && text[j + 1] === ch) j += 2;
        else if (c === ch) break;
        else j++;
      }
      const closed = j < text.length;
      const bodyEnd = Math.min(j, text.length);
      out += ch + hide(text.slice(i + 1, bodyEnd)) + (closed ? ch : "");
      i = closed ? j + 1 : text.length;
      continue;
    }
    out += ch;
    i++;
  }
  return out;
}

/** The 1-based line of offset `index` in `text`, counting from `firstLine`. */
export function lineAt(text: string, index: number, firstLine = 1): number {
  let n = firstLine;
  for (let k = 0; k < index && k < text.length; k++) if (text[k] === "\n") n++;
  return n;
}

/** The 1-based line of the first match of `re` in `text`, or `fallback`. */
export function lineOf(text: string, re: RegExp, fallback = 1): number {
  const m = re.exec(text);
  return m ? lineAt(text, m.index) : fallback;
}
