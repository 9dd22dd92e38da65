/** Checks that a tool left a database with exactly what the generated migrations create. */
import type { BenchContext } from "./context";
import type { MigrationSet } from "./migrations";

const COUNTS = `
SELECT
  (SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename ~ '^t_[0-9]+$')::int AS tables,
  (SELECT count(*) FROM pg_views WHERE schemaname = 'public' AND viewname ~ '^v_[0-9]+$')::int AS views,
  (SELECT count(*) FROM pg_indexes WHERE schemaname = 'public' AND tablename ~ '^t_[0-9]+$')::int AS indexes,
  (SELECT coalesce(sum((xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM public.%I', tablename), false, true, '')))[1]::text::int), 0)
     FROM pg_tables WHERE schemaname = 'public' AND tablename ~ '^t_[0-9]+$')::int AS rows`;

export async function verifySchema(ctx: BenchContext, database: string, set: MigrationSet): Promise<void> {
  const got = await ctx.ns.pgAdmin(async (c) => (await c.query(COUNTS)).rows[0] as Record<string, number>, database);
  const wrong = Object.entries(set.expect).filter(([k, v]) => got[k] !== v);
  if (wrong.length) {
    throw new Error(`database ${database}: ${wrong.map(([k, v]) => `${k} ${got[k]} (expected ${v})`).join(", ")}`);
  }
}
