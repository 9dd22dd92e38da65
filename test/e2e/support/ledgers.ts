/**
 * Init-script ledgers and the objects the scripts made, read in each store with
 * its own driver (not polystore's adapters), compared with the scripts the
 * repository ships.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import neo4j from "neo4j-driver";
import { checksumOf } from "../../../components/init/scripts";
import type { StoreConnection } from "../../../components/core/types";
import type { E2eStore } from "../global-setup";
import { REPO_ROOT } from "./project";
import { E2E_NAMES, esRequest, mongoAdmin, pgClient, redisAdmin } from "./stores";

/** One ledger row as the test compares it. */
export interface LedgerRow {
  version: number;
  checksum: string;
  appliedAt: string;
  success: boolean;
}

/** A shipped init script: version and checksum of `init-scripts/<store>/NNN_*.<ext>`. */
export interface ShippedScript {
  version: number;
  fileName: string;
  checksum: string;
}

/** The scripts the repository ships for a store (README files excluded). */
export function shippedScripts(kind: E2eStore): ShippedScript[] {
  const dir = join(REPO_ROOT, "init-scripts", kind);
  return readdirSync(dir)
    .filter((f) => /^\d{3,}_.+\.[a-z]+$/.test(f))
    .sort()
    .map((fileName) => ({ version: Number(fileName.slice(0, fileName.indexOf("_"))), fileName, checksum: checksumOf(readFileSync(join(dir, fileName))) }));
}

/** Settings of the e2e stack that name objects in the stores (`polystore:stores.<kind>.*`). */

/** Each store's init-script ledger, read with the store's own driver. */
export async function readLedgers(conns: Record<E2eStore, StoreConnection>): Promise<Record<E2eStore, LedgerRow[]>> {
  const [postgres, redis, mongodb, elasticsearch, neo4jRows] = await Promise.all([
    (async () => {
      const c = pgClient(conns.postgres, E2E_NAMES.postgres.database);
      await c.connect();
      try {
        const exists = await c.query("SELECT to_regclass('polystore.schema_history') IS NOT NULL AS ok");
        if (!exists.rows[0].ok) return [];
        const res = await c.query("SELECT version, checksum, applied_at, success FROM polystore.schema_history ORDER BY version");
        return res.rows.map((x) => ({ version: Number(x.version), checksum: x.checksum, appliedAt: new Date(x.applied_at).toISOString(), success: x.success }));
      } finally {
        await c.end();
      }
    })(),
    (async () => {
      const c = redisAdmin(conns.redis);
      await c.connect();
      try {
        const all = await c.hgetall("polystore:schema_history");
        return Object.values(all)
          .map((v) => JSON.parse(v) as LedgerRow)
          .map(({ version, checksum, appliedAt, success }) => ({ version, checksum, appliedAt, success }))
          .sort((a, b) => a.version - b.version);
      } finally {
        c.disconnect();
      }
    })(),
    (async () => {
      const c = mongoAdmin(conns.mongodb);
      await c.connect();
      try {
        const rows = await c.db(E2E_NAMES.mongodb.database).collection("_polystore_migrations").find({}).sort({ version: 1 }).toArray();
        return rows.map((x) => ({ version: x.version as number, checksum: x.checksum as string, appliedAt: String(x.appliedAt), success: x.success as boolean }));
      } finally {
        await c.close();
      }
    })(),
    (async () => {
      const res = await esRequest(conns.elasticsearch, "POST", "/polystore-migrations/_search?expand_wildcards=all", conns.elasticsearch.admin, { size: 1000, sort: [{ version: "asc" }] });
      if (res.status === 404) return [];
      if (res.status !== 200) throw new Error(`elasticsearch ledger: HTTP ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
      return (res.body.hits.hits as Array<{ _source: LedgerRow }>).map(({ _source: s }) => ({ version: s.version, checksum: s.checksum, appliedAt: s.appliedAt, success: s.success }));
    })(),
    (async () => {
      const c = conns.neo4j;
      const d = neo4j.driver(`bolt://${c.host}:${c.port}`, neo4j.auth.basic(c.admin.user, c.admin.password));
      try {
        const res = await d.executeQuery(
          "MATCH (m:__PolystoreMigration) RETURN m.version AS version, m.checksum AS checksum, m.appliedAt AS appliedAt, m.success AS success ORDER BY m.version",
          {},
          { database: E2E_NAMES.neo4j.database },
        );
        return res.records.map((x) => ({ version: Number(x.get("version")), checksum: x.get("checksum"), appliedAt: String(x.get("appliedAt")), success: x.get("success") }));
      } finally {
        await d.close();
      }
    })(),
  ]);
  return { postgres, redis, mongodb, elasticsearch, neo4j: neo4jRows };
}

/** Objects the init scripts made, as the admins see them (to show they survive `pulumi destroy`). */
export async function schemaObjects(conns: Record<E2eStore, StoreConnection>) {
  const c = pgClient(conns.postgres, E2E_NAMES.postgres.database);
  await c.connect();
  const pgTables = (await c.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")).rows.map((r) => r.tablename as string);
  await c.end();
  const r = redisAdmin(conns.redis);
  await r.connect();
  const redisContract = await r.hget("cache:keyspace:contract", "version");
  r.disconnect();
  const m = mongoAdmin(conns.mongodb);
  await m.connect();
  const mongoCollections = (await m.db(E2E_NAMES.mongodb.database).listCollections({}, { nameOnly: true }).toArray()).map((x) => x.name).sort();
  await m.close();
  const esAlias = (await esRequest(conns.elasticsearch, "GET", "/_alias/articles")).status;
  const n = conns.neo4j;
  const d = neo4j.driver(`bolt://${n.host}:${n.port}`, neo4j.auth.basic(n.admin.user, n.admin.password));
  const neo4jConstraints = (await d.executeQuery("SHOW CONSTRAINTS YIELD name RETURN name ORDER BY name", {}, { database: E2E_NAMES.neo4j.database })).records.map((x) => x.get("name") as string);
  await d.close();
  return { pgTables, redisContract, mongoCollections, esAlias, neo4jConstraints };
}
