/**
 * The `.redis` script format: one command per line, arguments separated by
 * blanks; `"…"` strings (escapes \" \\ \n \t) and `'…'` strings (no escapes)
 * may hold blanks; a line whose first non-blank character is `#` is a comment;
 * blank lines are ignored. Placeholders are substituted before parsing.
 */

export interface RedisCommand {
  /** Upper-cased command name. */
  name: string;
  args: string[];
  /** 1-based line in the script. */
  line: number;
}

/** Commands a script may not contain: the runner wraps each script in MULTI/EXEC, and data-wiping or server-stopping commands have no place in an init script. */
export const FORBIDDEN_REDIS_COMMANDS = ["MULTI", "EXEC", "DISCARD", "WATCH", "UNWATCH", "FLUSHALL", "FLUSHDB", "SHUTDOWN", "DEBUG", "MONITOR", "SUBSCRIBE", "PSUBSCRIBE", "SELECT", "SWAPDB", "REPLICAOF", "SLAVEOF", "FAILOVER"];

/** Parse a script; every problem (bad quoting, forbidden command) is reported at once, naming file and line. */
export function parseRedisScript(body: string, fileName = "<script>"): RedisCommand[] {
  const problems: string[] = [];
  const out: RedisCommand[] = [];
  body.split("\n").forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith("#")) return;
    try {
      const words = tokenize(line);
      const name = words[0]!.toUpperCase();
      if (FORBIDDEN_REDIS_COMMANDS.includes(name)) throw new Error(`${name} is not allowed in init scripts`);
      out.push({ name, args: words.slice(1), line: i + 1 });
    } catch (err) {
      problems.push(`${fileName}:${i + 1}: ${(err as Error).message}`);
    }
  });
  if (problems.length) throw new Error(problems.join("\n"));
  return out;
}

function tokenize(line: string): string[] {
  const words: string[] = [];
  let i = 0;
  while (i < line.length) {
    while (line[i] === " " || line[i] === "\t") i++;
    if (i >= line.length) break;
    let word = "";
    const q = line[i];
    if (q === '"' || q === "'") {
      i++;
      for (;;) {
        if (i >= line.length) throw new Error(`unterminated ${q} string`);
        const c = line[i]!;
        if (c === q) break;
        if (c === "\\" && q === '"') {
          const n = line[i + 1];
          word += n === "n" ? "\n" : n === "t" ? "\t" : n === "r" ? "\r" : (n ?? "");
          i += 2;
          continue;
        }
        word += c;
        i++;
      }
      i++;
      if (i < line.length && line[i] !== " " && line[i] !== "\t") throw new Error(`closing quote must be followed by a blank`);
    } else {
      while (i < line.length && line[i] !== " " && line[i] !== "\t") word += line[i++];
    }
    words.push(word);
  }
  return words;
}
