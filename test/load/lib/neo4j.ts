/**
 * Neo4j under load as the application user: creates product nodes (power
 * sources and feeders, keyed by GIN) and COMPATIBLE_WITH relationships in
 * batches for a bounded time, then runs the seeds' compatibility query
 * (seed 004: feeders compatible with a power source) and checks its answer.
 */
import neo4j, { type Driver } from "neo4j-driver";
import { loadSeconds, payload, since, type LoadTarget, type WorkloadResult } from "./support";

const POWER_SOURCES = 200;
const BATCH = 500;
/** Each feeder is compatible with this many power sources. */
const LINKS = 3;

const gin = (prefix: string, i: number) => `${prefix}${String(i).padStart(8, "0")}`;
/** The power sources feeder `i` is compatible with (deterministic, so the query's answer is known). */
const linksOf = (i: number) => Array.from({ length: LINKS }, (_, k) => (i * 7 + k * 13) % POWER_SOURCES);

async function q(driver: Driver, database: string, cypher: string, params: Record<string, unknown> = {}) {
  const s = driver.session({ database });
  try {
    return (await s.run(cypher, params)).records.map((r) => r.toObject());
  } finally {
    await s.close();
  }
}

export async function neo4jLoad(t: LoadTarget): Promise<WorkloadResult> {
  const { conn } = t;
  const app = neo4j.driver(`bolt://${conn.host}:${conn.port}`, neo4j.auth.basic(conn.app.user, conn.app.password), { disableLosslessIntegers: true });
  const db = conn.database;
  try {
    const description = payload(200);
    const t0 = Date.now();
    await q(app, db, "UNWIND $rows AS r CREATE (:PowerSource {gin: r.gin, name: r.name, process: 'MIG', current_output: r.amps})", {
      rows: Array.from({ length: POWER_SOURCES }, (_, i) => ({ gin: gin("PS", i), name: `Power source ${i}`, amps: 200 + i })),
    });
    let feeders = 0;
    let relationships = 0;
    const deadline = Date.now() + loadSeconds() * 1000;
    while (Date.now() < deadline) {
      const rows = Array.from({ length: BATCH }, (_, k) => ({ gin: gin("F", feeders + k), name: `Feeder ${feeders + k}`, description, ps: linksOf(feeders + k).map((p) => gin("PS", p)) }));
      const [r] = await q(
        app,
        db,
        `UNWIND $rows AS r
         CREATE (f:Feeder {gin: r.gin, name: r.name, cooling_type: 'water', description: r.description})
         WITH f, r UNWIND r.ps AS psGin
         MATCH (ps:PowerSource {gin: psGin})
         CREATE (f)-[:COMPATIBLE_WITH {compatibility_type: 'direct'}]->(ps)
         RETURN count(*) AS links`,
        { rows },
      );
      feeders += BATCH;
      relationships += Number(r!.links);
    }
    const seconds = since(t0);
    // The seeds' query, for one power source; its answer is known from linksOf.
    const probe = 42;
    const found = await q(app, db, "MATCH (ps:PowerSource {gin: $gin}) MATCH (feeder:Feeder)-[:COMPATIBLE_WITH]->(ps) RETURN feeder.gin AS gin", { gin: gin("PS", probe) });
    let expected = 0;
    for (let i = 0; i < feeders; i++) if (linksOf(i).includes(probe)) expected++;
    const [counts] = await q(app, db, "MATCH (f:Feeder) WITH count(f) AS feeders MATCH ()-[c:COMPATIBLE_WITH]->() RETURN feeders, count(c) AS links");
    const pagecache = await q(app, "system", "SHOW SETTINGS YIELD name, value WHERE name = 'server.memory.pagecache.size' RETURN value").catch(async () =>
      q(app, db, "CALL dbms.listConfig('server.memory.pagecache.size') YIELD value RETURN value"),
    );
    return {
      ops: POWER_SOURCES + feeders + relationships,
      seconds,
      facts: {
        feeders,
        relationships,
        counted: counts,
        compatibleFound: found.length,
        compatibleExpected: expected,
        pagecacheSetting: pagecache[0]?.value,
        answers: (await q(app, db, "RETURN 1 AS ok"))[0]?.ok === 1,
      },
    };
  } finally {
    await app.close();
  }
}
