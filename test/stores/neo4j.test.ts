/**
 * Neo4j init scripts + adapter against a REAL Neo4j 5.26 (neo4j-harness, Community
 * Edition, Bolt with auth on), started by the stores harness.
 *
 * What this engine cannot show: Community Edition has no role-based access control
 * (SHOW ROLES / GRANT ROLE are "Unsupported administration command"), so the
 * application user created by ensureIdentity can authenticate but has full rights;
 * the Enterprise/Aura `GRANT ROLE editor` branch is not exercised here. The test
 * "app user is not least-privilege on Community" pins that fact down.
 */
import { randomBytes } from "node:crypto";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import neo4j, { type Driver } from "neo4j-driver";
import { afterAll, beforeAll, beforeEach, describe, expect, it, inject } from "vitest";
import { Neo4jAdapter } from "../../components/init/adapters/neo4j";
import { runStore } from "../../components/init/runner";
import type { StoreConnection } from "../../components/core/types";

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
const tmpDirs: string[] = [];

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

function scriptsCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), "polystore-neo4j-"));
  tmpDirs.push(dir);
  cpSync(SCRIPTS, dir, { recursive: true });
  return dir;
}

const apply = (c: StoreConnection = conn, scriptsDir = SCRIPTS, owner?: string) =>
  runStore(c, new Neo4jAdapter(c), "apply", { scriptsDir, waitTimeoutMs: 30_000, lockTimeoutMs: 60_000, ...(owner ? { owner } : {}) });

async function ledger() {
  const a = new Neo4jAdapter(conn);
  await a.connect();
  try {
    return await a.readLedger();
  } finally {
    await a.close();
  }
}

beforeAll(async () => {
  conn = harnessConnection("neo4j");
  admin = neo4j.driver(`bolt://${conn.host}:${conn.port}`, neo4j.auth.basic(conn.admin.user, conn.admin.password), { disableLosslessIntegers: true });
});
afterAll(async () => {
  await admin?.close();
  for (const d of tmpDirs) rmSync(d, { recursive: true, force: true });
});

describe("neo4j init scripts", () => {
  beforeEach(reset);

  it("applies every script from scratch, then a re-run applies nothing", async () => {
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

    const again = await apply();
    expect(again.error).toBeUndefined();
    expect(again.applied).toEqual([]);
    expect(again.skipped).toEqual([1, 2, 3]);
    expect((await ledger()).length).toBe(3);
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

  it("refuses an applied script that changed on disk, naming the file", async () => {
    const dir = scriptsCopy();
    expect((await apply(conn, dir)).ok).toBe(true);
    const file = join(dir, FILES[1]!);
    writeFileSync(file, readFileSync(file, "utf8") + "\n// edited after it was applied\n");
    const r = await apply(conn, dir);
    expect(r.ok).toBe(false);
    expect(r.error).toContain("002_product_catalog_indexes.cypher");
    expect(r.applied).toEqual([]);
    expect((await ledger()).every((e) => e.success)).toBe(true);
  });

  it("repair re-records a changed script's checksum (without re-running it) and drops a failed entry so apply runs it again", async () => {
    const dir = scriptsCopy();
    const broken = join(dir, "004_page_title_index.cypher");
    writeFileSync(broken, "CREAT INDEX page_title IF NOT EXISTS FOR (p:Page) ON (p.title);\n"); // typo: syntax error
    expect((await apply(conn, dir)).ok).toBe(false);
    const changed = join(dir, FILES[1]!);
    writeFileSync(changed, readFileSync(changed, "utf8") + "\n// edited after it was applied\n");
    const refused = await apply(conn, dir);
    expect(refused.ok).toBe(false);
    expect(refused.error).toContain("002_product_catalog_indexes.cypher");
    expect(refused.error).toContain("npm run migrate -- repair --stack <stack> --store neo4j");

    const repaired = await runStore(conn, new Neo4jAdapter(conn), "repair", { scriptsDir: dir, waitTimeoutMs: 30_000, lockTimeoutMs: 60_000 });
    expect(repaired.error).toBeUndefined();
    expect(repaired.repaired.map((r) => [r.version, r.action])).toEqual([[2, "checksum-updated"], [4, "failed-entry-removed"]]);
    expect((await ledger()).map((e) => [e.version, e.success])).toEqual([[1, true], [2, true], [3, true]]);

    writeFileSync(broken, "CREATE INDEX page_title IF NOT EXISTS FOR (p:Page) ON (p.title);\n");
    const fixed = await apply(conn, dir);
    expect(fixed.error).toBeUndefined();
    expect(fixed.applied.map((a) => a.version)).toEqual([4]); // 002 is not re-run
    expect(fixed.skipped).toEqual([1, 2, 3]);
    expect((await q("SHOW INDEXES YIELD name RETURN name")).map((x) => x.name)).toContain("page_title");
  });

  it("records a failing script as failed, keeps the ledger consistent and resumes after a fix", async () => {
    const dir = scriptsCopy();
    const broken = join(dir, "004_page_title_index.cypher");
    writeFileSync(broken, [
      "CREATE INDEX page_title IF NOT EXISTS FOR (p:Page) ON (p.title);",
      "CREAT INDEX page_crawled_at IF NOT EXISTS FOR (p:Page) ON (p.crawled_at);", // typo: syntax error
      "CREATE INDEX page_status IF NOT EXISTS FOR (p:Page) ON (p.status);",
    ].join("\n"));
    const r = await apply(conn, dir);
    expect(r.ok).toBe(false);
    expect(r.error).toContain("004_page_title_index.cypher");
    expect(r.error).toContain("statement 2 of 3 (line 2)");
    expect(r.applied.map((a) => a.version)).toEqual([1, 2, 3]);
    const rows = await ledger();
    expect(rows.map((e) => [e.version, e.success])).toEqual([[1, true], [2, true], [3, true], [4, false]]);
    expect(rows[3]!.error).toMatch(/Neo\.ClientError\.Statement\.SyntaxError/);
    // Not atomic (schema commands cannot share a transaction): statement 1 stayed, statement 3 never ran.
    const names = (await q("SHOW INDEXES YIELD name RETURN name")).map((x) => x.name);
    expect(names).toContain("page_title");
    expect(names).not.toContain("page_status");

    writeFileSync(broken, readFileSync(broken, "utf8").replace("CREAT INDEX", "CREATE INDEX"));
    const fixed = await apply(conn, dir);
    expect(fixed.error).toBeUndefined();
    expect(fixed.retried).toEqual([4]);
    expect(fixed.applied.map((a) => a.version)).toEqual([4]);
    expect((await ledger()).map((e) => [e.version, e.success])).toEqual([[1, true], [2, true], [3, true], [4, true]]);
    expect((await q("SHOW INDEXES YIELD name RETURN name")).map((x) => x.name)).toEqual(expect.arrayContaining(["page_title", "page_crawled_at", "page_status"]));
  });

  it("four concurrent runners apply each script exactly once", async () => {
    const reports = await Promise.all([1, 2, 3, 4].map((i) => apply(conn, SCRIPTS, `runner-${i}`)));
    for (const r of reports) expect(r.error).toBeUndefined();
    const appliedVersions = reports.flatMap((r) => r.applied.map((a) => a.version)).sort();
    expect(appliedVersions).toEqual([1, 2, 3]);
    expect((await ledger()).map((e) => [e.version, e.success])).toEqual([[1, true], [2, true], [3, true]]);
    expect(await q("MATCH (l:__PolystoreLock) RETURN count(l) AS n")).toEqual([{ n: 0 }]);
    expect(await q("MATCH (m:__PolystoreMigration) RETURN count(m) AS n")).toEqual([{ n: 3 }]);
  });

  it("a held lock stops another runner (naming the holder); an expired one is taken over", async () => {
    const holder = new Neo4jAdapter(conn);
    await holder.connect();
    try {
      await holder.acquireLock("holder-A", 5_000);
      const blocked = await runStore(conn, new Neo4jAdapter(conn), "apply", { scriptsDir: SCRIPTS, lockTimeoutMs: 800 });
      expect(blocked.ok).toBe(false);
      expect(blocked.error).toContain("held by holder-A");
      expect(blocked.applied).toEqual([]);
      // holder-A crashed long ago: its lock expired.
      await q("MATCH (l:__PolystoreLock {id: 'lock'}) SET l.expiresAt = 0");
      const taken = await runStore(conn, new Neo4jAdapter(conn), "apply", { scriptsDir: SCRIPTS, lockTimeoutMs: 5_000 });
      expect(taken.error).toBeUndefined();
      expect(taken.applied.map((a) => a.version)).toEqual([1, 2, 3]);
    } finally {
      await holder.releaseLock("holder-A");
      await holder.close();
    }
  });

  it("creates the application user and follows a password rotation", async () => {
    const r = await apply();
    expect(r.notes).toContain(`neo4j: user ${conn.app.user} created`);
    // A fresh driver per check: a pooled connection stays authenticated after a password change.
    const auth = async (password: string) => {
      const d = neo4j.driver(`bolt://${conn.host}:${conn.port}`, neo4j.auth.basic(conn.app.user, password));
      try {
        return await d.verifyAuthentication();
      } finally {
        await d.close();
      }
    };
    expect(await auth(conn.app.password)).toBe(true);

    const rotated = { ...conn, app: { ...conn.app, password: `${conn.app.password}-rotated` } };
    const r2 = await apply(rotated);
    expect(r2.error).toBeUndefined();
    expect(r2.notes).toContain(`neo4j: password of ${conn.app.user} updated`);
    expect(await auth(rotated.app.password)).toBe(true);
    expect(await auth(conn.app.password)).toBe(false);
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
