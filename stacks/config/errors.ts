import { z } from "zod";

/** Raised when the stack configuration is invalid; lists every problem at once. */
export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(
      `Invalid polystore configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
        problems.map((p) => `  - ${p}`).join("\n"),
    );
    this.name = "ConfigError";
  }
}

/** `polystore:stores.redis.maxmemoryPolicy` from a path inside the namespace. */
export function keyPath(path: ReadonlyArray<PropertyKey>): string {
  const [head, ...rest] = path.map(String);
  return `polystore:${head ?? ""}${rest.map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`)).join("")}`;
}

/** Keys whose values are never shown in a message. */
const SECRET_KEY = /password|secret|token|kubeconfig|^external$/i;

function show(value: unknown, path: ReadonlyArray<PropertyKey> = []): string {
  if (value === undefined) return "nothing";
  const last = [...path].reverse().find((p) => typeof p === "string");
  const nestedSecret = value !== null && typeof value === "object" && JSON.stringify(Object.keys(value)).match(SECRET_KEY);
  if ((typeof last === "string" && SECRET_KEY.test(last)) || nestedSecret) return "a value (hidden: it is a secret)";
  const s = JSON.stringify(value);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** Unwraps optional/default/prefault/pipe wrappers down to the object schema at `path`, if any. */
function objectKeysAt(schema: z.ZodType, path: ReadonlyArray<PropertyKey>): string[] | undefined {
  let s: z.ZodType | undefined = schema;
  const unwrap = (t: z.ZodType): z.ZodType => {
    let cur = t;
    for (let i = 0; i < 10; i++) {
      const def = (cur as unknown as { _zod: { def: { innerType?: z.ZodType; in?: z.ZodType } } })._zod.def;
      if (def.innerType) cur = def.innerType;
      else if (def.in) cur = def.in;
      else break;
    }
    return cur;
  };
  for (const p of [...path, undefined]) {
    if (!s) return undefined;
    s = unwrap(s);
    if (!(s instanceof z.ZodObject)) return undefined;
    if (p === undefined) return Object.keys(s.shape);
    s = (s.shape as Record<string, z.ZodType>)[String(p)];
  }
  return undefined;
}

/** One line per zod issue: key path, what was expected, what was given. */
export function formatIssues(schema: z.ZodType, issues: z.core.$ZodIssue[]): string[] {
  const lines: string[] = [];
  for (const issue of issues) {
    const where = keyPath(issue.path);
    const input = (issue as { input?: unknown }).input;
    switch (issue.code) {
      case "unrecognized_keys": {
        const known = objectKeysAt(schema, issue.path);
        for (const k of issue.keys) {
          lines.push(
            `${keyPath([...issue.path, k])}: unknown key` +
              (known ? ` (expected one of ${known.join(", ")})` : ""),
          );
        }
        break;
      }
      case "invalid_key":
        for (const inner of issue.issues) {
          const what = inner.code === "too_big" ? `expected a key of at most ${inner.maximum} characters` : inner.code === "too_small" ? `expected a key of at least ${inner.minimum} character` : inner.message;
          lines.push(`${where}: ${what}, got ${show(input, issue.path)}`);
        }
        break;
      case "invalid_value":
        lines.push(`${where}: expected one of ${issue.values.map(String).join(", ")}, got ${show(input, issue.path)}`);
        break;
      case "invalid_type":
        lines.push(
          input === undefined
            ? `${where}: required ${issue.expected} is missing`
            : `${where}: expected ${issue.expected}, got ${show(input, issue.path)}`,
        );
        break;
      case "too_small":
      case "too_big": {
        const bound = issue.code === "too_small" ? `at least ${issue.minimum}` : `at most ${issue.maximum}`;
        const unit = issue.origin === "string" ? " characters" : issue.origin === "array" ? " items" : "";
        lines.push(`${where}: expected ${issue.origin === "int" || issue.origin === "number" ? "a number" : issue.origin} ${bound}${unit}, got ${show(input, issue.path)}`);
        break;
      }
      default:
        lines.push(`${where}: ${issue.message}${input !== undefined ? `, got ${show(input, issue.path)}` : ""}`);
    }
  }
  return lines;
}
