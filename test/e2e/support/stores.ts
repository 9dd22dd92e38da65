/**
 * What the e2e test does directly in the stores, with the engines' own drivers
 * (never through polystore's adapters, so the checks are independent of the
 * code that wrote the data). This file: the names the e2e stack uses, the
 * drivers' admin clients, and what an `external` endpoint's operator provides.
 * ledgers.ts reads the init-script ledgers; app.ts uses the application
 * credentials polystore wrote to `.env.e2e`.
 */
import pg from "pg";
import Redis from "ioredis";
import { MongoClient } from "mongodb";
import type { StoreConnection } from "../../../components/core/types";
import type { E2eStore } from "../global-setup";

/** Settings of the e2e stack that name objects in the stores (`polystore:stores.<kind>.*`); databases are the harness's. */
export const E2E_NAMES = {
  postgres: { database: "polystore", appRole: "app_user" },
  redis: { appUser: "app" },
  mongodb: { database: "polystore", appUser: "app" },
  elasticsearch: { appUser: "app" },
  neo4j: { database: "neo4j", appUser: "app" },
} as const;

/** An admin PostgreSQL client on `database` (connect before use). */
export const pgClient = (c: StoreConnection, database: string) =>
  new pg.Client({ host: c.host, port: c.port, user: c.admin.user, password: c.admin.password, database, connectionTimeoutMillis: 10_000 });

/** An admin MongoDB client (connect before use). The harness's FerretDB admin authenticates against its `polystore` database (options.authSource). */
export const mongoAdmin = (c: StoreConnection) =>
  new MongoClient(`mongodb://${c.host}:${c.port}/`, {
    auth: { username: c.admin.user, password: c.admin.password },
    authSource: c.options?.authSource ?? "admin",
    authMechanism: "SCRAM-SHA-256",
    serverSelectionTimeoutMS: 10_000,
  });

/** One Elasticsearch REST call with basic auth (admin unless `cred`); never throws on an HTTP status. */
export async function esRequest(c: StoreConnection, method: string, path: string, cred = c.admin, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`http://${c.host}:${c.port}${path}`, {
    method,
    headers: { authorization: `Basic ${Buffer.from(`${cred.user}:${cred.password}`).toString("base64")}`, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, body: parsed };
}

/**
 * What the operator of an `external` endpoint provides before `pulumi up`, given
 * how the program treats the e2e stack's config TODAY:
 *
 * - `stores.<kind>.external.appPassword` is set for every store (the random provider
 *   plugin cannot be built here, see stack.test.ts), and components/stores/store.ts
 *   reads a given appPassword as "the application user is managed outside polystore"
 *   (`options.manageAppUser = "false"`). The PostgreSQL and Redis adapters honour
 *   that flag: they do not create the application role / ACL user, PostgreSQL even
 *   refuses to run without it. So, as the external operator would, the test creates
 *   - PostgreSQL: role `app_user` LOGIN with the generated password and PostgreSQL's
 *     default attributes (no superuser, createdb, createrole, bypassrls); polystore
 *     then grants it what the scripts say and RLS applies to it;
 *   - Redis: ACL user `app` with the rules README.md documents for it (OPERATOR_REDIS_ACL,
 *     written out here, not taken from polystore's code).
 *   MongoDB, Elasticsearch and Neo4j ignore the flag: polystore's runner creates their
 *   application users itself during `pulumi up`.
 * - MongoDB: the init runner authenticates the external admin against `admin` (the
 *   MongoDB/Atlas convention; the external config has no authSource key), while the
 *   harness's FerretDB created its admin in the `polystore` database. The test adds the
 *   same user name and password in `admin` (FerretDB 1.x has no roles: every
 *   authenticated user may do everything).
 */
/**
 * The ACL an operator gives the Redis application user, from README.md's store table (keys and
 * channels session:*, user:*, cache:*, lock:* in database 0; no FLUSHALL, FLUSHDB, CONFIG, DEBUG,
 * KEYS, SCAN, RANDOMKEY, SELECT, MOVE, COPY, CLIENT TRACKING, PUBSUB listing, no scripting) and the
 * seeds' key namespaces (session:, user:, cache:, lock:).
 */
export const OPERATOR_REDIS_ACL = [
  "~session:*", "~user:*", "~cache:*", "~lock:*", "resetchannels", "&session:*", "&user:*", "&cache:*", "&lock:*",
  "+@all", "-@admin", "-@dangerous", "-flushall", "-flushdb", "-config", "-debug", "-keys", "-scan", "-randomkey",
  "-select", "-move", "-copy", "-client|tracking", "-pubsub|channels", "-pubsub|numsub", "-pubsub|numpat",
  "-pubsub|shardchannels", "-pubsub|shardnumsub", "-@scripting",
];

export async function prepareExternal(conns: Record<E2eStore, StoreConnection>, appPasswords: Record<E2eStore, string>): Promise<string[]> {
  const notes: string[] = [];
  const p = conns.postgres;
  const pc = pgClient(p, E2E_NAMES.postgres.database);
  await pc.connect();
  try {
    await pc.query(`CREATE ROLE ${pg.escapeIdentifier(E2E_NAMES.postgres.appRole)} LOGIN PASSWORD ${pc.escapeLiteral(appPasswords.postgres)}`);
  } finally {
    await pc.end();
  }
  notes.push(`postgres: role ${E2E_NAMES.postgres.appRole} (LOGIN, default attributes) created by the test as the external operator`);

  const r = redisAdmin(conns.redis);
  await r.connect();
  try {
    await r.call("ACL", "SETUSER", E2E_NAMES.redis.appUser, "reset", "on", `>${appPasswords.redis}`, ...OPERATOR_REDIS_ACL);
  } finally {
    r.disconnect();
  }
  notes.push(`redis: ACL user ${E2E_NAMES.redis.appUser} created by the test with README.md's documented rules`);

  const m = mongoAdmin(conns.mongodb);
  await m.connect();
  try {
    await m.db("admin").command({ createUser: conns.mongodb.admin.user, pwd: conns.mongodb.admin.password, roles: [] });
  } finally {
    await m.close();
  }
  notes.push(`mongodb: admin ${conns.mongodb.admin.user} added to the admin database (the runner's authSource)`);
  return notes;
}

/** An admin Redis client (connect before use). */
export const redisAdmin = (c: StoreConnection) =>
  new Redis({ host: c.host, port: c.port, username: c.admin.user, password: c.admin.password, lazyConnect: true });
