/** Line numbers for findings in JSON scripts: where a key occurs in the file text. */

/** 1-based lines of every `"key":` in `text`, in order. */
export function keyLines(text: string, key: string): number[] {
  const re = new RegExp(`"${key.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}"\\s*:`, "g");
  const lines: number[] = [];
  for (const m of text.matchAll(re)) lines.push(text.slice(0, m.index).split("\n").length);
  return lines;
}

/** Line of the `nth` (0-based) `"key":`, else of the first, else 1. */
export function nthKeyLine(text: string, key: string, nth = 0): number {
  const lines = keyLines(text, key);
  return lines[nth] ?? lines[0] ?? 1;
}
