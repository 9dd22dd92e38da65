/**
 * Neo4j inside its dev container limit with the dev stack's heap (initial =
 * max) and page cache, as the application user: product nodes and
 * COMPATIBLE_WITH relationships, then the seeds' compatibility query. The
 * engine is neo4j-harness (Community, in one JVM), not the neo4j image.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { neo4jLoad } from "./lib/neo4j";
import { describeOutcome, measure, startInLimit, type LoadOutcome, type LoadTarget } from "./lib/support";

let t: LoadTarget;
let o: LoadOutcome;

/** Neo4j prints byte settings as e.g. `128.00MiB` or a plain byte count. */
function megabytes(v: unknown): number {
  const m = /^([\d.]+)\s*(B|KiB|MiB|GiB)?$/.exec(String(v));
  if (!m) return NaN;
  const f = { B: 1 / 2 ** 20, KiB: 1 / 1024, MiB: 1, GiB: 1024 }[(m[2] ?? "B") as "B"];
  return Number(m[1]) * f;
}

beforeAll(async () => {
  t = await startInLimit("neo4j", { log: (l) => console.log(`[load] ${l}`) });
  o = await measure(t, neo4jLoad);
  console.log(`[load] ${describeOutcome(o)}`);
});
afterAll(async () => {
  await t?.run.stop();
});

describe("neo4j under load inside its dev memory limit", () => {
  it("completes the workload: the server is not OOM-killed and still answers", () => {
    expect(o.error).toBeUndefined();
    expect(o.usage.oomKills).toBe(0);
    expect(o.alive).toBe(true);
    expect(o.facts.answers).toBe(true);
  });

  it("runs in a memory cgroup limited to the dev container's memoryMb, with the stack's page cache", () => {
    expect(o.usage.limitBytes).toBe(t.shipped.limitMb * 1024 * 1024);
    expect(megabytes(o.facts.pagecacheSetting)).toBe(t.shipped.pagecacheMb);
  });

  it("reads back every node and relationship the application created, and answers the seeds' compatibility query", () => {
    expect(o.facts.feeders as number).toBeGreaterThan(0);
    expect(o.facts.relationships).toBe((o.facts.feeders as number) * 3);
    expect(o.facts.counted).toEqual({ feeders: o.facts.feeders, links: o.facts.relationships });
    expect(o.facts.compatibleFound).toBe(o.facts.compatibleExpected);
    expect(o.facts.compatibleExpected as number).toBeGreaterThan(0);
  });

  it("stays within 0.9 of the limit (peak working set)", () => {
    expect(o.peakOverLimit).toBeLessThanOrEqual(0.9);
  });
});
