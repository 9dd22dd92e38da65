/**
 * PostgreSQL inside its dev container limit (shared_buffers and the rest at
 * the image's defaults, the stack's max_connections), as the application role
 * under row-level security: 20 concurrent connections insert past
 * shared_buffers, each in its own tenant, and read their own rows back.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POOL_SIZE, postgresLoad } from "./lib/postgres";
import { describeOutcome, measure, startInLimit, type LoadOutcome, type LoadTarget } from "./lib/support";

let t: LoadTarget;
let o: LoadOutcome;

beforeAll(async () => {
  t = await startInLimit("postgres", { log: (l) => console.log(`[load] ${l}`) });
  o = await measure(t, postgresLoad);
  console.log(`[load] ${describeOutcome(o)}`);
});
afterAll(async () => {
  await t?.run.stop();
});

describe("postgres under load inside its dev memory limit", () => {
  it("completes the workload: the server is not OOM-killed and still answers", () => {
    expect(o.error).toBeUndefined();
    expect(o.usage.oomKills).toBe(0);
    expect(o.alive).toBe(true);
    expect(o.facts.answers).toBe(true);
  });

  it("runs in a memory cgroup limited to the dev container's memoryMb, with the stack's max_connections", () => {
    expect(o.usage.limitBytes).toBe(t.shipped.limitMb * 1024 * 1024);
    expect(o.facts.maxConnections).toBe(t.shipped.maxConnections);
  });

  it("writes more than shared_buffers from 20 application connections", () => {
    expect(o.facts.connections).toBe(POOL_SIZE);
    expect(o.facts.tableBytes as number).toBeGreaterThan(o.facts.sharedBuffersBytes as number);
    expect((o.facts.insertedPerTenant as number[]).every((n) => n > 0)).toBe(true);
  });

  it("each tenant reads back exactly the rows it wrote; no tenant, no rows", () => {
    expect(o.facts.seenPerTenant).toEqual(o.facts.insertedPerTenant);
    expect(o.facts.seenWithoutTenant).toBe(0);
  });

  it("stays within 0.9 of the limit (peak working set)", () => {
    expect(o.peakOverLimit).toBeLessThanOrEqual(0.9);
  });
});
