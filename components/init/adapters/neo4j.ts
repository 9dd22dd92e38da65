/**
 * Neo4j adapter (`neo4j-driver`, Bolt).
 *
 * Scripts: `NNN_description.cypher`, several statements separated by `;`
 * (outside quotes and `//` or block comments; see statements.ts). Neo4j does not
 * let schema commands share a transaction with writes, so EACH statement runs in
 * its own auto-commit transaction: a script is not atomic. When statement k fails,
 * statements 1..k-1 stay applied and the ledger row says success=false; the
 * next apply re-runs the whole script, so scripts must be re-runnable (use
 * `IF NOT EXISTS` on schema commands, MERGE for data).
 *
 * Ledger: `(:__PolystoreMigration {version, name, checksum, appliedAt, durationMs, success, error})`
 * with a uniqueness constraint on `version`. Lock: one `(:__PolystoreLock {id:'lock', owner, expiresAt})`
 * under a uniqueness constraint on `id`, taken with MERGE (atomic under the constraint).
 *
 * Identity: the app user is created/updated with Cypher user management on the
 * `system` database. Community Edition has users but no roles (every user has
 * full rights); Enterprise/Aura with RBAC also get `GRANT ROLE <options.appRole ?? "editor">`.
 */
import neo4j, { type Driver, type Session } from "neo4j-driver";
import type { StoreConnection } from "../../core/types";
import { addressOf, errorText, LockTimeoutError, type StoreAdapter } from "../adapter";
import { SCRIPT_EXTENSIONS } from "../registry";
import { splitStatements } from "../statements";
import type { LedgerEntry, PreparedScript } from "../types";
import { applyAndRecord } from "./recorded";

const LEDGER_LABEL = "__PolystoreMigration";
const LOCK_LABEL = "__PolystoreLock";
const LEDGER_CONSTRAINT = "polystore_migration_version";
const LOCK_CONSTRAINT = "polystore_lock_id";
/** A lock older than this is considered abandoned (crashed runner); renewed on every script. */
const LOCK_TTL_MS = 10 * 60_000;
const TRANSIENT_ATTEMPTS = 6;
const SCHEMA_RACE = /EquivalentSchemaRuleAlreadyExists|ConstraintAlreadyExists|IndexAlreadyExists/;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class Neo4jAdapter implements StoreAdapter {
  readonly kind = "neo4j" as const;
  readonly extensions = SCRIPT_EXTENSIONS.neo4j;
  readonly address: string;
  roundTrips = 0;
  private driver?: Driver;
  private constraintsReady = false;
  private lockOwner?: string;
  private readonly database: string;
  private readonly secrets: string[];

  constructor(private readonly conn: StoreConnection) {
    this.address = addressOf(conn);
    this.database = conn.database || "neo4j";
    this.secrets = [conn.admin.password, conn.app.password];
  }

  /** `bolt://` for plain connections, `neo4j+s://` (routing, TLS) for Aura-style TLS; `options.scheme` overrides. */
  uri(): string {
    const scheme = this.conn.options?.scheme ?? (this.conn.tls ? "neo4j+s" : "bolt");
    return `${scheme}://${this.conn.host}:${this.conn.port}`;
  }

  async connect(): Promise<void> {
    this.driver ??= neo4j.driver(this.uri(), neo4j.auth.basic(this.conn.admin.user, this.conn.admin.password), {
      disableLosslessIntegers: true,
      maxConnectionPoolSize: 4,
      connectionTimeout: 5_000,
      userAgent: "polystore-init",
    });
  }

  /**
   * Runs one statement in its own auto-commit transaction; returns plain records.
   * Transient errors (e.g. DeadlockDetected between concurrent runners creating
   * schema or the lock node) roll the transaction back, so it is retried a few times.
   */
  private async run(cypher: string, params: Record<string, unknown> = {}, database = this.database): Promise<Record<string, unknown>[]> {
    if (!this.driver) throw new Error(`neo4j at ${this.address}: not connected`);
    for (let attempt = 1; ; attempt++) {
      const session: Session = this.driver.session({ database, defaultAccessMode: neo4j.session.WRITE });
      this.roundTrips++;
      try {
        const res = await session.run(cypher, params);
        return res.records.map((r) => r.toObject());
      } catch (err) {
        const code = String((err as { code?: unknown })?.code ?? "");
        if (!code.startsWith("Neo.TransientError.") || attempt >= TRANSIENT_ATTEMPTS) throw new Error(neo4jErrorText(err, this.secrets));
      } finally {
        await session.close();
      }
      await sleep(50 * 2 ** attempt + Math.floor(Math.random() * 50));
    }
  }

  async ping(): Promise<void> {
    await this.run("RETURN 1 AS ok");
  }

  async serverVersion(): Promise<string | undefined> {
    const rows = await this.run("CALL dbms.components() YIELD name, versions, edition RETURN name, versions[0] AS version, edition");
    const r = rows[0];
    return r ? `${r.name} ${r.version} ${r.edition}` : undefined;
  }

  async close(): Promise<void> {
    const d = this.driver;
    this.driver = undefined;
    this.constraintsReady = false;
    await d?.close();
  }

  /** Ledger and lock constraints; the lock needs its constraint before the first MERGE, so acquireLock calls this too. */
  async ensureLedger(): Promise<void> {
    if (this.constraintsReady) return;
    const have = await this.run("SHOW CONSTRAINTS YIELD name WHERE name IN $names RETURN name", { names: [LEDGER_CONSTRAINT, LOCK_CONSTRAINT] });
    const names = new Set(have.map((r) => r.name));
    const wanted: Array<[string, string]> = [
      [LEDGER_CONSTRAINT, `CREATE CONSTRAINT ${LEDGER_CONSTRAINT} IF NOT EXISTS FOR (m:${LEDGER_LABEL}) REQUIRE m.version IS UNIQUE`],
      [LOCK_CONSTRAINT, `CREATE CONSTRAINT ${LOCK_CONSTRAINT} IF NOT EXISTS FOR (l:${LOCK_LABEL}) REQUIRE l.id IS UNIQUE`],
    ];
    for (const [name, ddl] of wanted) {
      if (names.has(name)) continue;
      try {
        await this.run(ddl);
      } catch (err) {
        // Several runners starting together: IF NOT EXISTS can still lose the race.
        if (!SCHEMA_RACE.test(String((err as Error).message))) throw err;
      }
    }
    this.constraintsReady = true;
  }

  async readLedger(): Promise<LedgerEntry[]> {
    const rows = await this.run(
      `MATCH (m:${LEDGER_LABEL}) RETURN m.version AS version, m.name AS name, m.checksum AS checksum,
         m.appliedAt AS appliedAt, m.durationMs AS durationMs, m.success AS success, m.error AS error ORDER BY m.version`,
    );
    return rows.map((r) => {
      const e: LedgerEntry = {
        version: Number(r.version), name: String(r.name), checksum: String(r.checksum), appliedAt: String(r.appliedAt),
        durationMs: Number(r.durationMs), success: r.success === true,
      };
      if (typeof r.error === "string") e.error = r.error;
      return e;
    });
  }

  async record(entry: LedgerEntry): Promise<void> {
    await this.run(
      `MERGE (m:${LEDGER_LABEL} {version: $version})
       SET m.name = $name, m.checksum = $checksum, m.appliedAt = $appliedAt, m.durationMs = $durationMs,
           m.success = $success, m.error = $error`,
      { ...entry, version: neo4j.int(entry.version), durationMs: neo4j.int(Math.round(entry.durationMs)), error: entry.error ?? null },
    );
  }

  async removeEntry(version: number): Promise<void> {
    await this.run(`MATCH (m:${LEDGER_LABEL} {version: $version}) DELETE m`, { version: neo4j.int(version) });
  }

  async acquireLock(owner: string, timeoutMs: number): Promise<void> {
    await this.ensureLedger();
    const deadline = Date.now() + timeoutMs;
    let holder: string | undefined;
    for (let delay = 100; ; delay = Math.min(delay * 2, 2_000)) {
      const now = Date.now();
      // MERGE under the uniqueness constraint: exactly one runner creates the node. ON MATCH SET
      // takes the node's write lock before owner/expiry are read, so taking over an expired lock
      // is decided by one runner at a time.
      const rows = await this.run(
        `MERGE (l:${LOCK_LABEL} {id: 'lock'})
         ON CREATE SET l.owner = $owner, l.expiresAt = $expiresAt
         ON MATCH SET l.checkedAt = $now
         WITH l
         FOREACH (_ IN CASE WHEN l.owner <> $owner AND l.expiresAt < $now THEN [1] ELSE [] END |
           SET l.owner = $owner, l.expiresAt = $expiresAt)
         RETURN l.owner AS owner`,
        { owner, now: neo4j.int(now), expiresAt: neo4j.int(now + LOCK_TTL_MS) },
      );
      holder = rows[0]?.owner as string | undefined;
      if (holder === owner) return void (this.lockOwner = owner);
      if (Date.now() + delay > deadline) throw new LockTimeoutError(this.kind, this.address, timeoutMs, holder);
      await sleep(delay);
    }
  }

  async releaseLock(owner: string): Promise<void> {
    await this.run(`MATCH (l:${LOCK_LABEL} {id: 'lock'}) WHERE l.owner = $owner DELETE l`, { owner });
  }

  /** Pushes our lock's expiry forward while scripts run; throws if another runner took it over. */
  private async renewLock(): Promise<void> {
    const rows = await this.run(`MATCH (l:${LOCK_LABEL} {id: 'lock'}) WHERE l.owner = $owner SET l.expiresAt = $expiresAt RETURN l.owner AS owner`,
      { owner: this.lockOwner ?? null, expiresAt: neo4j.int(Date.now() + LOCK_TTL_MS) });
    if (rows.length === 0) throw new Error(`neo4j at ${this.address}: this runner does not hold the init lock (expired and taken over?); not applying`);
  }

  async ensureIdentity(): Promise<string[]> {
    const { user, password } = this.conn.app;
    if (user === this.conn.admin.user) return [`neo4j: app.user equals admin.user (${user}); no separate application user`];
    const notes: string[] = [];
    const existing = await this.run("SHOW USERS YIELD user WHERE user = $user RETURN user", { user }, "system");
    if (existing.length === 0) {
      await this.run("CREATE USER $user IF NOT EXISTS SET PASSWORD $password CHANGE NOT REQUIRED", { user, password }, "system");
      notes.push(`neo4j: user ${user} created`);
    } else {
      this.roundTrips++;
      const works = await this.driver!.verifyAuthentication({ auth: neo4j.auth.basic(user, password), database: this.database });
      if (!works) {
        await this.run("ALTER USER $user SET PASSWORD $password CHANGE NOT REQUIRED", { user, password }, "system");
        notes.push(`neo4j: password of ${user} updated`);
      }
    }
    const edition = String((await this.run("CALL dbms.components() YIELD edition RETURN edition"))[0]?.edition ?? "unknown");
    if (edition === "enterprise") {
      const role = this.conn.options?.appRole ?? "editor";
      await this.run("GRANT ROLE $role TO $user", { role, user }, "system");
      notes.push(`neo4j (enterprise): role ${role} granted to ${user}`);
    } else {
      notes.push(`neo4j (${edition}): no role-based access control in this edition, so ${user} has the same rights as the admin; on Enterprise/Aura with RBAC it gets role ${this.conn.options?.appRole ?? "editor"}`);
    }
    return notes;
  }

  placeholders(): Record<string, string> {
    return { DATABASE: this.database, APP_USER: this.conn.app.user };
  }

  async apply(script: PreparedScript): Promise<LedgerEntry> {
    await this.renewLock();
    return applyAndRecord(script, (e) => this.record(e), this.secrets, async () => {
      const statements = splitStatements(script.body, ["//"]);
      if (statements.length === 0) throw new Error("no Cypher statement found");
      for (const [i, st] of statements.entries()) {
        try {
          await this.run(st.text);
        } catch (err) {
          throw new Error(`statement ${i + 1} of ${statements.length} (line ${st.line}): ${errorText(err, this.secrets)}`);
        }
      }
    });
  }
}

/** `Neo.ClientError.X: message` (first line, secrets masked). */
function neo4jErrorText(err: unknown, secrets: string[]): string {
  const code = (err as { code?: unknown })?.code;
  const text = errorText(err, secrets);
  return typeof code === "string" && code.startsWith("Neo.") ? `${code}: ${text}` : text;
}

export const createNeo4jAdapter = (conn: StoreConnection): StoreAdapter => new Neo4jAdapter(conn);
