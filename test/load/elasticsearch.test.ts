/**
 * Elasticsearch inside its dev container limit with the dev stack's heap
 * (-Xms = -Xmx = heapMb), as the application user: bulk indexing through the
 * `articles` write alias while searching, then every article counted and found.
 * The engine is Elastic's integ-test distribution (fewer modules than the image).
 */
import { expect, it } from "vitest";
import { describeLoad } from "./lib/suite";

describeLoad("elasticsearch", "elasticsearch under load inside its dev memory limit", (run) => {
  it("still answers, with the stack's heap, at most half the container", () => {
    const { t, o } = run();
    expect(["green", "yellow"]).toContain(o.facts.health);
    expect(o.facts.heapMaxBytes).toBe(t.shipped.heapMb! * 1024 * 1024);
    expect(t.shipped.heapMb! * 2).toBeLessThanOrEqual(t.shipped.limitMb);
  });

  it("indexes every article without rejections or tripped breakers, and searches them", () => {
    const f = run().o.facts;
    expect(f.indexed as number).toBeGreaterThan(0);
    expect(f.bulkErrors).toBe(0);
    expect(f.breakerTrips).toBe(0);
    expect(f.searches as number).toBeGreaterThan(0);
  });

  it("reads back what the application indexed", () => {
    const f = run().o.facts;
    expect(f.count).toBe(f.indexed);
    expect(f.fullTextHits).toBe(f.expectedTorchTitles);
    expect(f.autocompleteHits as number).toBeGreaterThan(0);
    expect(f.lastDocFound).toBe(true);
  });
});
