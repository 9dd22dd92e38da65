/**
 * Process plumbing for the harness: start an engine detached in its own
 * process group with its output in a log file, wait for it to become ready,
 * and stop the whole group.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, existsSync, openSync, readFileSync, writeSync } from "node:fs";
import type { MemoryCgroup } from "./cgroup";

/** A started engine process: enough to find and stop it later (also from another process). */
export interface EngineProcess {
  /** Engine name, for messages. */
  name: string;
  /** Process id of the group leader (the group id, since it is started detached). */
  pid: number;
  /** Where its stdout and stderr go. */
  logFile: string;
  /** First signal sent on stop: SIGINT for PostgreSQL (fast shutdown), SIGTERM otherwise. */
  stopSignal: NodeJS.Signals;
}

export interface SpawnOptions {
  name: string;
  command: string;
  args: string[];
  logFile: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Written to the process's standard input, which is then closed. */
  stdin?: string;
  stopSignal?: NodeJS.Signals;
  /** Run inside this memory cgroup (the process moves itself in before exec'ing the command). */
  cgroup?: MemoryCgroup;
}

/** A running child plus a promise that settles when it exits. */
export interface Spawned {
  proc: EngineProcess;
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts a command detached (own process group), output appended to `logFile`. */
export function spawnEngine(o: SpawnOptions): Spawned {
  const fd = openSync(o.logFile, "a", 0o600);
  try {
    const cmd = o.cgroup ? o.cgroup.wrap(o.command, o.args) : { command: o.command, args: o.args };
    const child = spawn(cmd.command, cmd.args, {
      cwd: o.cwd,
      env: o.env ?? process.env,
      detached: true,
      stdio: [o.stdin === undefined ? "ignore" : "pipe", fd, fd],
    });
    if (o.stdin !== undefined && child.stdin) {
      child.stdin.on("error", () => undefined);
      child.stdin.end(o.stdin);
    }
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      child.once("exit", (code, signal) => resolve({ code, signal }));
      child.once("error", (err) => {
        appendNote(o.logFile, `spawn failed: ${err.message}`);
        resolve({ code: -1, signal: null });
      });
    });
    // Let a CLI that started engines exit while they keep running.
    child.unref();
    if (child.pid === undefined) {
      throw new Error(`${o.name}: could not start ${o.command}`);
    }
    return { proc: { name: o.name, pid: child.pid, logFile: o.logFile, stopSignal: o.stopSignal ?? "SIGTERM" }, child, exited };
  } finally {
    closeSync(fd);
  }
}

/** Runs a command to completion; rejects with its output on a non-zero exit. */
export function runCommand(command: string, args: string[], opts: { env?: NodeJS.ProcessEnv; stdin?: string; cwd?: string } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    child.stdin.on("error", () => undefined);
    child.stdin.end(opts.stdin ?? "");
    child.once("error", (err) => reject(new Error(`${command}: ${err.message}`)));
    child.once("exit", (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${command} ${args.join(" ")} exited with ${code}: ${out.trim().slice(-2000)}`)),
    );
  });
}

/** The last `n` lines of a log file ("" when it does not exist). */
export function tailLog(file: string, n = 25): string {
  if (!existsSync(file)) return "";
  const lines = readFileSync(file, "utf8").trimEnd().split("\n");
  return lines.slice(-n).join("\n");
}

function appendNote(file: string, line: string): void {
  try {
    const fd = openSync(file, "a");
    try {
      writeSync(fd, `[harness] ${line}\n`);
    } finally {
      closeSync(fd);
    }
  } catch {
    // the log is best effort
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Whether a process (group leader) is still alive. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/** Whether any process of the group still exists. */
function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Stops a process group: its stop signal first, SIGKILL after `graceMs`.
 * Resolves once no process of the group is left.
 */
export async function stopProcess(p: EngineProcess, graceMs = 8000): Promise<void> {
  if (!groupAlive(p.pid)) return;
  signalGroup(p.pid, p.stopSignal);
  const deadline = Date.now() + graceMs;
  while (groupAlive(p.pid) && Date.now() < deadline) await sleep(100);
  if (groupAlive(p.pid)) {
    signalGroup(p.pid, "SIGKILL");
    const hard = Date.now() + 5000;
    while (groupAlive(p.pid) && Date.now() < hard) await sleep(100);
  }
}

export interface WaitOptions {
  /** What is being waited for, e.g. "postgres at 127.0.0.1:55432". */
  what: string;
  timeoutMs: number;
  intervalMs?: number;
  /** The engine's process: waiting stops early when it exits. */
  spawned?: Spawned;
  /** Log file to quote on failure. */
  logFile: string;
}

/**
 * Polls `probe` until it resolves true. On timeout or if the process exits
 * first, throws an error naming the engine and address, with the last log lines.
 */
export async function waitReady(probe: () => Promise<boolean>, o: WaitOptions): Promise<void> {
  const started = Date.now();
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  void o.spawned?.exited.then((e) => (exit = e));
  let lastError = "";
  while (Date.now() - started < o.timeoutMs) {
    if (exit) {
      throw readinessError(o, `its process exited (code ${exit.code}, signal ${exit.signal}) before it was ready`, lastError);
    }
    try {
      if (await probe()) return;
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
    }
    await sleep(o.intervalMs ?? 500);
  }
  throw readinessError(o, `not ready within ${Math.round(o.timeoutMs / 1000)}s`, lastError);
}

function readinessError(o: WaitOptions, why: string, lastError: string): Error {
  const tail = tailLog(o.logFile);
  return new Error(
    `${o.what}: ${why}` +
      (lastError ? `\nlast probe error: ${lastError}` : "") +
      `\n--- last lines of ${o.logFile} ---\n${tail || "(empty)"}`,
  );
}
