/**
 * PostgreSQL inside its dev container limit (shared_buffers and the rest at
 * the image's defaults, the stack's max_connections), as the application role
 * under row-level security: 20 concurrent connections insert past
 * shared_buffers, each in its own tenant, and read their own rows back.
 */
import { expect, it } from "vitest";
import { POOL_SIZE } from "./lib/postgres";
import { describeLoad } from "./lib/suite";

describeLoad("postgres", "postgres under load inside its dev memory limit", (run) => {
  it("still answers, with the stack's max_connections", () => {
    expect(run().o.facts.answers).toBe(true);
    expect(run().o.facts.maxConnections).toBe(run().t.shipped.maxConnections);
  });

  it("writes more than shared_buffers from 20 application connections", () => {
    const f = run().o.facts;
    expect(f.connections).toBe(POOL_SIZE);
    expect(f.tableBytes as number).toBeGreaterThan(f.sharedBuffersBytes as number);
    expect((f.insertedPerTenant as number[]).every((n) => n > 0)).toBe(true);
  });

  it("each tenant reads back exactly the rows it wrote; no tenant, no rows", () => {
    const f = run().o.facts;
    expect(f.seenPerTenant).toEqual(f.insertedPerTenant);
    expect(f.seenWithoutTenant).toBe(0);
  });
});
