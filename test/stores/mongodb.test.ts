/**
 * MongoDB init scripts + adapter against a REAL MongoDB-wire-protocol server:
 * FerretDB 1.24 with its SQLite handler, started by the stores harness (there is no
 * MongoDB server package in the registries this project can use).
 *
 * What FerretDB 1.24 cannot show (each answers NotImplemented there, verified in
 * the test "FerretDB really lacks ..."):
 *   - JSON-schema validators (`collMod`/`create` with `validator`),
 *   - text indexes (`{ title: "text" }`),
 *   - TTL indexes (`expireAfterSeconds`),
 *   - roles: createUser only accepts `roles: []`, and there is no authorization.
 * The adapter detects FerretDB from `buildInfo.ferretdbVersion` and skips the
 * commands marked `$requires` for those capabilities, listing each skip in its notes.
 * The MongoDB-only assertions (validator rejects a bad document, text and TTL
 * indexes exist, readWrite role) run only against a real MongoDB and are reported
 * as SKIPPED here, never as passed.
 *
 * What every adapter must do (ledger, version order, lock, failure, repair, placeholders,
 * identity login and rotation) is the contract suite (contract/adapter-contract.ts), run for
 * this store at the end of this file; the tests here are what only this store does.
 */
import { randomBytes } from "node:crypto";
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MongoClient, MongoServerError, type Db } from "mongodb";
import { afterAll, beforeAll, beforeEach, describe, expect, it, inject } from "vitest";
import { MONGO_LEDGER, MongoAdapter, type MongoServerInfo } from "../../components/init/adapters/mongodb";
import { runStore } from "../../components/init/runner";
import type { StoreConnection } from "../../components/core/types";
import { describeAdapterContract } from "./contract/adapter-contract";
import { mongodbFixture } from "./contract/fixtures";

const SCRIPTS = join(__dirname, "..", "..", "init-scripts", "mongodb");
const FILES = ["001_content_drafts.json", "002_user_preferences.json", "003_logs.json"];

/** The harness's admin connection (test/harness/global-setup.ts) plus a distinct application identity for ensureIdentity. */
function harnessConnection(kind: "mongodb"): StoreConnection {
  const c = inject("connections")[kind];
  if (!c) throw new Error(`the stores harness did not start ${kind} (see POLYSTORE_HARNESS_ENGINES)`);
  return { ...c, app: { user: "polystore_app", password: randomBytes(18).toString("base64url") } };
}

let conn: StoreConnection;
let client: MongoClient;
let db: Db;
let server: MongoServerInfo;
const tmpDirs: string[] = [];

function scriptsCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), "polystore-mongodb-"));
  tmpDirs.push(dir);
  cpSync(SCRIPTS, dir, { recursive: true });
  return dir;
}

async function apply(scriptsDir = SCRIPTS, owner?: string, lockTimeoutMs = 60_000, c: StoreConnection = conn) {
  const adapter = new MongoAdapter(c);
  const report = await runStore(c, adapter, "apply", { scriptsDir, waitTimeoutMs: 30_000, lockTimeoutMs, ...(owner ? { owner } : {}) });
  return { report, notes: adapter.notes };
}

async function ledger() {
  return (await db.collection(MONGO_LEDGER).find({}, { projection: { _id: 0, version: 1, success: 1 } }).sort({ version: 1 }).toArray()).map((e) => [e.version, e.success]);
}

async function indexes(collection: string) {
  return new Map((await db.collection(collection).listIndexes().toArray()).map((i) => [i.name as string, i]));
}

beforeAll(async () => {
  conn = harnessConnection("mongodb");
  const a = new MongoAdapter(conn);
  await a.connect();
  server = await a.serverInfo();
  await a.close();
  client = new MongoClient(`mongodb://${conn.host}:${conn.port}/`, {
    ...(conn.admin.user ? { auth: { username: conn.admin.user, password: conn.admin.password }, authSource: conn.options?.authSource ?? "admin" } : {}),
    ...(conn.options?.authMechanism ? { authMechanism: conn.options.authMechanism as never } : {}),
    directConnection: true, serverSelectionTimeoutMS: 10_000,
  });
  await client.connect();
  db = client.db(conn.database);
});
afterAll(async () => {
  await client?.close();
  for (const d of tmpDirs) rmSync(d, { recursive: true, force: true });
});

describe("mongodb init scripts", () => {
  beforeEach(async () => {
    await db.dropDatabase();
  });

  it("creates the shipped collections and indexes, and reports every capability-gated command it skipped", async () => {
    const { report, notes } = await apply();
    expect(report.error).toBeUndefined();
    expect(report.applied.map((a) => a.fileName)).toEqual(FILES);
    expect(await ledger()).toEqual([[1, true], [2, true], [3, true]]);
    const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(["content_drafts", "user_preferences", "logs", MONGO_LEDGER]));

    const drafts = await indexes("content_drafts");
    expect(drafts.get("author_status_updated")?.key).toEqual({ author_id: 1, status: 1, updated_at: -1 });
    expect(drafts.get("article_id")?.key).toEqual({ article_id: 1 });
    const prefs = await indexes("user_preferences");
    expect(prefs.get("user_id_unique")).toMatchObject({ key: { user_id: 1 }, unique: true });
    const logs = await indexes("logs");
    expect(logs.get("level_created")?.key).toEqual({ level: 1, created_at: -1 });
    expect(logs.get("source_created")?.key).toEqual({ source: 1, created_at: -1 });
    expect((await indexes(MONGO_LEDGER)).get("version_unique")).toMatchObject({ key: { version: 1 }, unique: true });

    if (server.engine === "ferretdb") {
      // Every capability-gated command was skipped, and the skip is reported.
      expect(notes.filter((n) => n.includes("skipped: ferretdb")).length).toBe(5);
      expect(notes.some((n) => n.startsWith("003_logs.json: command 3 of 4 (createIndexes logs) skipped") && n.includes("lacks ttlIndex"))).toBe(true);
      // ...and reaches the run report (checkServer).
      expect(report.notes.filter((n) => n.includes("skipped: ferretdb")).length).toBe(5);
      expect(report.notes).toContain(`mongodb: ferretdb ${server.version} lacks documentValidation, textIndex, ttlIndex: script commands marked $requires with them are skipped (not applied) on this server`);
      expect(drafts.has("title_body_text")).toBe(false);
      expect(logs.has("created_at_ttl_90d")).toBe(false);
    } else {
      expect(notes.filter((n) => n.includes("skipped"))).toEqual([]);
    }
  });

  it("enforces the unique index on user_preferences.user_id", async () => {
    expect((await apply()).report.error).toBeUndefined();
    const prefs = db.collection("user_preferences");
    await prefs.insertOne({ user_id: "u-1", settings: { theme: "dark" } });
    await prefs.insertOne({ user_id: "u-2", settings: {} });
    const dup = await prefs.insertOne({ user_id: "u-1", settings: { theme: "light" } }).then(() => null, (e: unknown) => e);
    expect(dup).toBeInstanceOf(MongoServerError);
    expect((dup as MongoServerError).code).toBe(11000);
    expect(await prefs.countDocuments({ user_id: "u-1" })).toBe(1);
  });

  it("MongoDB only: TTL (90 days) and text indexes exist and the validators reject bad documents", async (ctx) => {
    if (server.engine !== "mongodb") ctx.skip(`${server.engine} ${server.version} has no TTL/text indexes and no validators (see the FerretDB test)`);
    expect((await apply()).report.error).toBeUndefined();
    expect((await indexes("logs")).get("created_at_ttl_90d")).toMatchObject({ key: { created_at: 1 }, expireAfterSeconds: 7_776_000 });
    expect((await indexes("content_drafts")).get("title_body_text")?.weights).toEqual({ title: 10, body: 1 });
    await db.collection("content_drafts").insertOne({ author_id: "u1", title: "Postgres tuning", body: "work_mem", status: "draft", updated_at: new Date() });
    expect(await db.collection("content_drafts").countDocuments({ $text: { $search: "postgres" } })).toBe(1);
    await expect(db.collection("logs").insertOne({ level: "loud", message: "x", created_at: new Date() })).rejects.toMatchObject({ code: 121 });
  });

  it("FerretDB really lacks what the capability check skips (so the skip is not hiding an error)", async (ctx) => {
    if (server.engine !== "ferretdb") ctx.skip("only meaningful on FerretDB");
    await db.createCollection("probe");
    const probe = db.collection("probe");
    await expect(probe.createIndex({ created_at: 1 }, { expireAfterSeconds: 60 })).rejects.toMatchObject({ codeName: "NotImplemented" });
    await expect(probe.createIndex({ title: "text" })).rejects.toThrow();
    await expect(db.command({ collMod: "probe", validator: { $jsonSchema: { bsonType: "object" } } })).rejects.toMatchObject({ codeName: "NotImplemented" });
    await expect(db.createCollection("probe2", { validator: { $jsonSchema: { bsonType: "object" } } })).rejects.toMatchObject({ codeName: "NotImplemented" });
  });

  it("rejects a malformed script, naming the file and every problem", async () => {
    const dir = scriptsCopy();
    writeFileSync(join(dir, "004_bad.json"), JSON.stringify({ commands: [{ $requires: ["warpDrive"], create: "x" }, { $db: "admin", drop: "y" }, 7] }));
    const { report } = await apply(dir);
    expect(report.ok).toBe(false);
    expect(report.error).toContain("004_bad.json");
    expect(report.error).toContain('unknown capability "warpDrive"');
    expect(report.error).toContain("commands[1]: unsupported key(s) $db");
    expect(report.error).toContain("commands[2]: expected a command document");
    expect(await db.listCollections({ name: "x" }).toArray()).toEqual([]);
  });

  it("creates the application user in the app database (readWrite on MongoDB; no roles on FerretDB) and updates it", async (ctx) => {
    const { report } = await apply();
    expect(report.error).toBeUndefined();
    const { commands } = await db.command({ listCommands: 1 });
    if (!commands.usersInfo) {
      // FerretDB without authentication: no user management at all, and the runner says so.
      expect(report.notes.some((n) => n.includes("has no user management") && n.includes("no application user was created"))).toBe(true);
      ctx.skip(`${server.engine} ${server.version} runs without authentication: users cannot be created or checked here`);
    }
    const info = await db.command({ usersInfo: { user: conn.app.user, db: conn.database } });
    expect(info.users).toHaveLength(1);
    if (server.engine === "mongodb") {
      expect(info.users[0].roles).toEqual([{ role: "readWrite", db: conn.database }]);
      expect(report.notes).toContain(`mongodb: user ${conn.app.user}@${conn.database} created with role readWrite on ${conn.database} only`);
    } else {
      expect(info.users[0].roles).toEqual([]);
      expect(report.notes.some((n) => n.includes("WITHOUT roles") && n.includes("implements users but not roles"))).toBe(true);
    }
    const again = await apply();
    expect(again.report.notes.some((n) => n.startsWith(`mongodb: user ${conn.app.user}@${conn.database} updated`))).toBe(true);

    // The application logs in to its own database with its own credentials, and follows a rotation.
    const login = async (password: string, fn?: (app: MongoClient) => Promise<unknown>) => {
      const app = new MongoClient(`mongodb://${conn.host}:${conn.port}/`, {
        auth: { username: conn.app.user, password }, authSource: conn.database, directConnection: true, serverSelectionTimeoutMS: 5_000,
      });
      try {
        await app.connect();
        await app.db(conn.database).command({ ping: 1 });
        if (fn) await fn(app);
        return true;
      } catch (err) {
        if (err instanceof MongoServerError && err.code === 18) return false; // AuthenticationFailed
        throw err;
      } finally {
        await app.close();
      }
    };
    // Login and password rotation are contract cases (contract/adapter-contract.ts).
    expect(await login(conn.app.password)).toBe(true);
    if (server.engine === "mongodb") {
      // readWrite on its own database only.
      await expect(login(conn.app.password, (app) => app.db("polystore_other").collection("x").insertOne({ a: 1 }))).rejects.toMatchObject({ code: 13 });
    } else {
      // FerretDB 1.x has authentication but no authorization: the app user is NOT confined to its database.
      expect(await login(conn.app.password, (app) => app.db(`${conn.database}_other`).collection("x").insertOne({ a: 1 }))).toBe(true);
      await client.db(`${conn.database}_other`).dropDatabase();
    }
  });
});

describeAdapterContract(mongodbFixture);
