/**
 * MongoDB adapter (`mongodb` driver; no mongosh, no code execution).
 *
 * Scripts: `NNN_description.json` holding a list of database commands, run in
 * order with `db.command()` against `conn.database` (format: init-scripts/mongodb/README.md):
 *   { "description"?: string, "commands": [ { "create": "logs" }, { "createIndexes": "logs", "indexes": [...] } ] }
 * - `"$requires": ["documentValidation" | "textIndex" | "ttlIndex"]` on a command runs
 *   it only when the server has that capability. Capabilities are decided once per
 *   connection from `buildInfo` (explicit, not by trying and swallowing errors):
 *   MongoDB has all three; FerretDB (buildInfo has `ferretdbVersion`) has none of them
 *   in 1.x — `create`/`collMod` validators, text indexes and `expireAfterSeconds` all
 *   answer NotImplemented there. Skipped commands are reported (checkServer → run notes).
 * - `create` is skipped when the collection already exists (checked with
 *   listCollections), so a script that failed half-way resumes after a fix. Keep
 *   validators in a `collMod` command (idempotent) rather than in `create`.
 * Commands are not transactional: a failure leaves earlier commands applied and a
 * ledger row with success=false; the next apply re-runs the script.
 *
 * Ledger: collection `_polystore_migrations`, unique index on `version`.
 * Lock: document `{ _id: "init", owner, expiresAt }` in `_polystore_lock`; insertOne
 * of a fixed `_id` is atomic; an expired lock is deleted by exact match and retaken.
 * Identity: createUser/updateUser in the app database with role readWrite on that
 * database only. FerretDB 1.x implements users (only with authentication on) but not
 * roles: there the user gets no roles, or, without authentication, is not created; the
 * notes say which.
 */
import { MongoClient, MongoServerError, type Db } from "mongodb";
import type { StoreConnection } from "../../core/types";
import { addressOf, errorText, LockTimeoutError, type StoreAdapter } from "../adapter";
import { SCRIPT_EXTENSIONS } from "../registry";
import type { LedgerEntry, PreparedScript } from "../types";
import { applyAndRecord } from "./recorded";
import { MONGO_CAPABILITIES, parseMongoScript, serverInfoFromBuildInfo, type MongoServerInfo } from "./mongodb-script";

export { MONGO_CAPABILITIES, parseMongoScript, serverInfoFromBuildInfo, type MongoCapability, type MongoServerInfo, type MongoStep } from "./mongodb-script";

export const MONGO_LEDGER = "_polystore_migrations";
export const MONGO_LOCK = "_polystore_lock";
const LOCK_ID = "init";
/** A lock older than this is considered abandoned (crashed runner); renewed on every script. */
const LOCK_TTL_MS = 10 * 60_000;
const DUPLICATE_KEY = 11000;
/** createUser of a user that exists (MongoDB error 51003, UserAlreadyExists). */
const USER_ALREADY_EXISTS = 51003;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class MongoAdapter implements StoreAdapter {
  readonly kind = "mongodb" as const;
  readonly extensions = SCRIPT_EXTENSIONS.mongodb;
  readonly address: string;
  roundTrips = 0;
  /** Commands skipped for a missing capability, collections found existing, identity limits. */
  readonly notes: string[] = [];
  private client?: MongoClient;
  private info?: MongoServerInfo;
  private lockOwner?: string;
  private readonly secrets: string[];

  constructor(private readonly conn: StoreConnection) {
    this.address = addressOf(conn);
    this.secrets = [conn.admin.password, conn.app.password];
    if (!conn.database) throw new Error(`mongodb: database must name the application database`);
  }

  private get db(): Db {
    if (!this.client) throw new Error(`mongodb at ${this.address}: not connected`);
    return this.client.db(this.conn.database);
  }

  /** Counts one request and turns driver errors into messages without secrets. */
  private async rt<T>(what: string, fn: () => Promise<T>): Promise<T> {
    this.roundTrips++;
    try {
      return await fn();
    } catch (err) {
      if (err instanceof MongoServerError) throw err;
      throw new Error(`mongodb at ${this.address}: ${what}: ${errorText(err, this.secrets)}`);
    }
  }

  async connect(): Promise<void> {
    if (this.client) return;
    const o = this.conn.options ?? {};
    const client = new MongoClient(`mongodb://${this.conn.host}:${this.conn.port}/`, {
      ...(this.conn.admin.user ? { auth: { username: this.conn.admin.user, password: this.conn.admin.password }, authSource: o.authSource ?? "admin" } : {}),
      ...(o.authMechanism ? { authMechanism: o.authMechanism as never } : {}),
      tls: this.conn.tls,
      directConnection: o.directConnection !== "false",
      serverSelectionTimeoutMS: 5_000,
      appName: "polystore-init",
      maxPoolSize: 4,
    });
    await this.rt("connect", () => client.connect());
    this.client = client;
  }

  async ping(): Promise<void> {
    await this.rt("ping", () => this.db.command({ ping: 1 }));
  }

  /** buildInfo, once per connection. */
  async serverInfo(): Promise<MongoServerInfo> {
    this.info ??= serverInfoFromBuildInfo(await this.rt("buildInfo", () => this.db.command({ buildInfo: 1 })));
    return this.info;
  }

  async serverVersion(): Promise<string | undefined> {
    const i = await this.serverInfo();
    return `${i.engine} ${i.version}`;
  }

  async close(): Promise<void> {
    const c = this.client;
    this.client = undefined;
    this.info = undefined;
    await c?.close();
  }

  async ensureLedger(): Promise<void> {
    await this.rt("create ledger index", () => this.db.collection(MONGO_LEDGER).createIndex({ version: 1 }, { unique: true, name: "version_unique" }));
  }

  async readLedger(): Promise<LedgerEntry[]> {
    const rows = await this.rt("read ledger", () => this.db.collection(MONGO_LEDGER).find({}, { projection: { _id: 0 } }).sort({ version: 1 }).toArray());
    return rows.map((r) => {
      const e: LedgerEntry = { version: r.version, name: r.name, checksum: r.checksum, appliedAt: r.appliedAt, durationMs: r.durationMs, success: r.success };
      if (typeof r.error === "string") e.error = r.error;
      return e;
    });
  }

  async record(entry: LedgerEntry): Promise<void> {
    await this.rt("write ledger", () => this.db.collection(MONGO_LEDGER).replaceOne({ version: entry.version }, { ...entry }, { upsert: true }));
  }

  async removeEntry(version: number): Promise<void> {
    await this.rt("remove ledger row", () => this.db.collection(MONGO_LEDGER).deleteOne({ version }));
  }

  async acquireLock(owner: string, timeoutMs: number): Promise<void> {
    const locks = this.db.collection<{ _id: string; owner: string; expiresAt: Date }>(MONGO_LOCK);
    const deadline = Date.now() + timeoutMs;
    let holder: string | undefined;
    for (let delay = 100; ; delay = Math.min(delay * 2, 2_000)) {
      try {
        await this.rt("take lock", () => locks.insertOne({ _id: LOCK_ID, owner, expiresAt: new Date(Date.now() + LOCK_TTL_MS) }));
        return void (this.lockOwner = owner);
      } catch (err) {
        if (!(err instanceof MongoServerError && err.code === DUPLICATE_KEY)) throw err;
      }
      const cur = await this.rt("read lock", () => locks.findOne({ _id: LOCK_ID }));
      holder = cur?.owner;
      if (cur && cur.owner === owner) return void (this.lockOwner = owner);
      if (cur && cur.expiresAt.getTime() < Date.now()) {
        // Abandoned: delete exactly what we saw (a concurrent taker makes this match nothing), then retry.
        await this.rt("clear expired lock", () => locks.deleteOne({ _id: LOCK_ID, owner: cur.owner, expiresAt: cur.expiresAt }));
        continue;
      }
      if (!cur) continue;
      if (Date.now() + delay > deadline) throw new LockTimeoutError(this.kind, this.address, timeoutMs, holder);
      await sleep(delay);
    }
  }

  async releaseLock(owner: string): Promise<void> {
    await this.rt("release lock", () => this.db.collection<{ _id: string }>(MONGO_LOCK).deleteOne({ _id: LOCK_ID, owner }));
  }

  async ensureIdentity(): Promise<string[]> {
    const { user, password } = this.conn.app;
    const dbName = this.conn.database;
    if (user === this.conn.admin.user) return [`mongodb: app.user equals admin.user (${user}); no separate application user`];
    const info = await this.serverInfo();
    // Explicit check: FerretDB registers the user-management commands only with --test-enable-new-auth.
    const { commands } = await this.rt("listCommands", () => this.db.command({ listCommands: 1 }));
    const missing = ["usersInfo", "createUser", "updateUser"].filter((c) => !commands?.[c]);
    if (missing.length) {
      return [`mongodb: ${info.engine} ${info.version} at ${this.address} has no user management (${missing.join(", ")} unavailable; FerretDB enables them only with authentication on), so it accepts clients without credentials and no application user was created (on MongoDB: ${user}@${dbName} with role readWrite on ${dbName} only)`];
    }
    const roles = info.roles ? [{ role: "readWrite", db: dbName }] : [];
    const found = await this.rt("usersInfo", () => this.db.command({ usersInfo: { user, db: dbName } }));
    const exists = Array.isArray(found.users) && found.users.length > 0;
    if (exists) await this.rt("updateUser", () => this.db.command({ updateUser: user, pwd: password, roles }));
    else {
      // Another runner may create it between usersInfo and here (a no-op apply runs this without the lock).
      await this.rt("createUser", () => this.db.command({ createUser: user, pwd: password, roles })).catch(async (err: { code?: number }) => {
        if (err?.code !== USER_ALREADY_EXISTS) throw err;
        await this.rt("updateUser", () => this.db.command({ updateUser: user, pwd: password, roles }));
      });
    }
    const what = `mongodb: user ${user}@${dbName} ${exists ? "updated" : "created"}`;
    return info.roles
      ? [`${what} with role readWrite on ${dbName} only`]
      : [`${what} WITHOUT roles: ${info.engine} ${info.version} implements users but not roles/authorization, so it cannot limit ${user} to readWrite on ${dbName}`];
  }

  placeholders(): Record<string, string> {
    return { DATABASE: this.conn.database, APP_USER: this.conn.app.user };
  }

  /** After apply: the commands this run skipped, and what the server lacks (so a re-run says it too). */
  async checkServer(): Promise<string[]> {
    const info = await this.serverInfo();
    const lacking = MONGO_CAPABILITIES.filter((c) => !info.capabilities[c]);
    const summary = lacking.length
      ? [`mongodb: ${info.engine} ${info.version} lacks ${lacking.join(", ")}: script commands marked $requires with them are skipped (not applied) on this server`]
      : [];
    return [...this.notes, ...summary];
  }

  /** Extends our lock while scripts run; throws if another runner took it over. */
  private async renewLock(): Promise<void> {
    const locks = this.db.collection<{ _id: string; owner: string }>(MONGO_LOCK);
    const res = await this.rt("renew lock", () => locks.updateOne({ _id: LOCK_ID, owner: this.lockOwner ?? "" }, { $set: { expiresAt: new Date(Date.now() + LOCK_TTL_MS) } }));
    if (res.matchedCount === 0) throw new Error(`mongodb at ${this.address}: this runner does not hold the init lock (expired and taken over?); not applying`);
  }

  async apply(script: PreparedScript): Promise<LedgerEntry> {
    await this.renewLock();
    return applyAndRecord(script, (e) => this.record(e), this.secrets, async () => {
      const steps = parseMongoScript(script.body);
      const info = await this.serverInfo();
      for (const [i, step] of steps.entries()) {
        const label = `command ${i + 1} of ${steps.length} (${step.name} ${step.target})`;
        const missing = step.requires.filter((c) => !info.capabilities[c]);
        if (missing.length) {
          this.notes.push(`${script.fileName}: ${label} skipped: ${info.engine} ${info.version} lacks ${missing.join(", ")}`);
          continue;
        }
        try {
          if (step.name === "create") {
            const have = await this.rt("listCollections", () => this.db.listCollections({ name: step.target }, { nameOnly: true }).toArray());
            if (have.length > 0) continue;
          }
          await this.rt(label, () => this.db.command(step.command));
        } catch (err) {
          const code = err instanceof MongoServerError ? ` [${err.codeName ?? err.code}]` : "";
          throw new Error(`${label}: ${errorText(err, this.secrets)}${code}`);
        }
      }
    });
  }
}

export const createMongoAdapter = (conn: StoreConnection): StoreAdapter => new MongoAdapter(conn);
