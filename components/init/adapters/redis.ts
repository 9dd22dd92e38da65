/**
 * Redis adapter: scripts `.redis` (redis-script.ts), ledger hash
 * `polystore:schema_history` (field = version, value = JSON entry), lock
 * `SET polystore:init:lock <owner> NX PX <ms>` released by a token-checked Lua
 * script. Each script runs in one MULTI/EXEC together with its ledger row; a
 * queue-time error (unknown command, wrong arity) aborts the whole EXEC, but a
 * runtime error does not roll back the other commands, so it is recorded as
 * failed and retried. Under `allkeys-lru` ANY key, the ledger included, can be
 * evicted (the application can force it by filling memory): Redis scripts must
 * be idempotent, and the authoritative record of what was applied is the stack's
 * state (`RunOptions.recorded`); a ledger that lost recorded versions is
 * re-applied with a note (`ledgerMayBeEvicted`).
 *
 * The app identity is an ACL user rebuilt on every run (ACLs are not part of
 * the dataset and vanish on restart unless the server has an aclfile).
 * Placeholders: `${APP_USER}`.
 */
import Redis from "ioredis";
import type { StoreConnection } from "../../core/types";
import { DEFAULT_REDIS_SERVER_SETTINGS } from "../../stores/redis/schema";
import { parseRedisServerSettings, redisConfigValues } from "../../stores/redis/settings";
import { addressOf, checkIdentifier, errorText, LockTimeoutError, ScriptFailedError, type StoreAdapter } from "../adapter";
import { SCRIPT_EXTENSIONS } from "../registry";
import type { LedgerEntry } from "../types";
import { parseRedisScript } from "./redis-script";

const LEDGER = "polystore:schema_history";
const LOCK = "polystore:init:lock";
const RELEASE_LUA = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

// The application user's rules live with the server settings: the Docker/Kubernetes spec
// creates the same user at startup, so it survives restarts.
export { APP_KEY_PATTERNS, appAclRules } from "../../stores/redis/settings";
import { APP_KEY_PATTERNS, appAclRules } from "../../stores/redis/settings";

export function createRedisAdapter(conn: StoreConnection): StoreAdapter {
  const appUser = checkIdentifier("redis", "app.user", conn.app.user);
  const dbIndex = /^\d+$/.test(conn.database) ? Number(conn.database) : 0;
  const secrets = [conn.admin.password, conn.app.password];
  let client: Redis | undefined;

  const adapter: StoreAdapter = {
    kind: "redis",
    extensions: SCRIPT_EXTENSIONS.redis,
    address: addressOf(conn),
    roundTrips: 0,
    ledgerMayBeEvicted: true,

    async connect() {
      if (client) return;
      const c = new Redis({
        host: conn.host,
        port: conn.port,
        username: conn.admin.user,
        password: conn.admin.password,
        db: dbIndex,
        tls: conn.tls ? {} : undefined,
        lazyConnect: true,
        connectTimeout: 5000,
        maxRetriesPerRequest: 0,
        enableOfflineQueue: false,
        retryStrategy: () => null,
      });
      // Surfaced by the failing call; connect() itself only says "Connection is closed." when AUTH is
      // refused, so the refusal (WRONGPASS/NOAUTH) is taken from the error event: the runner stops at once on it.
      let refused: unknown;
      c.on("error", (err: Error) => void (/WRONGPASS|NOAUTH|NOPERM/.test(err.message) && (refused = err)));
      try {
        await c.connect();
      } catch (err) {
        c.disconnect();
        throw new Error(errorText(refused ?? err, secrets));
      }
      client = c;
    },
    async ping() {
      await call("PING");
    },
    async serverVersion() {
      const info = String(await call("INFO", "server"));
      return /redis_version:(\S+)/.exec(info)?.[1];
    },
    async close() {
      const c = client;
      client = undefined;
      if (c) await c.quit().catch(() => c.disconnect());
    },

    async ensureLedger() {
      // A hash needs no creation; nothing to do (kept for the contract).
    },
    async readLedger() {
      const all = (await call("HGETALL", LEDGER)) as string[];
      const out: LedgerEntry[] = [];
      for (let i = 0; i < all.length; i += 2) out.push(JSON.parse(all[i + 1]!) as LedgerEntry);
      return out.sort((a, b) => a.version - b.version);
    },
    async record(entry) {
      await call("HSET", LEDGER, String(entry.version), JSON.stringify(entry));
    },
    async removeEntry(version) {
      await call("HDEL", LEDGER, String(version));
    },

    async acquireLock(owner, timeoutMs) {
      const leaseMs = Number(conn.options?.lockLeaseMs ?? 15 * 60_000);
      const deadline = Date.now() + timeoutMs;
      for (let delay = 50; ; delay = Math.min(delay * 2, 1000)) {
        if ((await call("SET", LOCK, owner, "NX", "PX", String(leaseMs))) === "OK") return;
        if (Date.now() >= deadline) throw new LockTimeoutError("redis", adapter.address, timeoutMs, (await call("GET", LOCK)) as string | undefined);
        await sleep(Math.min(delay, Math.max(0, deadline - Date.now())));
      }
    },
    async releaseLock(owner) {
      if (client) await call("EVAL", RELEASE_LUA, "1", LOCK, owner).catch(() => undefined);
    },

    async ensureIdentity() {
      if (conn.options?.manageAppUser === "false") {
        return [`ACL user not managed (options.manageAppUser = "false": the app identity is provided from outside, e.g. ElastiCache/MemoryDB users managed by the cloud API)`];
      }
      if (appUser === conn.admin.user) throw new Error(`redis: app.user must differ from admin.user (both are ${appUser})`);
      const allowScripts = conn.options?.allowAppScripts === "true";
      await call("ACL", "SETUSER", appUser, "reset", "on", `>${conn.app.password}`, ...appAclRules({ database: dbIndex, allowScripts }));
      const notes = [
        `ensured ACL user ${appUser}: keys and channels ${APP_KEY_PATTERNS.join(" ")}, database ${dbIndex} only, no admin/dangerous commands, ` +
          `no key listing (SCAN/RANDOMKEY/KEYS), no CLIENT TRACKING or PUBSUB listing, ${allowScripts ? "EVAL/EVALSHA allowed (options.allowAppScripts)" : "no scripting (EVAL/FUNCTION)"}`,
      ];
      try {
        await call("ACL", "SAVE");
        notes.push("ACL saved to the server's aclfile");
      } catch {
        notes.push("server has no aclfile: the ACL user lives in memory until restart and is recreated by the next apply");
      }
      return notes;
    },
    placeholders: () => ({ APP_USER: appUser }),

    async apply(script) {
      const started = Date.now();
      const commands = (() => {
        try {
          return parseRedisScript(script.body, script.fileName);
        } catch (err) {
          throw new ScriptFailedError(script.fileName, errorText(err), true);
        }
      })();
      const entry: LedgerEntry = { version: script.version, name: script.name, checksum: script.checksum, appliedAt: new Date().toISOString(), durationMs: 0, success: true };
      const tx = client!.multi();
      for (const c of commands) tx.call(c.name, ...c.args);
      tx.hset(LEDGER, String(entry.version), JSON.stringify(entry));
      adapter.roundTrips++;
      let results: Array<[Error | null, unknown]> | null;
      try {
        results = await tx.exec();
      } catch (err) {
        // EXECABORT: nothing ran, nothing recorded.
        throw new ScriptFailedError(script.fileName, errorText(err, secrets), true);
      }
      const failed = (results ?? []).findIndex(([err]) => err);
      entry.durationMs = Date.now() - started;
      if (failed >= 0) {
        const where = failed < commands.length ? `line ${commands[failed]!.line} (${commands[failed]!.name})` : "ledger write";
        entry.success = false;
        entry.error = `${where}: ${errorText(results![failed]![0], secrets)}`;
        await adapter.record(entry);
        throw new ScriptFailedError(script.fileName, `${entry.error}; the other commands of the script stayed applied`, false);
      }
      await adapter.record(entry); // store the measured duration
      return entry;
    },

    async checkServer() {
      if (conn.options?.configCheck === "off") {
        return ["configuration check skipped (options.configCheck = \"off\"; CONFIG is unavailable on managed services such as ElastiCache/MemoryDB)"];
      }
      const want = expectedConfig(conn);
      const got = (await call("CONFIG", "GET", "maxmemory", "maxmemory-policy", "appendonly", "appendfsync")) as string[];
      const have = new Map<string, string>();
      for (let i = 0; i < got.length; i += 2) have.set(got[i]!, got[i + 1]!);
      const wrong = Object.entries(want)
        .filter(([k, v]) => have.get(k) !== v)
        .map(([k, v]) => `${k} is ${JSON.stringify(have.get(k) ?? "(unset)")}, expected ${JSON.stringify(v)}`);
      if (wrong.length) throw new Error(`redis at ${adapter.address}: server configuration differs from the stack: ${wrong.join("; ")}`);
      return [`config in force: ${Object.entries(want).map(([k, v]) => `${k}=${v}`).join(", ")}`];
    },
  };

  async function call(command: string, ...args: string[]): Promise<unknown> {
    if (!client) throw new Error(`redis at ${adapter.address}: not connected`);
    adapter.roundTrips++;
    try {
      return await client.call(command, ...args);
    } catch (err) {
      throw new Error(errorText(err, secrets));
    }
  }

  return adapter;
}

/**
 * The CONFIG GET values the stack configured: from the connection's typed `server` settings
 * (`RedisServerSettings`, as `components/stores/redis` builds them from config), else the
 * defaults (a connection written by hand or by the test harness).
 */
export function expectedConfig(conn: StoreConnection): Record<string, string> {
  if (conn.server !== undefined && parseRedisServerSettings(conn.server) === undefined) {
    throw new Error(`redis: the connection's server settings are not Redis server settings (expected maxmemoryMb, maxmemoryPolicy, appendonly, appendfsync, timeoutSeconds), got ${JSON.stringify(conn.server)}`);
  }
  return redisConfigValues(parseRedisServerSettings(conn.server) ?? DEFAULT_REDIS_SERVER_SETTINGS);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
