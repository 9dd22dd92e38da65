/**
 * The Redis container command exactly as the Docker and Kubernetes targets
 * render it (components/redis/spec.ts), run with the harness's redis-server:
 * the application ACL user exists from startup — so it survives restarts
 * without waiting for the init runner — with the seeds' namespaces only,
 * and neither password appears on the command line.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Redis from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redisSpec } from "../../components/redis/spec";
import { parseConfig } from "../../stacks/config";

/** A loopback port the OS reports free (chosen in beforeAll): no fixed port that another run or engine may hold. */
let port = 0;
const adminPassword = randomBytes(16).toString("hex");
const appPassword = randomBytes(16).toString("hex");
const dir = mkdtempSync(join(tmpdir(), "polystore-redis-startup-"));
let server: ChildProcess | undefined;

/** The spec's command with the container's data dir replaced and port/bind spliced in before the `--user` directive. */
function command(): string[] {
  const cfg = parseConfig({ stores: { redis: {} } }).stores.redis!;
  const cmd = [...redisSpec(cfg, { adminPassword, appPassword }).command!];
  cmd[cmd.indexOf("--dir") + 1] = dir;
  cmd.splice(cmd.indexOf("--user"), 0, "--port", String(port), "--bind", "127.0.0.1", "--save", "");
  return cmd;
}

async function start(): Promise<ChildProcess> {
  const [file, ...args] = command();
  const p = spawn(file, args, { env: { ...process.env, REDIS_PASSWORD: adminPassword, REDIS_APP_PASSWORD: appPassword }, stdio: "pipe" });
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

async function stop(p: ChildProcess): Promise<void> {
  const done = new Promise((r) => p.once("exit", r));
  p.kill("SIGTERM");
  await done;
}

const client = (username: string, password: string) =>
  new Redis({ host: "127.0.0.1", port, username, password, lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false });

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen({ host: "127.0.0.1", port: 0, exclusive: true }, () => {
      const { port: p } = srv.address() as { port: number };
      srv.close(() => resolve(p));
    });
  });
}

beforeAll(async () => {
  port = await freePort();
  server = await start();
});
afterAll(async () => {
  if (server && server.exitCode === null) await stop(server);
  rmSync(dir, { recursive: true, force: true });
});

describe("Redis started from the container command", () => {
  it("keeps both passwords off the command line", () => {
    expect(command().join(" ")).not.toContain(adminPassword);
    expect(command().join(" ")).not.toContain(appPassword);
  });

  it("has the application user at startup, limited to the seeds' namespaces and safe commands", async () => {
    const app = client("app", appPassword);
    await app.connect();
    expect(await app.set("session:abc", "1")).toBe("OK");
    expect(await app.set("cache:x", "1")).toBe("OK");
    await expect(app.set("other:x", "1")).rejects.toThrow(/NOPERM/);
    await expect(app.flushall()).rejects.toThrow(/NOPERM/);
    await expect(app.config("GET", "maxmemory")).rejects.toThrow(/NOPERM/);
    await expect(app.keys("*")).rejects.toThrow(/NOPERM/);
    await expect(app.call("AUTH", "app", "wrong")).rejects.toThrow(/WRONGPASS/);
    app.disconnect();
  });

  it("applies the configured settings and keeps the user across a restart", async () => {
    await stop(server!);
    server = await start();
    const admin = client("default", adminPassword);
    await admin.connect();
    const cfg = (await admin.config("GET", "maxmemory*")) as string[];
    expect(cfg).toEqual(expect.arrayContaining(["maxmemory", "536870912", "maxmemory-policy", "allkeys-lru"]));
    admin.disconnect();
    const app = client("app", appPassword);
    await app.connect();
    expect(await app.set("user:1:sessions", "x")).toBe("OK");
    app.disconnect();
  });
});
