/**
 * Redis inside its dev container limit with the dev stack's settings
 * (maxmemory, allkeys-lru, AOF everysec, the image's default RDB saves), as the
 * application ACL user: keys written to 1.5 × maxmemory must be evicted, not
 * refused; an AOF rewrite during the writes must finish; nothing is OOM-killed.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redisLoad } from "./lib/redis";
import { describeOutcome, measure, startInLimit, type LoadOutcome, type LoadTarget } from "./lib/support";

let t: LoadTarget;
let o: LoadOutcome;

beforeAll(async () => {
  t = await startInLimit("redis", { log: (l) => console.log(`[load] ${l}`) });
  o = await measure(t, redisLoad);
  console.log(`[load] ${describeOutcome(o)}`);
});
afterAll(async () => {
  await t?.run.stop();
});

describe("redis under load inside its dev memory limit", () => {
  it("completes the workload: the store is not OOM-killed and still answers", () => {
    expect(o.error).toBeUndefined();
    expect(o.usage.oomKills).toBe(0);
    expect(o.alive).toBe(true);
    expect(o.facts.ping).toBe("PONG");
  });

  it("runs in a memory cgroup limited to the dev container's memoryMb with the stack's server settings", () => {
    expect(o.usage.limitBytes).toBe(t.shipped.limitMb * 1024 * 1024);
    expect(o.facts.aofEnabled).toBe("1");
  });

  it("evicts (allkeys-lru) instead of refusing writes, past maxmemory", () => {
    expect(o.facts.bytesWritten as number).toBeGreaterThanOrEqual(1.5 * (o.facts.maxmemoryBytes as number));
    expect(o.facts.errors).toEqual({});
    expect(o.facts.refusedWrites).toBe(0);
    expect(o.facts.evictedKeys as number).toBeGreaterThan(0);
  });

  it("finishes the AOF rewrite started during the writes", () => {
    expect((o.facts.rewrite as { reply: string }).reply).toMatch(/^Background append only file rewriting (started|scheduled)/);
    expect(o.facts.aofRewriteInProgress).toBe("0");
    expect(o.facts.aofRewriteScheduled).toBe("0");
    expect(o.facts.aofLastBgrewriteStatus).toBe("ok");
    expect(o.facts.aofRewrites as number).toBeGreaterThanOrEqual(1);
  });

  it("reads the newest keys back as the application", () => {
    expect(o.facts.readBackOf).toBe(1000);
    expect(o.facts.readBackOk).toBe(o.facts.readBackOf);
  });

  it("stays within 0.9 of the limit (peak working set)", () => {
    expect(o.peakOverLimit).toBeLessThanOrEqual(0.9);
  });
});
