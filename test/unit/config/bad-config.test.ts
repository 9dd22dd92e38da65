import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../../../stacks/config";

/** Parses and returns the ConfigError's problem lines (fails the test if it parses). */
function problems(raw: Record<string, unknown>): string[] {
  try {
    parseConfig(raw);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).problems;
  }
  throw new Error("expected the configuration to be rejected");
}

const ok = { stores: { postgres: {}, redis: {} } };
const withStore = (store: string, settings: Record<string, unknown>, top: Record<string, unknown> = {}) => ({
  ...top,
  stores: { [store]: settings },
});

/** [case, raw config, the key path the message must name, a fragment of what was expected]. */
const CASES: Array<[string, Record<string, unknown>, string, string]> = [
  ["enum typo in eviction policy", withStore("redis", { maxmemoryPolicy: "allkeys_lru" }), "polystore:stores.redis.maxmemoryPolicy", 'expected one of allkeys-lru, volatile-lru'],
  ["unknown target", { ...ok, target: "dockr" }, "polystore:target", "expected one of docker, kubernetes, aws, external"],
  ["unknown top-level key", { ...ok, stors: {} }, "polystore:stors", "unknown key"],
  ["unknown store", { stores: { mysql: {} } }, "polystore:stores.mysql", "unknown key"],
  ["typo in a store key", withStore("redis", { maxmemry: 100 }), "polystore:stores.redis.maxmemry", "unknown key"],
  ["port as a string", withStore("postgres", { port: "5432" }), "polystore:stores.postgres.port", "expected number"],
  ["port out of range", withStore("postgres", { port: 70000 }), "polystore:stores.postgres.port", "at most 65535"],
  ["port zero", withStore("redis", { port: 0 }), "polystore:stores.redis.port", "at least 1"],
  ["fractional port", withStore("mongodb", { port: 27017.5 }), "polystore:stores.mongodb.port", "expected int"],
  ["bad database identifier", withStore("postgres", { database: "My-DB" }), "polystore:stores.postgres.database", "lower-case identifier"],
  ["bad app role", withStore("postgres", { appRole: "1app" }), "polystore:stores.postgres.appRole", "lower-case identifier"],
  ["appendfsync typo", withStore("redis", { appendfsync: "every-sec" }), "polystore:stores.redis.appendfsync", "expected one of always, everysec, no"],
  ["appendonly as a string", withStore("redis", { appendonly: "yes" }), "polystore:stores.redis.appendonly", "expected boolean"],
  ["maxmemory zero", withStore("redis", { maxmemoryMb: 0 }), "polystore:stores.redis.maxmemoryMb", "at least 1"],
  ["latest image", withStore("postgres", { image: "postgres:latest" }), "polystore:stores.postgres.image", "pinned"],
  ["untagged image", withStore("redis", { image: "redis" }), "polystore:stores.redis.image", "pinned"],
  ["tiny memory limit", withStore("neo4j", { memoryMb: 10 }), "polystore:stores.neo4j.memoryMb", "at least 64"],
  ["tiny ES heap", withStore("elasticsearch", { heapMb: 64 }), "polystore:stores.elasticsearch.heapMb", "at least 128"],
  ["mongo cache below minimum", withStore("mongodb", { wiredTigerCacheGb: 0.1 }), "polystore:stores.mongodb.wiredTigerCacheGb", "at least 0.25"],
  ["clickhouse default user", withStore("clickhouse", { adminUser: "default" }), "polystore:stores.clickhouse.adminUser", "other than `default`"],
  ["bind address not an IP", { ...ok, docker: { bindAddress: "localhost" } }, "polystore:docker.bindAddress", "IPv4 or IPv6 address"],
  ["unknown docker key", { ...ok, docker: { network: "x" } }, "polystore:docker.network", "unknown key"],
  ["no store enabled", { stores: { postgres: { enabled: false } } }, "polystore:stores", "at least one enabled store"],
  ["stores missing", {}, "polystore:stores", "required"],
  ["external target without endpoint", withStore("neo4j", { target: "external" }), "polystore:stores.neo4j.external", "required when the target is external"],
  ["external endpoint on docker", withStore("neo4j", { external: { host: "h", port: 7687, adminUser: "neo4j", adminPassword: "x" } }), "polystore:stores.neo4j.external", "only used with target external"],
  ["external endpoint missing password", withStore("clickhouse", { target: "external", external: { host: "h", port: 8443, adminUser: "u" } }), "polystore:stores.clickhouse.external.adminPassword", "required"],
  ["ClickHouse on AWS", withStore("clickhouse", { target: "aws" }), "polystore:stores.clickhouse.target", "no managed ClickHouse"],
  ["over the memory budget", { stores: { postgres: { memoryMb: 2048 }, neo4j: { memoryMb: 2560 } } }, "polystore:docker.memoryBudgetMb", "more than the budget of 4096 MB"],
  ["host port collision", { stores: { postgres: { port: 6379 }, redis: {} } }, "polystore:stores.redis.port", "already used by stores.postgres.port"],
  ["init timeout too short", { ...ok, initScripts: { timeoutSeconds: 1 } }, "polystore:initScripts.timeoutSeconds", "at least 5"],
  ["tags not strings", { ...ok, tags: { team: 5 } }, "polystore:tags.team", "expected string"],
  ["enabled as a string", withStore("postgres", { enabled: "true" }), "polystore:stores.postgres.enabled", "expected boolean"],
];

describe("bad configuration is rejected before any resource, naming the key", () => {
  it.each(CASES)("%s", (_name, raw, key, expected) => {
    const lines = problems(raw);
    const line = lines.find((l) => l.startsWith(`${key}:`));
    expect(line, `no problem names ${key}; got:\n${lines.join("\n")}`).toBeDefined();
    expect(line).toContain(expected);
  });

  it("reports every problem at once", () => {
    const lines = problems({
      target: "dockr",
      bogus: true,
      stores: { redis: { maxmemoryPolicy: "lru", port: "x" }, postgres: { database: "Bad" } },
    });
    expect(lines).toHaveLength(5);
    expect(lines.map((l) => l.split(":").slice(0, 2).join(":"))).toEqual(
      expect.arrayContaining([
        "polystore:target",
        "polystore:bogus",
        "polystore:stores.redis.maxmemoryPolicy",
        "polystore:stores.redis.port",
        "polystore:stores.postgres.database",
      ]),
    );
  });

  it("puts the count and every line in the error message", () => {
    try {
      parseConfig({ target: "x", stores: { redis: { port: -1 } } });
      expect.unreachable();
    } catch (e) {
      expect((e as Error).message).toMatch(/^Invalid polystore configuration \(2 problems\):\n  - polystore:/);
    }
  });

  it("shows the offending value but never echoes a long secret in full", () => {
    const lines = problems(withStore("redis", { maxmemoryPolicy: "x".repeat(200) }));
    expect(lines[0].length).toBeLessThan(260);
  });

  it("applies the seed defaults to a bare store", () => {
    const cfg = parseConfig({ stores: { redis: {}, postgres: {} } });
    expect(cfg.target).toBe("docker");
    expect(cfg.stores.redis).toMatchObject({ maxmemoryMb: 512, maxmemoryPolicy: "allkeys-lru", appendonly: true, appendfsync: "everysec", timeoutSeconds: 300 });
    expect(cfg.stores.postgres).toMatchObject({ database: "app", ownerRole: "app_owner", appRole: "app_user" });
    expect(cfg.docker).toMatchObject({ bindAddress: "127.0.0.1", memoryBudgetMb: 4096, keepVolumesOnDestroy: true });
  });
});
