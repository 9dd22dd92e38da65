-- Tenant-scoped references and no shared counter (issue 14).
--
-- A foreign-key check ignores row-level security: with single-column keys,
-- tenant A could insert an article pointing at tenant B's project or user, and
-- the FK error for a random id told A whether B's id exists. Every reference
-- between tenant tables now includes organization_id, so a row can only point
-- at a row of its own tenant, and another tenant's id fails exactly like an id
-- that does not exist. ON DELETE SET NULL names the id column only
-- (PostgreSQL 15+), so organization_id is never nulled.
--
-- Existing rows: the new keys are added NOT VALID (they hold for every new or
-- changed row at once) and then validated; a database that already holds a
-- cross-tenant reference keeps the key unvalidated and says so in a NOTICE
-- (find the rows with the query in the NOTICE, fix them, then
-- ALTER TABLE … VALIDATE CONSTRAINT …).

ALTER TABLE users ADD CONSTRAINT users_organization_id_id_key UNIQUE (organization_id, id);
ALTER TABLE projects ADD CONSTRAINT projects_organization_id_id_key UNIQUE (organization_id, id);

ALTER TABLE projects DROP CONSTRAINT projects_created_by_fkey;
ALTER TABLE projects ADD CONSTRAINT projects_created_by_fkey
  FOREIGN KEY (organization_id, created_by) REFERENCES users (organization_id, id) ON DELETE SET NULL (created_by) NOT VALID;

ALTER TABLE articles DROP CONSTRAINT articles_project_id_fkey;
ALTER TABLE articles ADD CONSTRAINT articles_project_id_fkey
  FOREIGN KEY (organization_id, project_id) REFERENCES projects (organization_id, id) ON DELETE SET NULL (project_id) NOT VALID;

ALTER TABLE articles DROP CONSTRAINT articles_author_id_fkey;
ALTER TABLE articles ADD CONSTRAINT articles_author_id_fkey
  FOREIGN KEY (organization_id, author_id) REFERENCES users (organization_id, id) ON DELETE SET NULL (author_id) NOT VALID;

DO $$
DECLARE
  c record;
BEGIN
  FOR c IN SELECT * FROM (VALUES ('projects', 'projects_created_by_fkey'), ('articles', 'articles_project_id_fkey'), ('articles', 'articles_author_id_fkey')) AS t (tbl, con) LOOP
    BEGIN
      EXECUTE format('ALTER TABLE %I VALIDATE CONSTRAINT %I', c.tbl, c.con);
    EXCEPTION WHEN foreign_key_violation THEN
      RAISE NOTICE '% on % is NOT VALID: existing rows reference another tenant''s row; fix them, then ALTER TABLE % VALIDATE CONSTRAINT %', c.con, c.tbl, c.tbl, c.con;
    END;
  END LOOP;
END
$$;

-- articles.seq was a bigserial: one counter shared by every tenant, whose
-- last_value (and the gaps a tenant sees) told any tenant how many articles all
-- tenants write. It now defaults to the insertion time in microseconds, which
-- keeps its purpose (stable insertion order; order by seq, id for a total
-- order) and tells a tenant nothing created_at does not. Existing values stay.
ALTER TABLE articles ALTER COLUMN seq SET DEFAULT (floor(extract(epoch FROM clock_timestamp()) * 1000000))::bigint;
REVOKE ALL ON SEQUENCE articles_seq_seq FROM ${APP_ROLE};
-- polystore-lint: allow sql-drop — the sequence holds no rows, only the shared counter that leaked other tenants' write volume; articles.seq keeps its values and has the new default above
DROP SEQUENCE articles_seq_seq;
