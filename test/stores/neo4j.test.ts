/**
 * Neo4j init scripts + adapter against a REAL Neo4j 5.26 (neo4j-harness, Community
 * Edition, Bolt with auth on), started by the stores harness.
 *
 * What this engine cannot show: Community Edition has no role-based access control
 * (SHOW ROLES / GRANT ROLE are "Unsupported administration command"), so the
 * application user created by ensureIdentity can authenticate but has full rights;
 * the Enterprise/Aura `GRANT ROLE editor` branch is not exercised here. The test
 * "app user is not least-privilege on Community" pins that fact down.
 *
 * What every adapter must do (ledger, version order, lock, failure, repair, placeholders,
 * identity login and rotation) is the contract suite (contract/adapter-contract.ts), run for
 * this store at the end of this file; the tests here are what only this store does.
 */
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import neo4j, { type Driver } from "neo4j-driver";
import { afterAll, beforeAll, beforeEach, describe, expect, it, inject } from "vitest";
import { Neo4jAdapter } from "../../components/init/adapters/neo4j";
import { runStore } from "../../components/init/runner";
import type { StoreConnection } from "../../components/core/types";
import { describeAdapterContract, withAdapter } from "./contract/adapter-contract";
import { neo4jFixture } from "./contract/fixtures";

/** The harness's admin connection (test/harness/global-setup.ts) plus a distinct application identity for ensureIdentity. */
function harnessConnection(kind: "neo4j"): StoreConnection {
  const c = inject("connections")[kind];
  if (!c) throw new Error(`the stores harness did not start ${kind} (see POLYSTORE_HARNESS_ENGINES)`);
  return { ...c, app: { user: "polystore_app", password: randomBytes(18).toString("base64url") } };
}

const SCRIPTS = join(__dirname, "..", "..", "init-scripts", "neo4j");
const FILES = ["001_product_catalog_constraints.cypher", "002_product_catalog_indexes.cypher", "003_link_graph_constraints.cypher"];

let conn: StoreConnection;
let admin: Driver;

async function q(cypher: string, params: Record<string, unknown> = {}, database = "neo4j", driver = admin) {
  const s = driver.session({ database });
  try {
    return (await s.run(cypher, params)).records.map((r) => r.toObject());
  } finally {
    await s.close();
  }
}

/** Drops everything the scripts, the runner and the tests create. */
async function reset(): Promise<void> {
  for (const r of await q("SHOW CONSTRAINTS YIELD name RETURN name")) await q(`DROP CONSTRAINT \`${r.name}\` IF EXISTS`);
  for (const r of await q("SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP' RETURN name")) await q(`DROP INDEX \`${r.name}\` IF EXISTS`);
  await q("MATCH (n) DETACH DELETE n");
  await q("DROP USER $u IF EXISTS", { u: conn.app.user }, "system");
}

const apply = (c: StoreConnection = conn) => runStore(c, new Neo4jAdapter(c), "apply", { scriptsDir: SCRIPTS, waitTimeoutMs: 30_000, lockTimeoutMs: 60_000 });

const ledger = () => withAdapter(conn, (a) => a.readLedger());

beforeAll(async () => {
  conn = harnessConnection("neo4j");
  admin = neo4j.driver(`bolt://${conn.host}:${conn.port}`, neo4j.auth.basic(conn.admin.user, conn.admin.password), { disableLosslessIntegers: true });
});
afterAll(async () => {
  await admin?.close();
});

describe("neo4j init scripts", () => {
  beforeEach(reset);

  it("creates the shipped constraints and indexes (uniqueness per label, full-text over every product label, ranges)", async () => {
    const first = await apply();
    expect(first.error).toBeUndefined();
    expect(first.applied.map((a) => a.fileName)).toEqual(FILES);
    const rows = await ledger();
    expect(rows.map((r) => [r.version, r.name, r.success])).toEqual([
      [1, "product_catalog_constraints", true], [2, "product_catalog_indexes", true], [3, "link_graph_constraints", true],
    ]);

    const constraints = (await q("SHOW CONSTRAINTS YIELD name, type, labelsOrTypes, properties")).map((r) => `${r.name}:${r.type}:${r.labelsOrTypes}.${r.properties}`);
    for (const label of ["PowerSource", "Feeder", "Cooler", "Interconnector", "Torch", "Accessory"]) {
      expect(constraints.some((c) => c.includes(`UNIQUENESS:${label}.gin`))).toBe(true);
    }
    expect(constraints).toEqual(expect.arrayContaining(["page_id_unique:UNIQUENESS:Page.id", "page_url_unique:UNIQUENESS:Page.url", "cluster_id_unique:UNIQUENESS:Cluster.id"]));
    const indexes = await q("SHOW INDEXES YIELD name, type, entityType, labelsOrTypes, properties RETURN *");
    const byName = new Map(indexes.map((i) => [i.name as string, i]));
    expect(byName.get("product_name_fulltext")).toMatchObject({ type: "FULLTEXT", entityType: "NODE", properties: ["name"] });
    expect((byName.get("product_name_fulltext")!.labelsOrTypes as string[]).sort()).toEqual(["Accessory", "Cooler", "Feeder", "Interconnector", "PowerSource", "Torch"]);
    expect(byName.get("power_source_process")).toMatchObject({ type: "RANGE", labelsOrTypes: ["PowerSource"], properties: ["process"] });
    expect(byName.get("power_source_current_output")).toMatchObject({ type: "RANGE", properties: ["current_output"] });
    expect(byName.get("torch_amperage")).toMatchObject({ type: "RANGE", labelsOrTypes: ["Torch"], properties: ["amperage"] });
    expect(byName.get("compatible_with_type")).toMatchObject({ type: "RANGE", entityType: "RELATIONSHIP", labelsOrTypes: ["COMPATIBLE_WITH"] });

  });

  it("rejects a duplicate GIN and finds a product by full-text search", async () => {
    expect((await apply()).ok).toBe(true);
    await q("CREATE (:PowerSource {gin: '0446200880', name: 'Warrior 500i CC/CV', process: 'MIG/MAG', current_output: 500})");
    await q("CREATE (:Feeder {gin: '0465250880', name: 'RobustFeed Pro water cooled'})");
    await expect(q("CREATE (:PowerSource {gin: '0446200880', name: 'duplicate'})")).rejects.toMatchObject({ code: "Neo.ClientError.Schema.ConstraintValidationFailed" });
    await expect(q("CREATE (:Page {id: 'p1', url: 'https://a.example/x'}), (:Page {id: 'p2', url: 'https://a.example/x'})")).rejects.toMatchObject({ code: "Neo.ClientError.Schema.ConstraintValidationFailed" });
    await q("CALL db.awaitIndexes(60)");
    const hits = await q("CALL db.index.fulltext.queryNodes('product_name_fulltext', $q) YIELD node, score RETURN node.gin AS gin, labels(node) AS labels", { q: "warrior" });
    expect(hits).toEqual([{ gin: "0446200880", labels: ["PowerSource"] }]);
    const feeders = await q("CALL db.index.fulltext.queryNodes('product_name_fulltext', 'robustfeed') YIELD node RETURN node.gin AS gin");
    expect(feeders).toEqual([{ gin: "0465250880" }]);
    expect(await q("CALL db.index.fulltext.queryNodes('product_name_fulltext', 'nonexistentword') YIELD node RETURN node")).toEqual([]);
  });

  it("reports creating the application user, and changing its password only when it differs", async () => {
    // Login and rotation themselves are contract cases (contract/adapter-contract.ts).
    const r = await apply();
    expect(r.notes).toContain(`neo4j: user ${conn.app.user} created`);
    const same = await apply();
    expect(same.notes.join("\n")).not.toContain("password of");
    const rotated = { ...conn, app: { ...conn.app, password: `${conn.app.password}-rotated` } };
    const r2 = await apply(rotated);
    expect(r2.error).toBeUndefined();
    expect(r2.notes).toContain(`neo4j: password of ${conn.app.user} updated`);
  });

  it("app user is not least-privilege on Community Edition (no RBAC), as the adapter reports", async () => {
    const r = await apply();
    const [{ edition }] = (await q("CALL dbms.components() YIELD edition RETURN edition")) as [{ edition: string }];
    const app = neo4j.driver(`bolt://${conn.host}:${conn.port}`, neo4j.auth.basic(conn.app.user, conn.app.password));
    try {
      const schemaChange = q("CREATE CONSTRAINT app_probe IF NOT EXISTS FOR (n:AppProbe) REQUIRE n.id IS UNIQUE", {}, "neo4j", app);
      if (edition === "community") {
        expect(r.notes.some((n) => n.includes("no role-based access control"))).toBe(true);
        await expect(schemaChange).resolves.toEqual([]);
        await expect(q("SHOW ROLES", {}, "system")).rejects.toMatchObject({ code: "Neo.ClientError.Statement.UnsupportedAdministrationCommand" });
      } else {
        // Enterprise: the editor role may write data but not change the schema.
        await expect(schemaChange).rejects.toThrow();
      }
    } finally {
      await app.close();
    }
  });
});

describeAdapterContract(neo4jFixture);
