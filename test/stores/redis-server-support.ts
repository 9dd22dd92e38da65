/**
 * A redis-server of its own for a test file, started with exactly the command
 * the Docker/Kubernetes targets render (components/stores/redis/spec.ts) — passwords in
 * the environment, the rest of the configuration on stdin — with the data dir,
 * port and loopback bind of the test.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import type { RedisConfig } from "../../stacks/config/stores";
import { redisSpec } from "../../components/stores/redis/spec";
import { REDIS_CONTAINER_LAUNCHER } from "../../components/stores/redis/settings";

/**
 * The spec's command with the container's data dir replaced and port/bind/no-RDB appended. The one
 * thing not run as rendered is the image's own `docker-entrypoint.sh` (it is in the image, not on this
 * machine, and only drops root before exec'ing redis-server): the script's launcher is swapped for
 * `redis-server` itself, and everything else — the stdin configuration, the hashed passwords — runs verbatim.
 */
export function renderedRedisCommand(cfg: RedisConfig, secrets: { adminPassword: string; appPassword: string }, dir: string, port: number): string[] {
  const cmd = [...redisSpec(cfg, secrets).command!];
  const launch = `exec ${REDIS_CONTAINER_LAUNCHER} "$@"`;
  if (!cmd[2]!.startsWith(launch)) throw new Error(`the rendered Redis script no longer starts with ${launch}: ${cmd[2]!.split("\n")[0]}`);
  cmd[2] = `exec redis-server "$@"${cmd[2]!.slice(launch.length)}`;
  cmd[cmd.indexOf("--dir") + 1] = dir;
  return [...cmd, "--port", String(port), "--bind", "127.0.0.1", "--save", ""];
}

/** Runs `cmd` with the passwords in the environment, as the container does; resolves once Redis accepts connections. */
export async function startRenderedRedis(
  cmd: string[],
  secrets: { adminPassword: string; appPassword: string },
  onSpawn?: (pid: number) => void,
): Promise<ChildProcess> {
  const [file, ...args] = cmd;
  const p = spawn(file!, args, { env: { ...process.env, REDIS_PASSWORD: secrets.adminPassword, REDIS_APP_PASSWORD: secrets.appPassword }, stdio: "pipe" });
  if (onSpawn && p.pid) onSpawn(p.pid);
  let log = "";
  p.stdout!.on("data", (d) => (log += d));
  p.stderr!.on("data", (d) => (log += d));
  for (let i = 0; i < 100; i++) {
    if (log.includes("Ready to accept connections")) return p;
    if (p.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  p.kill("SIGKILL");
  throw new Error(`redis-server from the spec's command did not start:\n${log.slice(-2000)}`);
}

export async function stopRedis(p: ChildProcess): Promise<void> {
  if (p.exitCode !== null) return;
  const done = new Promise((r) => p.once("exit", r));
  p.kill("SIGTERM");
  await done;
}

/** A loopback port the OS reports free: no fixed port that another run or engine may hold. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen({ host: "127.0.0.1", port: 0, exclusive: true }, () => {
      const { port: p } = srv.address() as { port: number };
      srv.close(() => resolve(p));
    });
  });
}
