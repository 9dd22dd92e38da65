/**
 * PostgreSQL under load as the application role, under row-level security:
 * 20 connections (the seeds' pool size), one tenant each, insert session
 * archives in transactions that set the tenant (`app.current_org`) until the
 * table is larger than shared_buffers; then each tenant reads its own rows back.
 */
import { randomUUID } from "node:crypto";
import pg from "pg";
import { loadSeconds, payload, since, type LoadTarget, type WorkloadResult } from "./support";

/** The seeds' connection pool size (seed 001: `max: 20`; seed 002: `pool_size: 20`). */
export const POOL_SIZE = 20;
const ROWS_PER_TX = 50;
const HISTORY_BYTES = 1500;

export async function postgresLoad(t: LoadTarget): Promise<WorkloadResult> {
  const { conn } = t;
  const admin = new pg.Client({ host: conn.host, port: conn.port, user: conn.admin.user, password: conn.admin.password, database: conn.database });
  await admin.connect();
  const pool = new pg.Pool({ host: conn.host, port: conn.port, user: conn.app.user, password: conn.app.password, database: conn.database, max: POOL_SIZE });
  try {
    const sharedBuffers = Number((await admin.query("SELECT setting::bigint * current_setting('block_size')::bigint AS b FROM pg_settings WHERE name = 'shared_buffers'")).rows[0].b);
    const target = 1.5 * sharedBuffers;
    const tenants = Array.from({ length: POOL_SIZE }, () => randomUUID());
    const inTenant = async <T>(c: pg.PoolClient, org: string, f: () => Promise<T>): Promise<T> => {
      await c.query("BEGIN");
      try {
        await c.query("SELECT set_config('app.current_org', $1, true)", [org]);
        const out = await f();
        await c.query("COMMIT");
        return out;
      } catch (err) {
        await c.query("ROLLBACK");
        throw err;
      }
    };
    const history = JSON.stringify({ messages: [{ role: "user", content: payload(HISTORY_BYTES) }] });
    const size = async () => Number((await admin.query("SELECT pg_total_relation_size('archived_sessions') AS s")).rows[0].s);
    const deadline = Date.now() + loadSeconds() * 2 * 1000;
    const inserted = new Array<number>(POOL_SIZE).fill(0);
    let done = false;
    const t0 = Date.now();
    const worker = async (w: number) => {
      const c = await pool.connect();
      try {
        const org = tenants[w]!;
        await inTenant(c, org, () => c.query("INSERT INTO organizations (id, name, slug) VALUES ($1, $2, $2)", [org, `load-${w}`]));
        while (!done && Date.now() < deadline) {
          const base = inserted[w]!;
          const values: string[] = [];
          const params: unknown[] = [org, history];
          for (let k = 0; k < ROWS_PER_TX; k++) {
            params.push(`s-${w}-${base + k}`, `u-${(base + k) % 97}`);
            values.push(`($1, $${params.length - 1}, $${params.length}, now() - interval '5 minutes', now(), $2::jsonb, 12)`);
          }
          await inTenant(c, org, () =>
            c.query(`INSERT INTO archived_sessions (organization_id, session_id, user_id, created_at, last_activity_at, conversation_history, message_count) VALUES ${values.join(", ")}`, params),
          );
          inserted[w] = base + ROWS_PER_TX;
        }
      } finally {
        c.release();
      }
    };
    const watcher = async () => {
      while (!done && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 500));
        if ((await size()) > target) done = true;
      }
      done = true;
    };
    await Promise.all([watcher(), ...tenants.map((_, w) => worker(w))]);
    const seconds = since(t0);
    const tableBytes = await size();
    // Each tenant sees exactly its own rows (RLS), and nothing without a tenant.
    const seen = await Promise.all(
      tenants.map(async (org) => {
        const c = await pool.connect();
        try {
          return await inTenant(c, org, async () => Number((await c.query("SELECT count(*) AS n FROM archived_sessions")).rows[0].n));
        } finally {
          c.release();
        }
      }),
    );
    const noTenant = Number((await pool.query("SELECT count(*) AS n FROM archived_sessions")).rows[0].n);
    const total = inserted.reduce((a, b) => a + b, 0);
    return {
      ops: total,
      seconds,
      facts: {
        sharedBuffersBytes: sharedBuffers,
        tableBytes,
        rowsInserted: total,
        insertedPerTenant: inserted,
        seenPerTenant: seen,
        seenWithoutTenant: noTenant,
        connections: Number((await admin.query("SELECT count(*) AS n FROM pg_stat_activity WHERE usename = $1", [conn.app.user])).rows[0].n),
        maxConnections: Number((await admin.query("SHOW max_connections")).rows[0].max_connections),
        answers: (await admin.query("SELECT 1 AS ok")).rows[0].ok === 1,
      },
    };
  } finally {
    await pool.end();
    await admin.end();
  }
}
