-- Articles (seed 001 "Allixios" content management), per tenant and project,
-- with full-text search (generated tsvector + GIN), tag search and a partial
-- index for the hot "published" listing. UUID key plus a bigserial `seq` for
-- stable insertion ordering, so the app role also needs USAGE on that sequence.

CREATE TABLE articles (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  seq              bigserial NOT NULL,
  organization_id  uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  project_id       uuid REFERENCES projects (id) ON DELETE SET NULL,
  author_id        uuid REFERENCES users (id) ON DELETE SET NULL,
  title            text NOT NULL CHECK (length(title) BETWEEN 1 AND 500),
  slug             text NOT NULL CHECK (slug ~ '^[a-z0-9][a-z0-9-]*$'),
  excerpt          text,
  content          text NOT NULL DEFAULT '',
  status           text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'review', 'published', 'archived')),
  tags             text[] NOT NULL DEFAULT '{}',
  metadata         jsonb NOT NULL DEFAULT '{}'::jsonb,
  search_vector    tsvector GENERATED ALWAYS AS (
                     setweight(to_tsvector('english', coalesce(title, '')), 'A') ||
                     setweight(to_tsvector('english', coalesce(excerpt, '')), 'B') ||
                     setweight(to_tsvector('english', coalesce(content, '')), 'C')
                   ) STORED,
  published_at     timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organization_id, slug),
  CHECK (status <> 'published' OR published_at IS NOT NULL)
);

CREATE INDEX idx_articles_org_project ON articles (organization_id, project_id);
CREATE INDEX idx_articles_published ON articles (organization_id, published_at DESC) WHERE status = 'published';
CREATE INDEX idx_articles_tags ON articles USING gin (tags);
CREATE INDEX idx_articles_search ON articles USING gin (search_vector);

CREATE TRIGGER trg_articles_updated_at BEFORE UPDATE ON articles FOR EACH ROW EXECUTE FUNCTION set_updated_at();

ALTER TABLE articles ENABLE ROW LEVEL SECURITY;
ALTER TABLE articles FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON articles
  USING (organization_id = current_org_id())
  WITH CHECK (organization_id = current_org_id());

GRANT SELECT, INSERT, UPDATE, DELETE ON articles TO ${APP_ROLE};
GRANT USAGE ON SEQUENCE articles_seq_seq TO ${APP_ROLE};
