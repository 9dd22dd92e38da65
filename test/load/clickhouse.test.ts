/**
 * ClickHouse inside its dev container limit. chdb runs ClickHouse in process,
 * so the limit holds the process hosting it (Node.js + chdb): telemetry events
 * inserted, the seeds' cost aggregation, the hourly materialized view, read
 * back. chdb has no users: the only identity is its built-in default user.
 */
import { expect, it } from "vitest";
import { describeLoad } from "./lib/suite";

describeLoad("clickhouse", "clickhouse (chdb host process) under load inside its dev memory limit", (run) => {
  it("still answers; records the memory cap ClickHouse gave itself", () => {
    // Recorded, not asserted: whether chdb's max_server_memory_usage follows the cgroup limit (clickhouse-server's
    // does) depends on the engine build and cgroup version; on this machine (v1) chdb sizes it from the machine's RAM.
    expect(run().o.facts.answers).toBe(true);
    expect((run().o.facts.serverSettings as Record<string, number>).max_server_memory_usage).toBeGreaterThan(0);
  });

  it("reads back every event, through the table and the hourly materialized view, and answers the seeds' cost aggregation", () => {
    const f = run().o.facts;
    expect(f.events as number).toBeGreaterThan(0);
    expect(f.counted).toBe(f.events);
    expect(f.hourlyEvents).toBe(f.events);
    expect(f.countedP3).toBe((f.events as number) / 20);
    expect(f.topTraces).toBe(10);
  });
});
