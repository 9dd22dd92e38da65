-- Session archive (seed 004): completed sessions moved out of Redis for
-- long-term analytics, per tenant. Duration is computed by a trigger; the two
-- summary views run with the CALLER's rights (security_invoker, PostgreSQL 15+)
-- so row-level security applies through them.

CREATE TABLE archived_sessions (
  id                        uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id           uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  session_id                varchar(255) NOT NULL,
  user_id                   varchar(255) NOT NULL,
  created_at                timestamptz NOT NULL DEFAULT now(),
  archived_at               timestamptz NOT NULL DEFAULT now(),
  last_activity_at          timestamptz,
  current_state             varchar(100),
  language                  varchar(10) NOT NULL DEFAULT 'en',
  status                    varchar(50) NOT NULL DEFAULT 'completed',
  conversation_history      jsonb NOT NULL DEFAULT '{"messages": []}'::jsonb,
  master_parameters         jsonb NOT NULL DEFAULT '{}'::jsonb,
  response_json             jsonb,
  agent_logs                jsonb NOT NULL DEFAULT '[]'::jsonb,
  finalized                 boolean NOT NULL DEFAULT false,
  message_count             integer NOT NULL DEFAULT 0 CHECK (message_count >= 0),
  product_selections_count  integer NOT NULL DEFAULT 0 CHECK (product_selections_count >= 0),
  session_duration_seconds  integer,
  UNIQUE (organization_id, session_id)
);

CREATE INDEX idx_archived_sessions_org_user ON archived_sessions (organization_id, user_id);
CREATE INDEX idx_archived_sessions_created_at ON archived_sessions (created_at);
CREATE INDEX idx_archived_sessions_status ON archived_sessions (status) WHERE NOT finalized;
CREATE INDEX idx_archived_sessions_conversation ON archived_sessions USING gin (conversation_history jsonb_path_ops);

CREATE FUNCTION calculate_session_duration() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  IF NEW.last_activity_at IS NOT NULL AND NEW.created_at IS NOT NULL THEN
    NEW.session_duration_seconds := GREATEST(0, EXTRACT(EPOCH FROM (NEW.last_activity_at - NEW.created_at)))::integer;
  ELSE
    NEW.session_duration_seconds := NULL;
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER trigger_calculate_session_duration
  BEFORE INSERT OR UPDATE OF created_at, last_activity_at ON archived_sessions
  FOR EACH ROW EXECUTE FUNCTION calculate_session_duration();

ALTER TABLE archived_sessions ENABLE ROW LEVEL SECURITY;
ALTER TABLE archived_sessions FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON archived_sessions
  USING (organization_id = current_org_id())
  WITH CHECK (organization_id = current_org_id());

CREATE VIEW session_summary_stats WITH (security_invoker = true) AS
SELECT
  organization_id,
  count(*)                                        AS total_sessions,
  count(*) FILTER (WHERE finalized)               AS finalized_sessions,
  count(DISTINCT user_id)                         AS unique_users,
  round(avg(session_duration_seconds), 2)         AS avg_duration_seconds,
  round(avg(message_count), 2)                    AS avg_message_count,
  sum(product_selections_count)                   AS total_product_selections,
  min(created_at)                                 AS first_session_at,
  max(archived_at)                                AS last_archived_at
FROM archived_sessions
GROUP BY organization_id;

CREATE VIEW user_session_history WITH (security_invoker = true) AS
SELECT
  organization_id,
  user_id,
  count(*)                                        AS session_count,
  count(*) FILTER (WHERE finalized)               AS finalized_count,
  sum(message_count)                              AS total_messages,
  round(avg(session_duration_seconds), 2)         AS avg_duration_seconds,
  min(created_at)                                 AS first_session_at,
  max(coalesce(last_activity_at, created_at))     AS last_activity_at,
  array_agg(DISTINCT language)                    AS languages
FROM archived_sessions
GROUP BY organization_id, user_id;

GRANT SELECT, INSERT, UPDATE, DELETE ON archived_sessions TO ${APP_ROLE};
GRANT SELECT ON session_summary_stats, user_session_history TO ${APP_ROLE};
