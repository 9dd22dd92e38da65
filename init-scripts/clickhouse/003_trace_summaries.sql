-- Trace-level aggregation (seed 003 "trace_summaries"): one logical row per
-- (project, trace), built incrementally; query with GROUP BY project_id, trace_id
-- (rows of one trace merge in the background, so always aggregate), e.g.
--   SELECT trace_id, min(start_time), max(end_time), sum(event_count), sum(total_cost_usd)
--   FROM ${DATABASE}.trace_summaries WHERE project_id = 'p' GROUP BY trace_id
CREATE TABLE IF NOT EXISTS ${DATABASE}.trace_summaries_data
(
    project_id      String,
    trace_id        String,
    start_time      SimpleAggregateFunction(min, DateTime64(3, 'UTC')),
    end_time        SimpleAggregateFunction(max, DateTime64(3, 'UTC')),
    event_count     SimpleAggregateFunction(sum, UInt64),
    error_count     SimpleAggregateFunction(sum, UInt64),
    total_tokens    SimpleAggregateFunction(sum, UInt64),
    total_cost_usd  SimpleAggregateFunction(sum, Float64),
    models          AggregateFunction(groupUniqArray, String)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(start_time)
ORDER BY (project_id, trace_id)
TTL toDateTime(start_time) + INTERVAL 90 DAY;

CREATE MATERIALIZED VIEW IF NOT EXISTS ${DATABASE}.trace_summaries
TO ${DATABASE}.trace_summaries_data
AS SELECT
    project_id,
    trace_id,
    min(timestamp) AS start_time,
    max(timestamp) AS end_time,
    toUInt64(count()) AS event_count,
    toUInt64(countIf(status = 'error')) AS error_count,
    toUInt64(sum(tokens_used)) AS total_tokens,
    sum(cost_usd) AS total_cost_usd,
    groupUniqArrayState(model) AS models
FROM ${DATABASE}.telemetry_events
GROUP BY project_id, trace_id;
