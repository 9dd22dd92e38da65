/**
 * The process that hosts chdb (ClickHouse in process) for the load suite, run
 * inside ClickHouse's memory cgroup by test/load/lib/clickhouse.ts: applies
 * the shipped init scripts with the runner, inserts telemetry events for a
 * bounded time, runs the seeds' cost aggregation, reads back, and prints one
 * JSON line with the result. Input: $POLYSTORE_LOAD_CONNECTION (a JSON
 * StoreConnection with host "chdb") and $POLYSTORE_LOAD_SECONDS.
 */
import { createAdapter, runStore } from "../../components/init";
import { createExecutor } from "../../components/init/adapters/clickhouse-executor";
import type { StoreConnection } from "../../components/core/types";

const BATCH = 5000;
/**
 * The most events one run writes: the load is bounded in count as well as in time, so a faster machine
 * does not write a larger data set (chDB keeps more in the host process's memory the more it holds). 250,000
 * events of ~0.5 KB is what a 2-core machine shared with other jobs wrote in the 25 s the suite allows.
 */
const MAX_EVENTS = 250_000;
const PROJECTS = 20;
const MODELS = ["gpt-4o", "claude-3-5-sonnet", "llama-3-70b"];

async function main(): Promise<void> {
  const conn = JSON.parse(process.env.POLYSTORE_LOAD_CONNECTION ?? "") as StoreConnection;
  const seconds = Number(process.env.POLYSTORE_LOAD_SECONDS);
  const report = await runStore(conn, await createAdapter(conn), "apply", { waitTimeoutMs: 30_000, lockTimeoutMs: 60_000 });
  if (!report.ok) throw new Error(`clickhouse: init scripts failed before the load: ${report.error}`);
  const ch = await createExecutor(conn);
  const db = conn.database;
  try {
    // The memory ClickHouse allows itself: max_server_memory_usage = ratio × the memory it detects (cgroup limit or RAM).
    const server = await ch.query<{ name: string; value: string }>(
      "SELECT name, value FROM system.server_settings WHERE name IN ('max_server_memory_usage', 'max_server_memory_usage_to_ram_ratio')",
    );
    const text = "x".repeat(400);
    let events = 0;
    const deadline = Date.now() + seconds * 1000;
    const t0 = Date.now();
    while (Date.now() < deadline && events < MAX_EVENTS) {
      const rows: string[] = [];
      for (let k = 0; k < BATCH; k++) {
        const i = events + k;
        rows.push(
          JSON.stringify({
            project_id: `p${i % PROJECTS}`,
            trace_id: `t${Math.floor(i / 10)}`,
            span_id: `s${i}`,
            event_type: "llm",
            name: "completion",
            timestamp: new Date(Date.now() - (i % 3600) * 1000).toISOString().replace("T", " ").replace("Z", ""),
            duration_ms: i % 900,
            model: MODELS[i % MODELS.length],
            tokens_used: 100 + (i % 50),
            cost_usd: 0.001 * (1 + (i % 5)),
            input: `${i} ${text}`,
            output: `${i} ${text}`,
          }),
        );
      }
      await ch.command(`INSERT INTO ${db}.telemetry_events FORMAT JSONEachRow\n${rows.join("\n")}`);
      events += BATCH;
    }
    const loadSeconds = (Date.now() - t0) / 1000;
    // The seeds' cost aggregation (seed 003: top traces of a project by cost over the last 24 hours).
    const top = await ch.query<{ trace_id: string; event_count: string; total_tokens: string; total_cost: number }>(
      `SELECT trace_id, count() AS event_count, sum(tokens_used) AS total_tokens, sum(cost_usd) AS total_cost, max(timestamp) - min(timestamp) AS duration_ms
       FROM ${db}.telemetry_events WHERE project_id = 'p3' AND timestamp >= now() - INTERVAL 24 HOUR
       GROUP BY trace_id ORDER BY total_cost DESC LIMIT 10`,
    );
    const [counts] = await ch.query<{ n: string; p3: string }>(`SELECT count() AS n, countIf(project_id = 'p3') AS p3 FROM ${db}.telemetry_events`);
    const [hourly] = await ch.query<{ n: string }>(`SELECT sum(event_count) AS n FROM (SELECT project_id, hour, sum(event_count) AS event_count FROM ${db}.telemetry_metrics_hourly GROUP BY project_id, hour)`);
    process.stdout.write(
      `${JSON.stringify({
        events,
        seconds: loadSeconds,
        counted: Number(counts!.n),
        countedP3: Number(counts!.p3),
        hourlyEvents: Number(hourly!.n),
        topTraces: top.length,
        topCost: top[0]?.total_cost,
        serverSettings: Object.fromEntries(server.map((r) => [r.name, Number(r.value)])),
        memoryTracking: Number((await ch.query<{ value: string }>("SELECT value FROM system.metrics WHERE metric = 'MemoryTracking'"))[0]?.value),
        answers: (await ch.query<{ ok: number }>("SELECT 1 AS ok"))[0]?.ok === 1,
      })}\n`,
    );
  } finally {
    await ch.close();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`clickhouse-host: ${(err as Error).stack ?? err}\n`);
    process.exit(1);
  },
);
