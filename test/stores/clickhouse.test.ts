/**
 * ClickHouse init scripts against a real ClickHouse engine (chdb, in process):
 * DDL as shipped (partitions, TTL, codecs), materialized views aggregating real
 * inserts. The ledger, the claim-row lock, failure recording and repair are the
 * contract suite (contract/adapter-contract.ts), run at the end. Each test works in its
 * own database; the ledger and lock tables (database `polystore`) are keyed
 * by database name.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createExecutor, type ClickHouseExecutor } from "../../components/init/adapters/clickhouse-executor";
import type { StoreConnection } from "../../components/core/types";
import { ok, run, storeConnection, uniqueSuffix } from "./init-support";
import { describeAdapterContract } from "./contract/adapter-contract";
import { clickhouseFixture } from "./contract/fixtures";

let base: StoreConnection;
let ch: ClickHouseExecutor;

/** Start of the hour this file was loaded in (fixed, so an hour boundary during the run changes nothing). */
const HOUR0 = Math.floor(Date.now() / 3_600_000) * 3_600_000;

/** `YYYY-MM-DD HH:MM:SS.mmm` (UTC) of {@link HOUR0} minus `hoursAgo` hours plus `minutes` (recent enough for the TTLs). */
function at(hoursAgo: number, minutes: number): string {
  const d = new Date(HOUR0 - hoursAgo * 3_600_000 + minutes * 60_000);
  return d.toISOString().replace("T", " ").replace("Z", "");
}

const fresh = (): StoreConnection => ({ ...base, database: `t_${uniqueSuffix()}`, options: { ...base.options, lockSettleMs: "150" } });

beforeAll(async () => {
  base = storeConnection("clickhouse");
  ch = await createExecutor(base);
});
afterAll(async () => {
  await ch?.close();
});

describe("clickhouse init scripts", () => {
  it("creates the shipped tables and views with their engines; on chdb the notes show (password masked) the identity a server gets", async () => {
    const conn = fresh();
    const again = ok(await run(conn, "apply"));
    if (conn.host === "chdb") {
      // chdb cannot hold SQL users: the runner says so and shows (password masked) what a server gets.
      expect(again.notes.join("\n")).toContain("identity not managed on chdb");
      expect(again.notes.join("\n")).toContain(`GRANT SELECT, INSERT ON \`${conn.database}\`.* TO \`${conn.app.user}\` WITH REPLACE OPTION`);
    }
    const tables = await ch.query<{ name: string; engine: string }>(`SELECT name, engine FROM system.tables WHERE database = '${conn.database}' ORDER BY name`);
    expect(tables).toEqual([
      { name: "telemetry_events", engine: "MergeTree" },
      { name: "telemetry_metrics_hourly", engine: "MaterializedView" },
      { name: "telemetry_metrics_hourly_data", engine: "AggregatingMergeTree" },
      { name: "trace_summaries", engine: "MaterializedView" },
      { name: "trace_summaries_data", engine: "AggregatingMergeTree" },
    ]);
  });

  it("telemetry_events is partitioned by month, ordered by (project_id, timestamp), expires after 90 days and compresses text with ZSTD(1)", async () => {
    const conn = fresh();
    ok(await run(conn, "apply"));
    const [t] = await ch.query<{ partition_key: string; sorting_key: string; engine_full: string }>(
      `SELECT partition_key, sorting_key, engine_full FROM system.tables WHERE database = '${conn.database}' AND name = 'telemetry_events'`,
    );
    expect(t!.partition_key).toBe("toYYYYMM(timestamp)");
    expect(t!.sorting_key).toBe("project_id, timestamp");
    expect(t!.engine_full).toContain("PARTITION BY toYYYYMM(timestamp)");
    expect(t!.engine_full).toContain("TTL toDateTime(timestamp) + toIntervalDay(90)");
    const codecs = await ch.query<{ name: string; compression_codec: string }>(
      `SELECT name, compression_codec FROM system.columns WHERE database = '${conn.database}' AND table = 'telemetry_events' AND compression_codec != '' ORDER BY name`,
    );
    expect(codecs).toEqual(["error_message", "input", "metadata", "output"].map((name) => ({ name, compression_codec: "CODEC(ZSTD(1))" })));
    // The TTL really expires rows: a 100-day-old event disappears at the next merge, a 10-day-old one stays.
    const db = conn.database;
    await ch.command(
      `INSERT INTO ${db}.telemetry_events (project_id, trace_id, span_id, event_type, name, timestamp, input, output) VALUES
       ('p', 'old', 's', 'llm', 'x', now64(3) - INTERVAL 100 DAY, '', ''), ('p', 'recent', 's', 'llm', 'x', now64(3) - INTERVAL 10 DAY, '', '')`,
    );
    await ch.command(`OPTIMIZE TABLE ${db}.telemetry_events FINAL`);
    expect(await ch.query(`SELECT trace_id FROM ${db}.telemetry_events ORDER BY trace_id`)).toEqual([{ trace_id: "recent" }]);
  });

  it("the materialized views aggregate inserted events", async () => {
    const conn = fresh();
    ok(await run(conn, "apply"));
    const db = conn.database;
    await ch.command(
      `INSERT INTO ${db}.telemetry_events (project_id, trace_id, span_id, event_type, name, timestamp, duration_ms, status, model, tokens_used, cost_usd, input, output) VALUES
       ('p1', 't1', 's1', 'llm', 'chat', '${at(3, 5)}', 100, 'ok',    'gpt', 10, 0.5, 'in', 'out'),
       ('p1', 't1', 's2', 'llm', 'chat', '${at(3, 40)}', 300, 'error', 'gpt', 20, 0.25, 'in', 'out'),
       ('p1', 't2', 's3', 'llm', 'chat', '${at(2, 10)}', 200, 'ok',    'claude', 5, 1, 'in', 'out'),
       ('p2', 't3', 's4', 'tool', 'search', '${at(3, 15)}', 50, 'ok',  '', 0, 0, 'in', 'out')`,
    );
    await ch.command(`INSERT INTO ${db}.telemetry_events (project_id, trace_id, span_id, event_type, name, timestamp, duration_ms, model, tokens_used, cost_usd, input, output) VALUES
       ('p1', 't1', 's5', 'llm', 'chat', '${at(3, 50)}', 200, 'claude', 30, 1, 'in', 'out')`);
    const hourly = await ch.query<Record<string, unknown>>(
      `SELECT toString(hour) AS hour, sum(event_count) AS events, sum(error_count) AS errors, sum(total_tokens) AS tokens,
              round(sum(total_cost_usd), 2) AS cost, avgMerge(avg_duration_ms) AS avg_ms
       FROM ${db}.telemetry_metrics_hourly WHERE project_id = 'p1' GROUP BY hour ORDER BY hour`,
    );
    expect(hourly.map((r) => ({ ...r, events: Number(r.events), errors: Number(r.errors), tokens: Number(r.tokens) }))).toEqual([
      { hour: at(3, 0).slice(0, 19), events: 3, errors: 1, tokens: 60, cost: 1.75, avg_ms: 200 },
      { hour: at(2, 0).slice(0, 19), events: 1, errors: 0, tokens: 5, cost: 1, avg_ms: 200 },
    ]);
    const traces = await ch.query<Record<string, unknown>>(
      `SELECT trace_id, sum(event_count) AS events, sum(error_count) AS errors, toString(min(start_time)) AS started,
              toString(max(end_time)) AS ended, arraySort(groupUniqArrayMerge(models)) AS models
       FROM ${db}.trace_summaries WHERE project_id = 'p1' GROUP BY trace_id ORDER BY trace_id`,
    );
    expect(traces.map((r) => ({ ...r, events: Number(r.events), errors: Number(r.errors) }))).toEqual([
      { trace_id: "t1", events: 3, errors: 1, started: at(3, 5), ended: at(3, 50), models: ["claude", "gpt"] },
      { trace_id: "t2", events: 1, errors: 0, started: at(2, 10), ended: at(2, 10), models: ["claude"] },
    ]);
  });

});

/**
 * Why the HTTP executor is not exercised here: no ClickHouse server speaking the HTTP protocol
 * can be had on this machine. chDB (npm chdb 3.x with @chdb/lib-linux-x64-gnu; PyPI chdb is the
 * same in-process engine) is clickhouse-local as a library: it opens no port. A stand-in HTTP
 * server would be an imitation store, which the project does not write.
 */
const NO_CLICKHOUSE_HTTP =
  "no ClickHouse HTTP endpoint here: chDB is in-process (no HTTP server) and no clickhouse-server package is available; " +
  "set POLYSTORE_CLICKHOUSE_HTTP_URL=http://user:password@host:8123 to run it against a real server";

describe("clickhouse HTTP executor (what a real ClickHouse server is reached with)", () => {
  it("runs queries and commands over ClickHouse's HTTP interface and keeps the password out of errors", async (ctx) => {
    const raw = process.env.POLYSTORE_CLICKHOUSE_HTTP_URL;
    if (!raw) ctx.skip(NO_CLICKHOUSE_HTTP);
    const url = new URL(raw!);
    const password = decodeURIComponent(url.password);
    const conn: StoreConnection = {
      kind: "clickhouse", host: url.hostname, port: Number(url.port || (url.protocol === "https:" ? 8443 : 8123)), tls: url.protocol === "https:",
      database: "default", admin: { user: decodeURIComponent(url.username) || "default", password }, app: { user: "unused", password: "unused" },
    };
    const http = await createExecutor(conn);
    try {
      expect(http.accessControl).toBe(true);
      expect(await http.query<{ one: number }>("SELECT 1 AS one")).toEqual([{ one: 1 }]);
      const table = `polystore_http_${uniqueSuffix()}`;
      await http.command(`CREATE TABLE ${table} (id UInt32) ENGINE = MergeTree ORDER BY id`);
      await http.command(`INSERT INTO ${table} VALUES (1), (2)`);
      expect(await http.query<{ n: string }>(`SELECT count() AS n FROM ${table}`)).toEqual([{ n: "2" }]);
      await http.command(`DROP TABLE ${table}`);
      const err = await http.query("SELEC 1").then(() => undefined, (e: unknown) => e as Error);
      expect(err?.message).toMatch(/Syntax error/);
      if (password) expect(err?.message).not.toContain(password);
    } finally {
      await http.close();
    }
  });
});

describeAdapterContract(clickhouseFixture);
