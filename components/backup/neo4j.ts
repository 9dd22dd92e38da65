/**
 * Neo4j: an online export through the driver in ONE read transaction (a
 * consistent view): `nodes.jsonl` (labels + typed properties), `rels.jsonl`
 * (start, end, type, properties), `schema.json` (constraint and index
 * statements). `neo4j-admin database dump` needs the database stopped and a
 * shell on the server; this needs neither, and works on Aura.
 * Restore: schema first (existing rules kept), then ONE write transaction that
 * detach-deletes the graph, creates every node and relationship, counts them
 * and commits only when the counts equal the manifest's; otherwise it rolls
 * back and the old graph stays. (The whole graph passes through one
 * transaction: size the server's transaction memory for it.)
 */
import { createReadStream, createWriteStream, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import neo4j, { type Driver, type ManagedTransaction, type Transaction } from "neo4j-driver";
import type { StoreConnection } from "../core/types";
import { addressOf, errorText } from "../init/adapter";
import { decodeProps, encodeProps } from "./neo4j-values";
import { allCountDifferences } from "./tools";
import { StoreNotUpError, type BackupDriver, type Counts } from "./types";

const LEDGER_LABEL = "__PolystoreMigration";
const LOCK_LABEL = "__PolystoreLock";
const NODES = "nodes";
const RELS = "relationships";
const BATCH = 1000;
const label = (l: string) => `\`${l.replace(/`/g, "``")}\``;

export function createNeo4jBackup(conn: StoreConnection): BackupDriver {
  const secrets = [conn.admin.password];
  const database = conn.database || "neo4j";
  let driver: Driver | undefined;
  const scheme = conn.options?.scheme ?? (conn.tls ? "neo4j+s" : "bolt");
  const session = (mode: "READ" | "WRITE") => {
    driver ??= neo4j.driver(`${scheme}://${conn.host}:${conn.port}`, neo4j.auth.basic(conn.admin.user, conn.admin.password), { connectionTimeout: 5000, userAgent: "polystore-backup" });
    return driver.session({ database, defaultAccessMode: mode === "READ" ? neo4j.session.READ : neo4j.session.WRITE });
  };
  async function read<T>(f: (tx: ManagedTransaction) => Promise<T>): Promise<T> {
    const s = session("READ");
    try {
      return await s.executeRead(f);
    } finally {
      await s.close();
    }
  }

  async function countIn(tx: ManagedTransaction | Transaction): Promise<Record<string, Counts>> {
    const labels: Counts = {};
    const r1 = await tx.run(`MATCH (n) WHERE NOT n:${LOCK_LABEL} WITH CASE size(labels(n)) WHEN 0 THEN ['(no label)'] ELSE labels(n) END AS ls UNWIND ls AS l RETURN l, count(*) AS c`);
    for (const rec of r1.records) labels[rec.get("l")] = Number(rec.get("c"));
    const types: Counts = {};
    const r2 = await tx.run("MATCH ()-[r]->() RETURN type(r) AS t, count(*) AS c");
    for (const rec of r2.records) types[rec.get("t")] = Number(rec.get("c"));
    return { [`${NODES} per label`]: labels, [`${RELS} per type`]: types };
  }

  async function* lines(file: string): AsyncGenerator<any> {
    for await (const l of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) if (l.trim()) yield JSON.parse(l);
  }

  const d: BackupDriver = {
    kind: "neo4j",
    address: addressOf(conn),
    async ping() {
      try {
        await read((tx) => tx.run("RETURN 1"));
      } catch (err) {
        throw new StoreNotUpError("neo4j", d.address, errorText(err, secrets));
      }
    },
    async dump(dir) {
      const s = session("READ");
      let version = "unknown";
      try {
        const info = await s.run("CALL dbms.components() YIELD name, versions, edition RETURN name, versions[0] AS v, edition");
        version = `${info.records[0]?.get("name")} ${info.records[0]?.get("v")} ${info.records[0]?.get("edition")}`;
        const constraints = await s.run("SHOW CONSTRAINTS YIELD createStatement RETURN createStatement");
        const indexes = await s.run("SHOW INDEXES YIELD type, owningConstraint, createStatement WHERE owningConstraint IS NULL AND type <> 'LOOKUP' RETURN createStatement");
        writeFileSync(join(dir, "schema.json"), JSON.stringify([...constraints.records, ...indexes.records].map((r) => r.get("createStatement"))), { mode: 0o600 });
      } finally {
        await s.close();
      }
      const counts = await read(async (tx) => {
        const nodes = createWriteStream(join(dir, "nodes.jsonl"), { mode: 0o600 });
        const res = await tx.run(`MATCH (n) WHERE NOT n:${LOCK_LABEL} RETURN elementId(n) AS id, labels(n) AS labels, properties(n) AS props`);
        for (const r of res.records) nodes.write(`${JSON.stringify({ id: r.get("id"), labels: r.get("labels"), props: encodeProps(r.get("props")) })}\n`);
        await new Promise<void>((ok) => nodes.end(() => ok()));
        const rels = createWriteStream(join(dir, "rels.jsonl"), { mode: 0o600 });
        const rr = await tx.run("MATCH (a)-[r]->(b) RETURN elementId(a) AS s, elementId(b) AS e, type(r) AS t, properties(r) AS props");
        for (const r of rr.records) rels.write(`${JSON.stringify({ s: r.get("s"), e: r.get("e"), type: r.get("t"), props: encodeProps(r.get("props")) })}\n`);
        await new Promise<void>((ok) => rels.end(() => ok()));
        return countIn(tx);
      });
      return {
        engineVersion: version,
        method: "online export through the driver in one read transaction (nodes, relationships, typed properties, constraint/index statements); counts from the same transaction",
        restoreMethod: "schema statements applied (existing kept), then one write transaction: detach-delete, create nodes and relationships, count, commit only when the counts match (else rolled back)",
        files: ["schema.json", "nodes.jsonl", "rels.jsonl"],
        counts,
      };
    },
    async restore(dir, manifest, _id, log) {
      const s = session("WRITE");
      try {
        for (const stmt of JSON.parse(readFileSync(join(dir, "schema.json"), "utf8")) as string[]) {
          await s.run(stmt).catch((err: Error & { code?: string }) => {
            if (!/EquivalentSchemaRuleAlreadyExists|ConstraintAlreadyExists|IndexAlreadyExists|AlreadyExists/.test(`${err.code} ${err.message}`)) throw err;
          });
        }
        log("neo4j: replacing the graph in one transaction");
        const tx = s.beginTransaction();
        try {
          await tx.run("MATCH (n) DETACH DELETE n");
          const ids = new Map<string, string>();
          const groups = new Map<string, Array<{ k: string; props: Record<string, unknown> }>>();
          const flush = async (key: string) => {
            const rows = groups.get(key) ?? [];
            if (!rows.length) return;
            groups.set(key, []);
            const labels = key ? JSON.parse(key).map((l: string) => `:${label(l)}`).join("") : "";
            const res = await tx.run(`UNWIND $rows AS row CREATE (n${labels}) SET n = row.props RETURN row.k AS k, elementId(n) AS id`, { rows });
            for (const r of res.records) ids.set(r.get("k"), r.get("id"));
          };
          for await (const n of lines(join(dir, "nodes.jsonl"))) {
            const key = n.labels.length ? JSON.stringify([...n.labels].sort()) : "";
            const list = groups.get(key) ?? [];
            list.push({ k: n.id, props: decodeProps(n.props) });
            groups.set(key, list);
            if (list.length >= BATCH) await flush(key);
          }
          for (const key of [...groups.keys()]) await flush(key);
          const relGroups = new Map<string, Array<{ s: string; e: string; props: Record<string, unknown> }>>();
          const flushRels = async (type: string) => {
            const rows = relGroups.get(type) ?? [];
            if (!rows.length) return;
            relGroups.set(type, []);
            await tx.run(`UNWIND $rows AS row MATCH (a) WHERE elementId(a) = row.s MATCH (b) WHERE elementId(b) = row.e CREATE (a)-[r:${label(type)}]->(b) SET r = row.props`, { rows });
          };
          for await (const r of lines(join(dir, "rels.jsonl"))) {
            const s2 = ids.get(r.s);
            const e2 = ids.get(r.e);
            if (!s2 || !e2) throw new Error(`rels.jsonl: relationship ${r.type} refers to a node missing from nodes.jsonl`);
            const list = relGroups.get(r.type) ?? [];
            list.push({ s: s2, e: e2, props: decodeProps(r.props) });
            relGroups.set(r.type, list);
            if (list.length >= BATCH) await flushRels(r.type);
          }
          for (const t of [...relGroups.keys()]) await flushRels(t);
          const diff = allCountDifferences(manifest.counts, await countIn(tx));
          if (diff.length) throw new Error(`the loaded graph does not match the manifest (rolled back): ${diff.join("; ")}`);
          await tx.commit();
        } catch (err) {
          if (tx.isOpen()) await tx.rollback().catch(() => undefined);
          throw err;
        }
      } finally {
        await s.close();
      }
    },
    counts: () => read((tx) => countIn(tx)),
    async ledger() {
      return read(async (tx) => {
        const r = await tx.run(`MATCH (m:${LEDGER_LABEL}) WHERE m.success = true RETURN m.version AS v ORDER BY v`);
        return r.records.map((x) => Number(x.get("v")));
      });
    },
    async isEmpty() {
      return read(async (tx) => (await tx.run(`MATCH (n) WHERE NOT n:${LEDGER_LABEL} AND NOT n:${LOCK_LABEL} RETURN n LIMIT 1`)).records.length === 0);
    },
    async wipe() {
      const s = session("WRITE");
      try {
        await s.run("MATCH (n) DETACH DELETE n");
      } finally {
        await s.close();
      }
    },
    async close() {
      const x = driver;
      driver = undefined;
      await x?.close().catch(() => undefined);
    },
  };
  return d;
}
