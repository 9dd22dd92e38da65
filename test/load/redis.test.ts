/**
 * Redis inside its dev container limit with the dev stack's settings
 * (maxmemory, allkeys-lru, AOF everysec, the image's default RDB saves), as the
 * application ACL user: keys written to 1.5 × maxmemory must be evicted, not
 * refused; an AOF rewrite during the writes must finish; nothing is OOM-killed.
 */
import { expect, it } from "vitest";
import { describeLoad } from "./lib/suite";

describeLoad("redis", "redis under load inside its dev memory limit", (run) => {
  it("still answers, with AOF on as the stack renders it", () => {
    expect(run().o.facts.ping).toBe("PONG");
    expect(run().o.facts.aofEnabled).toBe("1");
  });

  it("evicts (allkeys-lru) instead of refusing writes, past maxmemory", () => {
    const f = run().o.facts;
    expect(f.bytesWritten as number).toBeGreaterThanOrEqual(1.5 * (f.maxmemoryBytes as number));
    expect(f.errors).toEqual({});
    expect(f.refusedWrites).toBe(0);
    expect(f.evictedKeys as number).toBeGreaterThan(0);
  });

  it("finishes the AOF rewrite started during the writes", () => {
    const f = run().o.facts;
    expect((f.rewrite as { reply: string }).reply).toMatch(/^Background append only file rewriting (started|scheduled)/);
    expect(f.aofRewriteInProgress).toBe("0");
    expect(f.aofRewriteScheduled).toBe("0");
    expect(f.aofLastBgrewriteStatus).toBe("ok");
    expect(f.aofRewrites as number).toBeGreaterThanOrEqual(1);
  });

  it("reads the newest keys back as the application", () => {
    const f = run().o.facts;
    expect(f.readBackOf).toBe(1000);
    expect(f.readBackOk).toBe(f.readBackOf);
  });
});
