/**
 * Redis init scripts against a real redis-server: what only Redis does (queue-time
 * errors abort the whole MULTI/EXEC, the LRU/AOF configuration check, the ACL rules
 * of the application user). What every adapter must do is the contract suite
 * (contract/adapter-contract.ts), run for Redis at the end of this file. Each test
 * uses its own logical database and ACL user name.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import Redis from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectedConfig } from "../../components/init/adapters/redis";
import { DEFAULT_REDIS_SERVER_SETTINGS } from "../../components/stores/redis";
import type { StoreConnection } from "../../components/core/types";
import { copyScripts, ok, removeDir, run, storeConnection, uniqueSuffix } from "./init-support";
import { describeAdapterContract } from "./contract/adapter-contract";
import { redisFixture } from "./contract/fixtures";

let base: StoreConnection;
const appUsers: string[] = [];
/** Logical databases 8-14 belong to this file (one per fresh state). */
let nextDb = 8;

function client(conn: StoreConnection, who: "admin" | "app"): Redis {
  const r = new Redis({
    host: conn.host, port: conn.port, username: conn[who].user, password: conn[who].password, db: Number(conn.database),
    lazyConnect: true, maxRetriesPerRequest: 0, enableReadyCheck: false, retryStrategy: () => null,
  });
  r.on("error", () => undefined); // failures surface on the awaited call
  return r;
}

async function withClient<T>(conn: StoreConnection, who: "admin" | "app", f: (r: Redis) => Promise<T>): Promise<T> {
  const r = client(conn, who);
  await r.connect();
  try {
    return await f(r);
  } finally {
    r.disconnect();
  }
}

/** An empty logical database and a new app user name. */
async function freshDatabase(): Promise<StoreConnection> {
  const conn: StoreConnection = { ...base, database: String(nextDb++), app: { user: `app_${uniqueSuffix()}`, password: `pw-${uniqueSuffix()}` } };
  appUsers.push(conn.app.user);
  await withClient(conn, "admin", (r) => r.flushdb());
  return conn;
}

beforeAll(() => {
  base = storeConnection("redis");
});

afterAll(async () => {
  await withClient({ ...base, database: "0" }, "admin", async (r) => {
    for (const u of appUsers) await r.call("ACL", "DELUSER", u);
  });
});

describe("redis init scripts", () => {
  it("rejects a script with a queue-time error without applying any of it", async () => {
    const conn = await freshDatabase();
    const dir = copyScripts("redis");
    try {
      writeFileSync(join(dir, "002_bad.redis"), "SET cache:x 1\nNOSUCHCOMMAND a b\n");
      const failed = await run(conn, "apply", dir);
      expect(failed.error).toMatch(/002_bad\.redis failed: .*(EXECABORT|unknown command)/i);
      expect(await withClient(conn, "admin", (r) => r.exists("cache:x"))).toBe(0);
      expect(await withClient(conn, "admin", (r) => r.hexists("polystore:schema_history", "2"))).toBe(0);
    } finally {
      removeDir(dir);
    }
  });
});

describe("redis server configuration and application user", () => {
  let conn: StoreConnection;
  beforeAll(async () => {
    conn = await freshDatabase();
    ok(await run(conn, "apply"));
  });

  it("CONFIG GET shows the seeds' settings: maxmemory 512mb, allkeys-lru, AOF everysec, idle timeout 300 (the runner checks them too)", async () => {
    const got = await withClient(conn, "admin", (r) => r.call("CONFIG", "GET", "maxmemory", "maxmemory-policy", "appendonly", "appendfsync", "timeout") as Promise<string[]>);
    const map = Object.fromEntries(got.reduce<string[][]>((acc, v, i) => (i % 2 ? acc : [...acc, [v, got[i + 1]!]]), []));
    // Literals from the seeds' redis.conf (/work/shared/seeds, "maxmemory 512mb", "allkeys-lru",
    // "appendonly yes", "everysec", "timeout 300"), not from the runner's own expectedConfig().
    expect(map).toEqual({ maxmemory: "536870912", "maxmemory-policy": "allkeys-lru", appendonly: "yes", appendfsync: "everysec", timeout: "300" });
    // The runner's expectation for this connection agrees with the seeds.
    expect(expectedConfig(conn)).toEqual({ maxmemory: "536870912", "maxmemory-policy": "allkeys-lru", appendonly: "yes", appendfsync: "everysec" });
  });

  it("the run fails naming the setting when the server differs from the stack, unless the check is off", async () => {
    // The server runs allkeys-lru / everysec (previous test); the stack claims otherwise.
    const wrong = { ...conn, server: { ...DEFAULT_REDIS_SERVER_SETTINGS, maxmemoryPolicy: "noeviction", appendfsync: "always" } };
    const failed = await run(wrong, "apply");
    expect(failed.ok).toBe(false);
    expect(failed.error).toContain('maxmemory-policy is "allkeys-lru", expected "noeviction"');
    expect(failed.error).toContain('appendfsync is "everysec", expected "always"');
    const skipped = ok(await run({ ...wrong, options: { ...wrong.options, configCheck: "off" } }, "apply"));
    expect(skipped.notes.join("\n")).toMatch(/configuration check skipped .*managed services/);
  });

  it("the app user can use its namespaces and read the key-space contract", async () => {
    await withClient(conn, "app", async (r) => {
      expect(await r.set("session:x", "data", "EX", 3600)).toBe("OK");
      expect(await r.sadd("user:u1:sessions", "x")).toBe(1);
      expect(await r.set("lock:r1", "me", "PX", 30000, "NX")).toBe("OK");
      expect(await r.hget("cache:keyspace:contract", "session:ttl_seconds")).toBe("3600");
    });
  });

  it("the app user is refused FLUSHALL, FLUSHDB, CONFIG, KEYS and keys outside its namespaces", async () => {
    await withClient(conn, "app", async (r) => {
      await expect(r.flushall()).rejects.toThrow(/NOPERM/);
      await expect(r.flushdb()).rejects.toThrow(/NOPERM/);
      await expect(r.call("CONFIG", "GET", "maxmemory")).rejects.toThrow(/NOPERM/);
      await expect(r.call("CONFIG", "SET", "maxmemory", "1")).rejects.toThrow(/NOPERM/);
      await expect(r.keys("*")).rejects.toThrow(/NOPERM/);
      await expect(r.set("other:x", "1")).rejects.toThrow(/NOPERM/);
      await expect(r.get("polystore:schema_history")).rejects.toThrow(/NOPERM/);
      await expect(r.call("ACL", "LIST")).rejects.toThrow(/NOPERM/);
    });
  });
});

describeAdapterContract(redisFixture);
