/**
 * The Redis container command exactly as the Docker and Kubernetes targets
 * render it (components/stores/redis/spec.ts), run with the harness's redis-server:
 * the application ACL user exists from startup — so it survives restarts
 * without waiting for the init runner — with the seeds' namespaces only,
 * and neither password appears on the command line.
 */
import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Redis from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../stacks/config";
import { freePort, renderedRedisCommand, startRenderedRedis, stopRedis } from "./redis-server-support";

/** A loopback port the OS reports free (chosen in beforeAll): no fixed port that another run or engine may hold. */
let port = 0;
const adminPassword = randomBytes(16).toString("hex");
const appPassword = randomBytes(16).toString("hex");
const dir = mkdtempSync(join(tmpdir(), "polystore-redis-startup-"));
let server: ChildProcess | undefined;

const secrets = { adminPassword, appPassword };
/** Every distinct /proc/<pid>/cmdline of the started process, sampled from spawn until redis-server has set its title. */
const cmdlines: string[] = [];

/** The spec's command with the container's data dir replaced and port/bind/no-RDB appended. */
function command(): string[] {
  const cfg = parseConfig({ stores: { redis: {} } }).stores.redis!;
  return renderedRedisCommand(cfg, secrets, dir, port);
}

/** Samples the process's argv as fast as it can (synchronously), from the moment it is spawned. */
function sampleCmdline(pid: number): void {
  const until = Date.now() + 3000;
  while (Date.now() < until) {
    let now: string;
    try {
      now = readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ").trim();
    } catch {
      break;
    }
    if (now !== cmdlines[cmdlines.length - 1]) cmdlines.push(now);
    if (/^redis-server \S+:\d+/.test(now)) break; // the final process title
  }
}

const start = () => startRenderedRedis(command(), secrets, sampleCmdline);
const stop = stopRedis;

const client = (username: string, password: string) =>
  new Redis({ host: "127.0.0.1", port, username, password, lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false });


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

  it("never has a password in the started process's /proc/<pid>/cmdline, at any sample from spawn on", () => {
    // The first samples are sh's argv, then redis-server's, then its rewritten title.
    expect(cmdlines.length).toBeGreaterThan(0);
    expect(cmdlines[cmdlines.length - 1]).toMatch(/^redis-server \S+:\d+/);
    for (const c of cmdlines) {
      expect(c).not.toContain(adminPassword);
      expect(c).not.toContain(appPassword);
    }
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
