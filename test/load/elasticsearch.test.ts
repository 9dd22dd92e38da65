/**
 * Elasticsearch inside its dev container limit with the dev stack's heap
 * (-Xms = -Xmx = heapMb), as the application user: bulk indexing through the
 * `articles` write alias while searching, then every article counted and found.
 * The engine is Elastic's integ-test distribution (fewer modules than the image).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { elasticsearchLoad } from "./lib/elasticsearch";
import { describeOutcome, measure, startInLimit, type LoadOutcome, type LoadTarget } from "./lib/support";

let t: LoadTarget;
let o: LoadOutcome;

beforeAll(async () => {
  t = await startInLimit("elasticsearch", { log: (l) => console.log(`[load] ${l}`) });
  o = await measure(t, elasticsearchLoad);
  console.log(`[load] ${describeOutcome(o)}`);
});
afterAll(async () => {
  await t?.run.stop();
});

describe("elasticsearch under load inside its dev memory limit", () => {
  it("completes the workload: the node is not OOM-killed and still answers", () => {
    expect(o.error).toBeUndefined();
    expect(o.usage.oomKills).toBe(0);
    expect(o.alive).toBe(true);
    expect(["green", "yellow"]).toContain(o.facts.health);
  });

  it("runs in a memory cgroup limited to the dev container's memoryMb, with the stack's heap", () => {
    expect(o.usage.limitBytes).toBe(t.shipped.limitMb * 1024 * 1024);
    expect(o.facts.heapMaxBytes).toBe(t.shipped.heapMb! * 1024 * 1024);
    expect(t.shipped.heapMb! * 2).toBeLessThanOrEqual(t.shipped.limitMb);
  });

  it("indexes every article without rejections or tripped breakers, and searches them", () => {
    expect(o.facts.indexed as number).toBeGreaterThan(0);
    expect(o.facts.bulkErrors).toBe(0);
    expect(o.facts.breakerTrips).toBe(0);
    expect(o.facts.searches as number).toBeGreaterThan(0);
  });

  it("reads back what the application indexed", () => {
    expect(o.facts.count).toBe(o.facts.indexed);
    expect(o.facts.fullTextHits).toBe(o.facts.expectedTorchTitles);
    expect(o.facts.autocompleteHits as number).toBeGreaterThan(0);
    expect(o.facts.lastDocFound).toBe(true);
  });

  it("stays within 0.9 of the limit (peak working set)", () => {
    expect(o.peakOverLimit).toBeLessThanOrEqual(0.9);
  });
});
