-- Raw observability events (seed 003 "REPL;ay"): one row per span/event.
-- Monthly partitions (cheap DROP PARTITION), ordered for per-project time-range
-- queries, expired after 90 days, ZSTD(1) on the large text columns (seed 000).
-- Every statement is idempotent (IF NOT EXISTS): a ClickHouse script that fails
-- half-way is re-run whole by the next apply.
CREATE TABLE IF NOT EXISTS ${DATABASE}.telemetry_events
(
    event_id        UUID DEFAULT generateUUIDv4(),
    project_id      String,
    environment     LowCardinality(String) DEFAULT 'production',
    trace_id        String,
    span_id         String,
    parent_span_id  String DEFAULT '',
    event_type      LowCardinality(String),
    name            String,
    timestamp       DateTime64(3, 'UTC'),
    duration_ms     UInt32 DEFAULT 0,
    status          LowCardinality(String) DEFAULT 'ok',
    model           LowCardinality(String) DEFAULT '',
    tokens_used     UInt32 DEFAULT 0,
    cost_usd        Float64 DEFAULT 0,
    input           String CODEC(ZSTD(1)),
    output          String CODEC(ZSTD(1)),
    error_message   String DEFAULT '' CODEC(ZSTD(1)),
    metadata        String DEFAULT '{}' CODEC(ZSTD(1))
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(timestamp)
ORDER BY (project_id, timestamp)
TTL toDateTime(timestamp) + INTERVAL 90 DAY
SETTINGS index_granularity = 8192;

-- Skip index for trace look-ups ("all events of trace X").
ALTER TABLE ${DATABASE}.telemetry_events
    ADD INDEX IF NOT EXISTS idx_trace_id trace_id TYPE bloom_filter(0.01) GRANULARITY 4;
