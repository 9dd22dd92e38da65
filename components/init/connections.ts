/**
 * Where `npm run migrate` / `npm run health` get store connections from:
 * the stack's secret output `connections` (via the Pulumi CLI), a JSON file
 * (the test harness writes `.polystore/harness<offset>.json`), or an
 * environment variable (the Pulumi dynamic provider, so secrets never go
 * through argv). All three hold `Record<StoreKind, StoreConnection>`; the
 * environment variable may also hold a single StoreConnection.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { STORE_KINDS, type StoreConnection, type StoreKind } from "../core/types";

export type Connections = Partial<Record<StoreKind, StoreConnection>>;

/** Checks the shape of one connection; returns problems naming `path.key`. */
export function connectionProblems(value: unknown, path: string): string[] {
  if (typeof value !== "object" || value === null) return [`${path}: expected an object`];
  const c = value as Record<string, unknown>;
  const p: string[] = [];
  if (!STORE_KINDS.includes(c.kind as StoreKind)) p.push(`${path}.kind: expected one of ${STORE_KINDS.join(", ")}`);
  if (typeof c.host !== "string" || !c.host) p.push(`${path}.host: expected a non-empty string`);
  if (typeof c.port !== "number" || !Number.isInteger(c.port) || c.port < 0 || c.port > 65535) p.push(`${path}.port: expected an integer 0-65535`);
  if (typeof c.tls !== "boolean") p.push(`${path}.tls: expected true or false`);
  if (typeof c.database !== "string") p.push(`${path}.database: expected a string`);
  for (const who of ["admin", "app"]) {
    const cred = c[who] as Record<string, unknown> | undefined;
    if (typeof cred !== "object" || cred === null) p.push(`${path}.${who}: expected { user, password }`);
    else {
      if (typeof cred.user !== "string") p.push(`${path}.${who}.user: expected a string`);
      if (typeof cred.password !== "string") p.push(`${path}.${who}.password: expected a string`);
    }
  }
  if (c.options !== undefined && (typeof c.options !== "object" || c.options === null)) p.push(`${path}.options: expected an object of strings`);
  return p;
}

/** Validates a parsed `Record<kind, StoreConnection>` (or a single connection); throws listing every problem. */
export function parseConnections(value: unknown, source: string): Connections {
  const problems: string[] = [];
  let record: Record<string, unknown>;
  if (typeof value === "object" && value !== null && "kind" in value && "host" in value) {
    record = { [String((value as { kind: unknown }).kind)]: value };
  } else if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    record = value as Record<string, unknown>;
  } else {
    throw new Error(`${source}: expected a JSON object of store connections keyed by store kind`);
  }
  const out: Connections = {};
  for (const [key, conn] of Object.entries(record)) {
    if (!STORE_KINDS.includes(key as StoreKind)) {
      problems.push(`${source}: ${key}: unknown store kind (expected ${STORE_KINDS.join(", ")})`);
      continue;
    }
    const p = connectionProblems(conn, key);
    if (!p.length && (conn as StoreConnection).kind !== key) p.push(`${key}.kind: is "${(conn as StoreConnection).kind}" but the entry is keyed "${key}"`);
    if (p.length) problems.push(...p.map((x) => `${source}: ${x}`));
    else out[key as StoreKind] = conn as StoreConnection;
  }
  if (problems.length) throw new Error(problems.join("\n"));
  return out;
}

/** Reads a connections JSON file. */
export function connectionsFromFile(file: string): Connections {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new Error(`--connections ${file}: cannot read the file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  try {
    return parseConnections(JSON.parse(text), file);
  } catch (err) {
    if (err instanceof SyntaxError) throw new Error(`--connections ${file}: not valid JSON (${err.message})`);
    throw err;
  }
}

/** Reads connections from an environment variable (the value is never echoed). */
export function connectionsFromEnv(name: string, env: NodeJS.ProcessEnv = process.env): Connections {
  const text = env[name];
  if (!text) throw new Error(`--connections-env ${name}: the environment variable is not set`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`--connections-env ${name}: the variable does not hold valid JSON`);
  }
  return parseConnections(value, `$${name}`);
}

/**
 * An error that means the environment is not ready (no Pulumi CLI, not logged in, no such stack):
 * CLIs map `exitCode` 3 to their exit status (stacks/cli/exit.ts). Declared here, not imported from
 * stacks/, so this lower layer does not depend on the CLI layer.
 */
export class ConnectionSourceNotReady extends Error {
  readonly exitCode = 3;
  constructor(message: string) {
    super(message);
    this.name = "ConnectionSourceNotReady";
  }
}

/** The Pulumi CLI to run: `$PULUMI_CLI_ROOT/bin/pulumi` when set (as the Automation API does), else `pulumi` on PATH. */
export function pulumiCommand(env: NodeJS.ProcessEnv = process.env): string {
  return env.PULUMI_CLI_ROOT ? `${env.PULUMI_CLI_ROOT}/bin/pulumi` : "pulumi";
}

export const NO_PULUMI_CLI =
  "the Pulumi CLI is not installed: there is no `pulumi` on PATH (nor $PULUMI_CLI_ROOT/bin/pulumi). " +
  "Install it (curl -fsSL https://get.pulumi.com | sh, or brew install pulumi), or where only the Go module proxy is " +
  "reachable build it with `npm run setup:pulumi && source test/e2e/pulumi-env.sh`; " +
  "or skip the CLI and pass the connections yourself with --connections <file.json> (see --help)";

/**
 * `pulumi stack output <name> --json --stack <stack>` (with `--show-secrets` when `secrets`), run in
 * `cwd`, parsed as JSON. Only stderr is ever shown on failure (stdout may hold secrets). A missing
 * CLI, stack, login or passphrase is {@link ConnectionSourceNotReady} with a hint; `alternative`
 * is added to the message when the CLI cannot run at all.
 */
export async function stackOutput(stack: string, name: string, cwd: string, o: { secrets?: boolean; alternative?: string; env?: NodeJS.ProcessEnv } = {}): Promise<unknown> {
  const env = o.env ?? process.env;
  const args = ["stack", "output", name, ...(o.secrets ? ["--show-secrets"] : []), "--json", "--stack", stack];
  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolveRun, reject) => {
    const child = spawn(pulumiCommand(env), args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("error", (e) =>
      reject(
        new ConnectionSourceNotReady(
          (e as NodeJS.ErrnoException).code === "ENOENT" ? NO_PULUMI_CLI : `cannot run the Pulumi CLI (${(e as NodeJS.ErrnoException).code ?? e.message})${o.alternative ?? ""}`,
        ),
      ),
    );
    child.on("close", (c) => resolveRun({ code: c, stdout: out, stderr: err }));
  });
  if (code !== 0) {
    const tail = stderr.trim().split("\n").slice(-3).join(" ");
    const hint = notReadyHint(tail, stack, name);
    const message = `pulumi stack output ${name} --stack ${stack} failed (exit ${code}): ${tail}${hint ? `\n  ${hint}` : ""}`;
    throw hint ? new ConnectionSourceNotReady(message) : new Error(message);
  }
  try {
    return JSON.parse(stdout);
  } catch {
    throw new Error(`stack ${stack}: output "${name}" is not JSON; does the stack export it?`);
  }
}

/** The stack's secret output `connections` (see {@link stackOutput}). */
export async function connectionsFromStack(stack: string, cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<Connections> {
  const value = await stackOutput(stack, "connections", cwd, { secrets: true, alternative: "; pass --connections <file.json> instead", env });
  return parseConnections(value, `stack ${stack} output "connections"`);
}

/** What to do when the CLI's failure says the environment is not ready; undefined for other failures. */
export function notReadyHint(stderr: string, stack: string, output = "connections"): string | undefined {
  if (/no stack named|stack .* not found|could not find stack/i.test(stderr))
    return `no stack "${stack}" in the current backend: run \`pulumi up --stack ${stack}\` first, or check \`pulumi stack ls\` and \`pulumi whoami\``;
  if (/does not have output property/i.test(stderr))
    return `stack "${stack}" has no output "${output}" yet: run \`pulumi up --stack ${stack}\` first`;
  if (/not logged in|pulumi login|PULUMI_ACCESS_TOKEN/i.test(stderr))
    return "not logged in to a Pulumi backend: run `pulumi login --local` (or `pulumi login file://<dir>`) first";
  if (/passphrase/i.test(stderr))
    return "the stack's secrets need the passphrase: export PULUMI_CONFIG_PASSPHRASE (or PULUMI_CONFIG_PASSPHRASE_FILE)";
  return undefined;
}
