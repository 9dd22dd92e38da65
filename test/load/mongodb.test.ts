/**
 * MongoDB's wire protocol inside the dev container's memory limit, as the
 * application user: documents into the three seeded collections. On this
 * machine the engine is FerretDB 1.24 (SQLite), not mongod: the limit holds
 * FerretDB's footprint, which says nothing about WiredTiger's cache (see README).
 */
import { expect, it } from "vitest";
import { describeLoad } from "./lib/suite";

describeLoad("mongodb", "mongodb (FerretDB) under load inside its dev memory limit", (run) => {
  it("still answers", () => {
    expect(run().o.facts.ping).toBe(1);
  });

  it("every document the application wrote into the seeded collections reads back", () => {
    const f = run().o.facts;
    const written = f.written as Record<string, number>;
    expect(Object.keys(written).sort()).toEqual(["content_drafts", "logs", "user_preferences"]);
    for (const n of Object.values(written)) expect(n).toBeGreaterThan(0);
    expect(f.counted).toEqual(written);
    expect(f.lastDraftBodyOk).toBe(true);
  });
});
