import { describe, expect, it } from "vitest";
import { parseRedisScript } from "../../../components/init/adapters/redis-script";
import { appAclRules, expectedConfig } from "../../../components/init/adapters/redis";
import type { StoreConnection } from "../../../components/core/types";

describe("parseRedisScript", () => {
  it("reads one command per line with quoted arguments, skipping comments and blanks", () => {
    const cmds = parseRedisScript('# comment\n\nHSET cache:x a 1 b "two words" c \'single "q"\'\n  set  cache:y "line\\nbreak"  \n');
    expect(cmds).toEqual([
      { name: "HSET", args: ["cache:x", "a", "1", "b", "two words", "c", 'single "q"'], line: 3 },
      { name: "SET", args: ["cache:y", "line\nbreak"], line: 4 },
    ]);
  });

  it("reports every bad line with file and line number", () => {
    let message = "";
    try {
      parseRedisScript('SET a "open\nFLUSHALL\nmulti\nSET b "x"y', "002_bad.redis");
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message.split("\n")).toEqual([
      "002_bad.redis:1: unterminated \" string",
      "002_bad.redis:2: FLUSHALL is not allowed in init scripts",
      "002_bad.redis:3: MULTI is not allowed in init scripts",
      "002_bad.redis:4: closing quote must be followed by a blank",
    ]);
  });
});

describe("redis ACL rules and expected configuration", () => {
  it("limits keys to the four namespaces and removes admin/dangerous commands", () => {
    const rules = appAclRules();
    expect(rules.filter((r) => r.startsWith("~"))).toEqual(["~session:*", "~user:*", "~cache:*", "~lock:*"]);
    for (const r of ["-@admin", "-@dangerous", "-flushall", "-flushdb", "-config", "-debug", "-keys"]) expect(rules).toContain(r);
  });

  it("defaults to 512 MB / allkeys-lru / AOF everysec and reads the connection's typed server settings", () => {
    const conn: StoreConnection = { kind: "redis", host: "h", port: 1, tls: false, database: "0", admin: { user: "a", password: "p" }, app: { user: "b", password: "q" } };
    expect(expectedConfig(conn)).toEqual({ maxmemory: String(512 * 1024 * 1024), "maxmemory-policy": "allkeys-lru", appendonly: "yes", appendfsync: "everysec" });
    const server = { maxmemoryMb: 64, maxmemoryPolicy: "volatile-lru", appendonly: false, appendfsync: "always", timeoutSeconds: 0 };
    expect(expectedConfig({ ...conn, server })).toEqual({
      maxmemory: String(64 * 1024 * 1024), "maxmemory-policy": "volatile-lru", appendonly: "no", appendfsync: "always",
    });
    expect(() => expectedConfig({ ...conn, server: { maxmemoryMb: "64" } })).toThrow(
      'redis: the connection\'s server settings are not Redis server settings (expected maxmemoryMb, maxmemoryPolicy, appendonly, appendfsync, timeoutSeconds), got {"maxmemoryMb":"64"}',
    );
  });
});
