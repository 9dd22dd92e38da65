/**
 * The application credentials polystore wrote to `.env.e2e`, used the way an
 * application would (drivers, no admin rights), to show they work and what they
 * may not do.
 */
import { MongoClient } from "mongodb";
import Redis from "ioredis";
import neo4j from "neo4j-driver";
import pg from "pg";
import type { StoreConnection } from "../../../components/core/types";
import type { E2eStore } from "../global-setup";
import { E2E_NAMES, esRequest, pgClient, redisAdmin } from "./stores";

/** Parses a `.env` file (the quoting of components/secrets/dotenv.ts renderDotEnv). */
export function parseDotEnv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const m = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (!m) continue;
    let v = m[2];
    if (v.startsWith('"') && v.endsWith('"')) v = v.slice(1, -1).replace(/\\(["\\$`])/g, "$1");
    out[m[1]] = v;
  }
  return out;
}

/** PostgreSQL facts seen through DATABASE_URL (the application role) and the admin. */
export async function postgresAsApp(databaseUrl: string, admin: StoreConnection) {
  const app = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 10_000 });
  await app.connect();
  const errorOf = async (sql: string, params: unknown[] = []) => {
    try {
      await app.query(sql, params);
      return "";
    } catch (err) {
      return (err as Error).message;
    }
  };
  try {
    const who = (await app.query("SELECT current_user AS u, (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS su, (SELECT rolbypassrls FROM pg_roles WHERE rolname = current_user) AS bypass")).rows[0];
    const rls = (
      await app.query(
        "SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class WHERE relkind IN ('r', 'p') AND relnamespace = 'public'::regnamespace AND relname IN ('organizations', 'users', 'projects', 'archived_sessions', 'articles') ORDER BY relname",
      )
    ).rows as Array<{ relname: string; relrowsecurity: boolean; relforcerowsecurity: boolean }>;
    const orgA = "0a0a0a0a-0000-4000-8000-00000000000a";
    const orgB = "0b0b0b0b-0000-4000-8000-00000000000b";
    // Insert one organisation as tenant A (allowed by WITH CHECK), then look from nowhere, A and B.
    await app.query("BEGIN");
    await app.query("SELECT set_config('app.current_org', $1, true)", [orgA]);
    await app.query("INSERT INTO organizations (id, name, slug) VALUES ($1, 'E2E tenant A', 'e2e-tenant-a')", [orgA]);
    await app.query("COMMIT");
    const countAs = async (org: string | null) => {
      await app.query("BEGIN");
      if (org) await app.query("SELECT set_config('app.current_org', $1, true)", [org]);
      const n = Number((await app.query("SELECT count(*) AS n FROM organizations")).rows[0].n);
      await app.query("COMMIT");
      return n;
    };
    const visibleWithoutTenant = await countAs(null);
    const visibleAsA = await countAs(orgA);
    const visibleAsB = await countAs(orgB);
    const insertWithoutTenant = await errorOf("INSERT INTO organizations (id, name, slug) VALUES ($1, 'no tenant', 'no-tenant')", [orgB]);
    const readLedger = await errorOf("SELECT * FROM polystore.schema_history");
    const createTable = await errorOf("CREATE TABLE public.e2e_should_not_exist (id int)");
    // The admin (superuser, not subject to RLS) sees the row the app wrote.
    const adm = pgClient(admin, E2E_NAMES.postgres.database);
    await adm.connect();
    const adminSees = Number((await adm.query("SELECT count(*) AS n FROM organizations WHERE id = $1", [orgA])).rows[0].n);
    await adm.end();
    return { who, rls, visibleWithoutTenant, visibleAsA, visibleAsB, insertWithoutTenant, readLedger, createTable, adminSees };
  } finally {
    await app.end();
  }
}

/** Redis facts seen through REDIS_URL (the application user). */
export async function redisAsApp(redisUrl: string) {
  const c = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0 });
  await c.connect();
  const errorOf = async (fn: () => Promise<unknown>) => {
    try {
      await fn();
      return "";
    } catch (err) {
      return (err as Error).message;
    }
  };
  try {
    const set = await c.set("session:e2e", "1", "EX", 60);
    const get = await c.get("session:e2e");
    const flushall = await errorOf(() => c.flushall());
    const otherKey = await errorOf(() => c.set("e2e:outside-namespace", "1"));
    const config = await errorOf(() => c.call("CONFIG", "GET", "maxmemory"));
    return { set, get, flushall, otherKey, config };
  } finally {
    c.disconnect();
  }
}

/** The Redis ACL rules of a user, as the admin sees them (to prove polystore left them alone). */
export async function redisAclOf(admin: StoreConnection, user: string): Promise<string> {
  const c = redisAdmin(admin);
  await c.connect();
  try {
    const list = (await c.call("ACL", "LIST")) as string[];
    return list.find((l) => l.startsWith(`user ${user} `)) ?? "";
  } finally {
    c.disconnect();
  }
}

/** MongoDB, Elasticsearch and Neo4j through the application credentials of `.env.e2e`. */
export async function othersAsApp(env: Record<string, string>, conns: Record<E2eStore, StoreConnection>) {
  const mongo = new MongoClient(env.MONGODB_URL, { serverSelectionTimeoutMS: 10_000, authMechanism: "SCRAM-SHA-256" });
  await mongo.connect();
  let mongoCollections: string[];
  try {
    mongoCollections = (await mongo.db().listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).sort();
  } finally {
    await mongo.close();
  }
  const es = conns.elasticsearch;
  const esApp = { user: env.ELASTICSEARCH_USERNAME, password: env.ELASTICSEARCH_PASSWORD };
  const esUrl = new URL(env.ELASTICSEARCH_URL);
  const esAt = { ...es, host: esUrl.hostname, port: Number(esUrl.port) };
  const esArticles = (await esRequest(esAt, "GET", "/articles/_search?size=0", esApp)).status;
  const esLedger = (await esRequest(esAt, "GET", "/polystore-migrations/_search?size=0&expand_wildcards=all", esApp)).status;
  const driver = neo4j.driver(env.NEO4J_URI, neo4j.auth.basic(env.NEO4J_USERNAME, env.NEO4J_PASSWORD));
  let neo4jUser: string;
  try {
    const res = await driver.executeQuery("SHOW CURRENT USER YIELD user RETURN user", {}, { database: "system" });
    neo4jUser = res.records[0]?.get("user");
  } finally {
    await driver.close();
  }
  return { mongoCollections, esArticles, esLedger, neo4jUser };
}
