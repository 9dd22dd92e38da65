/**
 * MongoDB's wire protocol inside the dev container's memory limit, as the
 * application user: documents into the three seeded collections. On this
 * machine the engine is FerretDB 1.24 (SQLite), not mongod: the limit holds
 * FerretDB's footprint, which says nothing about WiredTiger's cache (see README).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mongodbLoad } from "./lib/mongodb";
import { describeOutcome, measure, startInLimit, type LoadOutcome, type LoadTarget } from "./lib/support";

let t: LoadTarget;
let o: LoadOutcome;

beforeAll(async () => {
  t = await startInLimit("mongodb", { log: (l) => console.log(`[load] ${l}`) });
  o = await measure(t, mongodbLoad);
  console.log(`[load] ${describeOutcome(o)}`);
});
afterAll(async () => {
  await t?.run.stop();
});

describe("mongodb (FerretDB) under load inside its dev memory limit", () => {
  it("completes the workload: the server is not OOM-killed and still answers", () => {
    expect(o.error).toBeUndefined();
    expect(o.usage.oomKills).toBe(0);
    expect(o.alive).toBe(true);
    expect(o.facts.ping).toBe(1);
  });

  it("runs in a memory cgroup limited to the dev container's memoryMb", () => {
    expect(o.usage.limitBytes).toBe(t.shipped.limitMb * 1024 * 1024);
  });

  it("every document the application wrote into the seeded collections reads back", () => {
    const written = o.facts.written as Record<string, number>;
    expect(Object.keys(written).sort()).toEqual(["content_drafts", "logs", "user_preferences"]);
    for (const n of Object.values(written)) expect(n).toBeGreaterThan(0);
    expect(o.facts.counted).toEqual(written);
    expect(o.facts.lastDraftBodyOk).toBe(true);
  });

  it("stays within 0.9 of the limit (peak working set)", () => {
    expect(o.peakOverLimit).toBeLessThanOrEqual(0.9);
  });
});
