-- Hourly metrics per project / event type / model (seed 003), fed by a
-- materialized view on every insert into telemetry_events. The view writes TO a
-- separate AggregatingMergeTree table so the storage can be altered without
-- recreating the view. Read it with the -Merge combinators, e.g.
--   SELECT hour, sum(event_count), avgMerge(avg_duration_ms)
--   FROM ${DATABASE}.telemetry_metrics_hourly GROUP BY hour
CREATE TABLE IF NOT EXISTS ${DATABASE}.telemetry_metrics_hourly_data
(
    project_id        String,
    hour              DateTime('UTC'),
    event_type        LowCardinality(String),
    model             LowCardinality(String),
    event_count       SimpleAggregateFunction(sum, UInt64),
    error_count       SimpleAggregateFunction(sum, UInt64),
    total_tokens      SimpleAggregateFunction(sum, UInt64),
    total_cost_usd    SimpleAggregateFunction(sum, Float64),
    avg_duration_ms   AggregateFunction(avg, UInt32),
    duration_quantiles AggregateFunction(quantiles(0.5, 0.95, 0.99), UInt32)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(hour)
ORDER BY (project_id, hour, event_type, model)
TTL hour + INTERVAL 365 DAY;

CREATE MATERIALIZED VIEW IF NOT EXISTS ${DATABASE}.telemetry_metrics_hourly
TO ${DATABASE}.telemetry_metrics_hourly_data
AS SELECT
    project_id,
    toStartOfHour(timestamp) AS hour,
    event_type,
    model,
    toUInt64(count()) AS event_count,
    toUInt64(countIf(status = 'error')) AS error_count,
    toUInt64(sum(tokens_used)) AS total_tokens,
    sum(cost_usd) AS total_cost_usd,
    avgState(duration_ms) AS avg_duration_ms,
    quantilesState(0.5, 0.95, 0.99)(duration_ms) AS duration_quantiles
FROM ${DATABASE}.telemetry_events
GROUP BY project_id, hour, event_type, model;
