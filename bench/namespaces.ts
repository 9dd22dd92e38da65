/**
 * A fresh, empty place per store for each benchmark run, so every "first
 * apply" really applies everything:
 * - postgres: a new database (CREATE DATABASE), dropped afterwards;
 * - mongodb:  a new database name, dropped afterwards;
 * - clickhouse (chdb): a new database name (the ledger is keyed by database);
 * - redis: one of databases 1-15, flushed before use;
 * - neo4j (Community: one database) and elasticsearch (the ledger indices and
 *   the scripts' index template are global): everything the scripts and the
 *   runner create is removed before use.
 * Resetting happens outside the timed region. App identities are separate
 * from the admin, as in a real stack (bench_app; PostgreSQL owner bench_owner).
 */
import { randomBytes } from "node:crypto";
import { MongoClient } from "mongodb";
import neo4j from "neo4j-driver";
import Redis from "ioredis";
import pg from "pg";
import type { StoreConnection, StoreKind } from "../components/core/types";

export const APP_USER = "bench_app";
export const OWNER_ROLE = "bench_owner";
const appPassword = randomBytes(18).toString("base64url");
let counter = 0;

/** A short unique name: bench_<tag>_<n>_<random>. */
export function freshName(tag: string): string {
  counter++;
  return `bench_${tag}_${counter}_${randomBytes(3).toString("hex")}`;
}

/** Admin-side helpers bound to the harness's connections. */
export class Namespaces {
  private readonly created: Array<{ kind: StoreKind; database: string }> = [];
  private redisIndex = 0;

  constructor(private readonly admin: Partial<Record<StoreKind, StoreConnection>>) {}

  private base(kind: StoreKind): StoreConnection {
    const c = this.admin[kind];
    if (!c) throw new Error(`bench: no ${kind} engine was started`);
    return c;
  }

  /** A connection to a fresh, empty namespace of `kind`, with a separate app identity. */
  async fresh(kind: StoreKind, tag: string): Promise<StoreConnection> {
    const base = this.base(kind);
    const app = { user: APP_USER, password: appPassword };
    switch (kind) {
      case "postgres": {
        const database = freshName(tag);
        await this.pgAdmin((c) => c.query(`CREATE DATABASE ${database}`));
        this.created.push({ kind, database });
        return { ...base, database, app, options: { ...base.options, ownerRole: OWNER_ROLE } };
      }
      case "mongodb": {
        const database = freshName(tag);
        this.created.push({ kind, database });
        return { ...base, database, app };
      }
      case "clickhouse":
        return { ...base, database: freshName(tag), app };
      case "redis": {
        const db = (this.redisIndex++ % 15) + 1;
        await this.redis(db, (r) => r.flushdb());
        return { ...base, database: String(db), app };
      }
      case "neo4j":
        await this.resetNeo4j();
        return { ...base, app };
      case "elasticsearch":
        await this.resetElasticsearch();
        return { ...base, app };
    }
  }

  /** Drops the databases created so far (PostgreSQL, MongoDB). */
  async cleanup(): Promise<void> {
    const items = this.created.splice(0);
    const pgDbs = items.filter((i) => i.kind === "postgres").map((i) => i.database);
    if (pgDbs.length) await this.pgAdmin(async (c) => {
      for (const d of pgDbs) await c.query(`DROP DATABASE IF EXISTS ${d} WITH (FORCE)`);
    });
    const mongoDbs = items.filter((i) => i.kind === "mongodb").map((i) => i.database);
    if (mongoDbs.length) await this.mongo(async (client) => {
      for (const d of mongoDbs) await client.db(d).dropDatabase();
    });
  }

  /** Runs `fn` with an admin client on the harness's PostgreSQL database. */
  async pgAdmin<T>(fn: (c: pg.Client) => Promise<T>, database?: string): Promise<T> {
    const b = this.base("postgres");
    const c = new pg.Client({ host: b.host, port: b.port, user: b.admin.user, password: b.admin.password, database: database ?? b.database });
    await c.connect();
    try {
      return await fn(c);
    } finally {
      await c.end();
    }
  }

  private async redis<T>(db: number, fn: (r: Redis) => Promise<T>): Promise<T> {
    const b = this.base("redis");
    const r = new Redis({ host: b.host, port: b.port, username: b.admin.user, password: b.admin.password, db, lazyConnect: true, maxRetriesPerRequest: 0 });
    r.on("error", () => undefined);
    await r.connect();
    try {
      return await fn(r);
    } finally {
      r.disconnect();
    }
  }

  private async mongo<T>(fn: (c: MongoClient) => Promise<T>): Promise<T> {
    const b = this.base("mongodb");
    const o = b.options ?? {};
    const client = new MongoClient(`mongodb://${b.host}:${b.port}/`, {
      auth: { username: b.admin.user, password: b.admin.password },
      authSource: o.authSource ?? "admin",
      ...(o.authMechanism ? { authMechanism: o.authMechanism as never } : {}),
      directConnection: true,
    });
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.close();
    }
  }

  /** Drops every constraint and index (except the built-in token lookups) and every node. */
  private async resetNeo4j(): Promise<void> {
    const b = this.base("neo4j");
    const driver = neo4j.driver(`bolt://${b.host}:${b.port}`, neo4j.auth.basic(b.admin.user, b.admin.password));
    try {
      const q = async (cypher: string) => (await driver.executeQuery(cypher, {}, { database: b.database })).records;
      for (const r of await q("SHOW CONSTRAINTS YIELD name RETURN name")) await q(`DROP CONSTRAINT \`${r.get("name")}\` IF EXISTS`);
      for (const r of await q("SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP' RETURN name")) await q(`DROP INDEX \`${r.get("name")}\` IF EXISTS`);
      await q("MATCH (n) DETACH DELETE n");
    } finally {
      await driver.close();
    }
  }

  /** Deletes the scripts' index, alias and template and the runner's ledger and lock indices. */
  private async resetElasticsearch(): Promise<void> {
    const b = this.base("elasticsearch");
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (b.admin.password) headers.authorization = `Basic ${Buffer.from(`${b.admin.user}:${b.admin.password}`).toString("base64")}`;
    const url = `${b.options?.scheme ?? "http"}://${b.host}:${b.port}`;
    const del = async (path: string) => {
      const res = await fetch(`${url}${path}`, { method: "DELETE", headers });
      if (res.status !== 200 && res.status !== 404) throw new Error(`elasticsearch reset: DELETE ${path}: HTTP ${res.status} ${(await res.text()).slice(0, 200)}`);
    };
    await del("/articles-000001,polystore-migrations,polystore-locks?ignore_unavailable=true&expand_wildcards=all");
    await del("/_index_template/articles");
  }
}
