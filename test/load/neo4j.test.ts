/**
 * Neo4j inside its dev container limit with the dev stack's heap (initial =
 * max) and page cache, as the application user: product nodes and
 * COMPATIBLE_WITH relationships, then the seeds' compatibility query. The
 * engine is neo4j-harness (Community, in one JVM), not the neo4j image.
 */
import { expect, it } from "vitest";
import { describeLoad } from "./lib/suite";

/** Neo4j prints byte settings as e.g. `128.00MiB` or a plain byte count. */
function megabytes(v: unknown): number {
  const m = /^([\d.]+)\s*(B|KiB|MiB|GiB)?$/.exec(String(v));
  if (!m) return NaN;
  const f = { B: 1 / 2 ** 20, KiB: 1 / 1024, MiB: 1, GiB: 1024 }[(m[2] ?? "B") as "B"];
  return Number(m[1]) * f;
}

describeLoad("neo4j", "neo4j under load inside its dev memory limit", (run) => {
  it("still answers, with the stack's page cache in force", () => {
    expect(run().o.facts.answers).toBe(true);
    expect(megabytes(run().o.facts.pagecacheSetting)).toBe(run().t.shipped.pagecacheMb);
  });

  it("reads back every node and relationship the application created, and answers the seeds' compatibility query", () => {
    const f = run().o.facts;
    expect(f.feeders as number).toBeGreaterThan(0);
    expect(f.relationships).toBe((f.feeders as number) * 3);
    expect(f.counted).toEqual({ feeders: f.feeders, links: f.relationships });
    expect(f.compatibleFound).toBe(f.compatibleExpected);
    expect(f.compatibleExpected as number).toBeGreaterThan(0);
  });
});
