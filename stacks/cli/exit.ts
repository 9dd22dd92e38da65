/**
 * One exit-code convention for every polystore command line (`migrate`, `health`,
 * `policy:check`, `review`, `bench`, `backup`, `restore`, `snapshot`, …), documented once in
 * README.md ("Command-line tools"):
 *
 * | code | meaning |
 * | --- | --- |
 * | 0 | ok (and `--help`) |
 * | 1 | an operation failed (a store is down, a script failed, a check found a violation) |
 * | 2 | usage or configuration error (bad arguments, bad stack config): nothing was done |
 * | 3 | environment not ready (no Pulumi CLI, not logged in, no passphrase, stack missing): nothing was done |
 */
export const EXIT = { ok: 0, failed: 1, usage: 2, environment: 3 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Bad arguments or configuration: exit 2, nothing done. The message lists every problem. */
export class CliUsageError extends Error {
  readonly exitCode = EXIT.usage;
  constructor(message: string) {
    super(message);
    this.name = "CliUsageError";
  }
}

/** The environment is not ready (a tool, a login, a passphrase is missing): exit 3, nothing done. */
export class EnvironmentNotReady extends Error {
  readonly exitCode = EXIT.environment;
  constructor(message: string) {
    super(message);
    this.name = "EnvironmentNotReady";
  }
}

/** True when the arguments ask for help (`--help` or `-h` anywhere, or `help` as the first word). */
export function wantsHelp(argv: readonly string[]): boolean {
  return argv.includes("--help") || argv.includes("-h") || argv[0] === "help";
}

/** The exit code an error maps to: its own `exitCode` when it has one of the convention's, else 1. */
export function exitCodeOf(err: unknown): ExitCode {
  const code = (err as { exitCode?: unknown } | null)?.exitCode;
  return code === EXIT.usage || code === EXIT.environment || code === EXIT.failed ? code : EXIT.failed;
}
