/** Spawning a process and timing it from spawn to exit (wall time, cold start included). */
import { spawn } from "node:child_process";
import { resolve } from "node:path";

export const ROOT = resolve(__dirname, "..");

export interface Timed {
  ms: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `command args` in the repository root and resolves with its wall time and output (never rejects on exit codes). */
export function runTimed(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Timed> {
  return new Promise((done, fail) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", (e) => fail(new Error(`cannot run ${command}: ${e.message}`)));
    child.on("close", (code) => done({ ms: Number(process.hrtime.bigint() - t0) / 1e6, code, stdout, stderr }));
  });
}

/** The last lines of a process's output, for error messages. */
export function tail(t: Timed, lines = 12): string {
  return `${t.stderr}\n${t.stdout}`.trim().split("\n").slice(-lines).join("\n");
}
