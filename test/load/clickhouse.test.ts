/**
 * ClickHouse inside its dev container limit. chdb runs ClickHouse in process,
 * so the limit holds the process hosting it (Node.js + chdb): telemetry events
 * inserted, the seeds' cost aggregation, the hourly materialized view, read
 * back. chdb has no users: the only identity is its built-in default user.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clickhouseLoad } from "./lib/clickhouse";
import { describeOutcome, measure, startInLimit, type LoadOutcome, type LoadTarget } from "./lib/support";

let t: LoadTarget;
let o: LoadOutcome;

beforeAll(async () => {
  t = await startInLimit("clickhouse", { log: (l) => console.log(`[load] ${l}`) });
  o = await measure(t, clickhouseLoad);
  console.log(`[load] ${describeOutcome(o)}`);
});
afterAll(async () => {
  await t?.run.stop();
});

describe("clickhouse (chdb host process) under load inside its dev memory limit", () => {
  it("completes the workload: the host is not OOM-killed and ClickHouse still answers", () => {
    expect(o.error).toBeUndefined();
    expect(o.usage.oomKills).toBe(0);
    expect(o.alive).toBe(true);
    expect(o.facts.answers).toBe(true);
  });

  it("runs in a memory cgroup limited to the dev container's memoryMb", () => {
    // Recorded, not asserted: whether chdb's max_server_memory_usage follows the cgroup limit (clickhouse-server's does)
    // depends on the engine build and cgroup version; on this machine (v1) chdb sizes it from the machine's RAM.
    expect(o.usage.limitBytes).toBe(t.shipped.limitMb * 1024 * 1024);
    expect((o.facts.serverSettings as Record<string, number>).max_server_memory_usage).toBeGreaterThan(0);
  });

  it("reads back every event, through the table and the hourly materialized view, and answers the seeds' cost aggregation", () => {
    expect(o.facts.events as number).toBeGreaterThan(0);
    expect(o.facts.counted).toBe(o.facts.events);
    expect(o.facts.hourlyEvents).toBe(o.facts.events);
    expect(o.facts.countedP3).toBe((o.facts.events as number) / 20);
    expect(o.facts.topTraces).toBe(10);
  });

  it("stays within 0.9 of the limit (peak working set)", () => {
    expect(o.peakOverLimit).toBeLessThanOrEqual(0.9);
  });
});
