/**
 * Attacks on Redis as the APPLICATION: a redis-server started with exactly the
 * container command polystore renders, provisioned by polystore's own runner,
 * and a client built only from the variables the env file gives the
 * application (appEnv: REDIS_URL, …). Each block is one class of issue 14 that
 * must stay closed: server-side code, key-space visibility, other logical
 * databases, key-tracking and Pub/Sub listing, and the runner's ledger lost to
 * eviction the application forces.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import Redis from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAdapter, runStore } from "../../components/init";
import { initScriptsProvider } from "../../components/init/resource";
import { appEnv, STORES } from "../../components/stores";
import type { StoreConnection } from "../../components/core/types";
import { parseConfig } from "../../stacks/config";
import { ok, run } from "./init-support";
import { renderedRedisCommand, startRenderedRedis, stopRedis } from "./redis-server-support";

const port = 56400 + Number(process.env.POLYSTORE_HARNESS_PORT_OFFSET ?? 0);
const MAXMEMORY_MB = 16;
const secrets = { adminPassword: randomBytes(16).toString("hex"), appPassword: randomBytes(16).toString("hex") };
const dir = mkdtempSync(join(tmpdir(), "polystore-attack-redis-"));
let server: ChildProcess | undefined;

const cfg = parseConfig({ stores: { redis: { maxmemoryMb: MAXMEMORY_MB, appendonly: false } } }).stores.redis!;

/** The stack's connection for this server, with the options and server settings components/stores/redis gives it. */
const conn: StoreConnection = {
  kind: "redis", host: "127.0.0.1", port, tls: false, database: "0",
  admin: { user: "default", password: secrets.adminPassword },
  app: { user: "app", password: secrets.appPassword },
  server: STORES.redis.server!(cfg),
  options: STORES.redis.options(cfg),
};

/** A client from the env file's REDIS_URL only: what an application (or an attacker holding its .env) has. */
function appClient(env = appEnv(conn)): Redis {
  const r = new Redis(env.REDIS_URL!, { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
  r.on("error", () => undefined);
  return r;
}
function adminClient(): Redis {
  const r = new Redis({ host: conn.host, port, username: "default", password: secrets.adminPassword, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  r.on("error", () => undefined);
  return r;
}
async function withClient<T>(r: Redis, f: (r: Redis) => Promise<T>): Promise<T> {
  await r.connect();
  try {
    return await f(r);
  } finally {
    r.disconnect();
  }
}
const refused = /NOPERM|no permissions|can't access/;

beforeAll(async () => {
  server = await startRenderedRedis(renderedRedisCommand(cfg, secrets, dir, port), secrets);
  ok(await run(conn, "apply"));
  await withClient(adminClient(), async (a) => {
    await a.call("FUNCTION", "LOAD", "#!lua name=adminlib\nredis.register_function('who', function() return 'admin code' end)");
    await a.set("admin:secret", "s");
    await a.select(9);
    await a.set("cache:in-db-9", "other tenant");
  });
});

afterAll(async () => {
  if (server) await stopRedis(server);
  rmSync(dir, { recursive: true, force: true });
});

describe("attack as the app (REDIS_URL from the env file): server-side code", () => {
  it("the env file holds the application identity, not the admin", () => {
    const env = appEnv(conn);
    expect(new URL(env.REDIS_URL!).username).toBe("app");
    expect(Object.values(env).join(" ")).not.toContain(secrets.adminPassword);
  });

  it("cannot load, replace, delete, flush or read functions, nor run Lua", async () => {
    await withClient(appClient(), async (r) => {
      const lib = "#!lua name=adminlib\nredis.register_function('who', function() return 'app code' end)";
      await expect(r.call("FUNCTION", "LOAD", "REPLACE", lib)).rejects.toThrow(refused);
      await expect(r.call("FUNCTION", "DELETE", "adminlib")).rejects.toThrow(refused);
      await expect(r.call("FUNCTION", "FLUSH")).rejects.toThrow(refused);
      await expect(r.call("FUNCTION", "LIST", "WITHCODE")).rejects.toThrow(refused);
      await expect(r.call("FUNCTION", "DUMP")).rejects.toThrow(refused);
      await expect(r.call("FCALL", "who", "0")).rejects.toThrow(refused);
      await expect(r.call("EVAL", "return 1", "0")).rejects.toThrow(refused);
      await expect(r.call("EVALSHA", "e0e1f9fabfc9d4800c877a703b823ac0578ff8db", "0")).rejects.toThrow(refused);
      await expect(r.call("SCRIPT", "LOAD", "return 1")).rejects.toThrow(refused);
      await expect(r.call("SCRIPT", "FLUSH")).rejects.toThrow(refused);
    });
    expect(await withClient(adminClient(), (a) => a.call("FCALL", "who", "0"))).toBe("admin code");
  });

  it("with allowAppScripts, runs EVAL on its own keys only; FUNCTION stays denied", async () => {
    const lua: StoreConnection = { ...conn, app: { user: "app_lua", password: randomBytes(16).toString("hex") }, options: { ...conn.options, allowAppScripts: "true" } };
    ok(await run(lua, "apply"));
    await withClient(appClient(appEnv(lua)), async (r) => {
      expect(await r.call("EVAL", "return redis.call('SET', KEYS[1], ARGV[1])", "1", "cache:lua", "v")).toBe("OK");
      await expect(r.call("EVAL", "return redis.call('GET', KEYS[1])", "1", "admin:secret")).rejects.toThrow(refused);
      await expect(r.call("EVAL", "return redis.call('GET', 'admin:secret')", "0")).rejects.toThrow(refused);
      await expect(r.call("FUNCTION", "LOAD", "REPLACE", "#!lua name=adminlib\nredis.register_function('who', function() return 'x' end)")).rejects.toThrow(refused);
      await expect(r.call("SCRIPT", "FLUSH")).rejects.toThrow(refused);
    });
    await withClient(adminClient(), (a) => a.call("ACL", "DELUSER", "app_lua"));
  });
});

describe("attack as the app: key-space and channel visibility", () => {
  it("cannot list key names: SCAN, KEYS, RANDOMKEY, SORT … BY, EXISTS outside its prefixes", async () => {
    await withClient(appClient(), async (r) => {
      await expect(r.call("SCAN", "0")).rejects.toThrow(refused);
      await expect(r.call("SCAN", "0", "MATCH", "cache:*")).rejects.toThrow(refused);
      await expect(r.call("KEYS", "*")).rejects.toThrow(refused);
      await expect(r.call("RANDOMKEY")).rejects.toThrow(refused);
      await expect(r.call("EXISTS", "admin:secret")).rejects.toThrow(refused);
      await r.rpush("cache:list", "1");
      await expect(r.call("SORT", "cache:list", "BY", "admin:*")).rejects.toThrow();
    });
  });

  it("cannot reach another logical database: SELECT n, MOVE, COPY … DB", async () => {
    await withClient(appClient(), async (r) => {
      await expect(r.call("SELECT", "9")).rejects.toThrow(refused);
      expect(await r.call("SELECT", "0")).toBe("OK");
      await r.set("cache:mine", "1");
      await expect(r.call("MOVE", "cache:mine", "9")).rejects.toThrow(refused);
      await expect(r.call("COPY", "cache:mine", "cache:in-db-9", "DB", "9")).rejects.toThrow(refused);
      await expect(r.call("SWAPDB", "0", "9")).rejects.toThrow(refused);
    });
  });

  it("cannot track other clients' keys (CLIENT TRACKING, BCAST) nor list or count channels", async () => {
    await withClient(appClient(), async (r) => {
      await expect(r.call("CLIENT", "TRACKING", "ON", "BCAST")).rejects.toThrow(refused);
      await expect(r.call("CLIENT", "TRACKING", "ON")).rejects.toThrow(refused);
      await expect(r.call("PUBSUB", "CHANNELS")).rejects.toThrow(refused);
      await expect(r.call("PUBSUB", "NUMSUB", "admin:events")).rejects.toThrow(refused);
      await expect(r.call("PUBSUB", "NUMPAT")).rejects.toThrow(refused);
      await expect(r.call("PUBSUB", "SHARDCHANNELS")).rejects.toThrow(refused);
      await expect(r.call("PUBLISH", "admin:events", "x")).rejects.toThrow(refused);
      expect(await r.call("PUBLISH", "cache:events", "x")).toBe(0);
    });
  });

  it("subscribes only to channels under its own prefixes (no keyspace notifications, no admin channels)", async () => {
    for (const channel of ["admin:events", "__keyspace@0__:admin:secret"]) {
      await withClient(appClient(), async (r) => {
        await expect(r.subscribe(channel)).rejects.toThrow(refused);
      });
    }
    await withClient(appClient(), async (r) => {
      await expect(r.psubscribe("*")).rejects.toThrow(refused);
      expect(await r.subscribe("session:events")).toBe(1);
    });
  });
});

describe("attack as the app: evicting the runner's ledger", () => {
  it("filling memory under cache:* evicts the ledger; the stack's record detects it and apply re-applies, saying so", async () => {
    const ledgerGone = () => withClient(adminClient(), async (a) => (await a.call("OBJECT", "IDLETIME", "polystore:schema_history")) === null);
    expect(await ledgerGone()).toBe(false);
    const value = "x".repeat(8192);
    await withClient(appClient(), async (r) => {
      // Up to 10 × maxmemory written, in pipelined batches; OBJECT IDLETIME does not refresh the ledger's LRU clock.
      for (let batch = 0; batch < (10 * MAXMEMORY_MB * 1024) / 8 / 200 && !(await ledgerGone()); batch++) {
        const p = r.pipeline();
        for (let i = 0; i < 200; i++) p.set(`cache:fill:${batch}:${i}`, value);
        await p.exec();
      }
    });
    expect(await ledgerGone(), "the app evicted the ledger by filling memory").toBe(true);

    // Without the stack's record the store cannot tell: the script simply shows as pending.
    expect(ok(await run(conn, "status")).pending).toEqual([1]);
    // With it (what pulumi up passes from the InitScripts state), status and apply name the loss.
    const status = ok(await runStore(conn, await createAdapter(conn), "status", { recorded: [1] }));
    expect(status.notes.join("\n")).toMatch(/ledger lost: version\(s\) 1 are recorded as applied in the stack's state but missing from the store's ledger \(evicted/);
    const update = await initScriptsProvider.update!(
      "redis-init",
      { kind: "redis", scriptsDir: "init-scripts/redis", checksums: {}, connectionHash: "", waitTimeoutSeconds: 30, applied: 1, appliedVersions: [1], recordedVersions: [1], summary: "" },
      { kind: "redis", connection: conn, scriptsDir: "init-scripts/redis", checksums: {}, waitTimeoutSeconds: 30 },
    );
    expect(update.outs!.appliedVersions).toEqual([1]);
    expect(update.outs!.recordedVersions).toEqual([1]);
    expect(update.outs!.summary).toMatch(/applied 001_keyspace_contract\.redis; 0 already applied; .*ledger lost: version\(s\) 1 .*re-applying them/);
    expect(JSON.stringify(update)).not.toContain(secrets.appPassword);
    // The re-run restored what the script sets up, and the ledger.
    expect(await withClient(appClient(), (r) => r.hget("cache:keyspace:contract", "session:ttl_seconds"))).toBe("3600");
    expect(ok(await run(conn, "status")).skipped).toEqual([1]);
  }, 120_000);
});
