/**
 * The init runner's configuration check against a real redis-server started, as the Docker and
 * Kubernetes targets render it, with non-default settings (issue 12): the connection the
 * Kubernetes init Job is given (taken from the program evaluated under Pulumi's mocks) passes the
 * check, and a connection without the settings — what the Job was given before — is refused with
 * "server configuration differs from the stack".
 */
import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAdapter } from "../../components/init";
import type { StoreConnection } from "../../components/core/types";
import { INIT_CONNECTION_ENV } from "../../components/targets/kubernetes";
import { parseConfig } from "../../stacks/config";
import { evaluate, inputs, resource } from "../unit/targets/harness";
import { NON_DEFAULT } from "../util/redis-settings";
import { freePort, renderedRedisCommand, startRenderedRedis, stopRedis } from "./redis-server-support";

const secrets = { adminPassword: randomBytes(16).toString("hex"), appPassword: randomBytes(16).toString("hex") };
const dir = mkdtempSync(join(tmpdir(), "polystore-redis-settings-"));
let port = 0;
let server: ChildProcess | undefined;
let jobConnection: StoreConnection;


beforeAll(async () => {
  const raw = { target: "kubernetes", kubernetes: { runnerImage: "registry.example.com/platform/polystore-runner:0.1.0" }, stores: { redis: { ...NON_DEFAULT } } };
  const e = await evaluate(raw, "settings");
  const secret = inputs(resource(e.registered, "core/v1:Secret", "redis-init-connection"));
  const fromJob = JSON.parse(secret.stringData[INIT_CONNECTION_ENV]).redis as StoreConnection;
  port = await freePort();
  // The cluster address and generated passwords swapped for this server's; the settings as the Job has them.
  jobConnection = { ...fromJob, host: "127.0.0.1", port, admin: { user: "default", password: secrets.adminPassword }, app: { user: fromJob.app.user, password: secrets.appPassword } };
  server = await startRenderedRedis(renderedRedisCommand(parseConfig(raw).stores.redis!, secrets, dir, port), secrets);
}, 60_000);

afterAll(async () => {
  if (server && server.exitCode === null) await stopRedis(server);
  rmSync(dir, { recursive: true, force: true });
});

async function check(conn: StoreConnection): Promise<string[]> {
  const adapter = await createAdapter(conn);
  await adapter.connect();
  try {
    return await adapter.checkServer!();
  } finally {
    await adapter.close();
  }
}

describe("the init Job's connection against a Redis started with non-default settings", () => {
  it("passes the configuration check", async () => {
    expect(jobConnection.server).toEqual(NON_DEFAULT);
    expect(await check(jobConnection)).toEqual([
      `config in force: maxmemory=${200 * 1024 * 1024}, maxmemory-policy=allkeys-lfu, appendonly=yes, appendfsync=always`,
    ]);
  });

  it("refuses a connection without the settings (what the Job had before)", async () => {
    const { server: _settings, ...withoutSettings } = jobConnection;
    await expect(check(withoutSettings)).rejects.toThrow(
      `redis at 127.0.0.1:${port}: server configuration differs from the stack: maxmemory is "${200 * 1024 * 1024}", expected "${512 * 1024 * 1024}"; maxmemory-policy is "allkeys-lfu", expected "allkeys-lru"; appendfsync is "always", expected "everysec"`,
    );
  });
});
