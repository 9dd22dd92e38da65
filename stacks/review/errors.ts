/**
 * Errors of `npm run review`, each with the process exit code it maps to:
 * 1 an operation failed, 2 usage (bad arguments, bad template),
 * 3 environment (no Pulumi CLI, backend not logged in, no passphrase).
 */
export { EXIT } from "../cli/exit";
import { EXIT } from "../cli/exit";

/** Base class: a message for people, every problem listed, and an exit code. */
export class ReviewError extends Error {
  constructor(
    message: string,
    public readonly problems: string[] = [],
    public readonly exitCode: number = EXIT.failed,
  ) {
    super(problems.length > 0 ? `${message}\n${problems.map((p) => `  - ${p}`).join("\n")}` : message);
    this.name = "ReviewError";
  }
}

/** Bad command-line arguments or a bad template file: exit 2, nothing created. */
export class UsageError extends ReviewError {
  constructor(message: string, problems: string[] = []) {
    super(message, problems, EXIT.usage);
    this.name = "UsageError";
  }
}

/** The environment is not ready (CLI, login, passphrase): exit 3, nothing created. */
export class EnvironmentError extends ReviewError {
  constructor(message: string, problems: string[] = []) {
    super(message, problems, EXIT.environment);
    this.name = "EnvironmentError";
  }
}

const SENSITIVE = new Set<string>();

/** Values that must never appear in anything the CLI prints (template secrets). */
export function registerSensitive(values: Iterable<string>): void {
  for (const v of values) if (v.length >= 3) SENSITIVE.add(v);
}

/** A message with every registered sensitive value replaced by `[secret]`. */
export function scrubSensitive(message: string): string {
  let out = message;
  for (const s of [...SENSITIVE].sort((a, b) => b.length - a.length)) out = out.split(s).join("[secret]");
  return out;
}
