/**
 * Redis: two parts per backup.
 * - `dump.rdb`: the server's own RDB, streamed by `redis-cli --rdb` (password in
 *   REDISCLI_AUTH, never argv). For a cold restore: stop the server, put it in
 *   place as `dir/dbfilename`, start it. Skipped, with a note in the method,
 *   where the server refuses SYNC (managed services).
 * - `keys.jsonl`: every key of every database as DUMP payload + remaining PTTL,
 *   one JSON line per key. This is what an online restore replays (RESTORE …
 *   REPLACE), because a running server cannot load an RDB. Counts come from it.
 * Restore keeps a DUMP copy of whatever the server holds, FLUSHALLs, replays,
 * and on any failure FLUSHALLs again and replays the copy (the old data comes back).
 * TTLs are relative: a key restores with the time it had left at backup time.
 */
import { createReadStream, createWriteStream, existsSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import Redis from "ioredis";
import type { StoreConnection } from "../core/types";
import { addressOf, errorText } from "../init/adapter";
import { runTool } from "./tools";
import { StoreNotUpError, type BackupDriver, type Counts } from "./types";

const RDB = "dump.rdb";
const KEYS = "keys.jsonl";
const LEDGER = "polystore:schema_history";

interface KeyLine {
  db: number;
  key: string;
  ttl: number;
  payload: string;
}

export function createRedisBackup(conn: StoreConnection): BackupDriver {
  const secrets = [conn.admin.password];
  const dbIndex = Number(conn.database || 0);
  let client: Redis | undefined;

  async function redis(): Promise<Redis> {
    if (client) return client;
    const c = new Redis({
      host: conn.host, port: conn.port, username: conn.admin.user, password: conn.admin.password,
      tls: conn.tls ? {} : undefined, lazyConnect: true, connectTimeout: 5000, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null,
    });
    c.on("error", () => undefined);
    try {
      await c.connect();
    } catch (err) {
      c.disconnect();
      throw new Error(errorText(err, secrets));
    }
    return (client = c);
  }

  async function keyspace(): Promise<Counts> {
    const info = String(await (await redis()).info("keyspace"));
    const out: Counts = {};
    for (const m of info.matchAll(/^db(\d+):keys=(\d+)/gm)) out[`db${m[1]}`] = Number(m[2]);
    return out;
  }

  /** Streams DUMP lines of every key to `file`; returns keys per database. */
  async function dumpKeys(file: string): Promise<Counts> {
    const c = await redis();
    const out = createWriteStream(file, { mode: 0o600 });
    const counts: Counts = {};
    try {
      for (const db of Object.keys(await keyspace()).map((d) => Number(d.slice(2)))) {
        await c.select(db);
        let cursor = "0";
        do {
          const [next, keys] = await c.scanBuffer(cursor, "COUNT", 1000);
          cursor = String(next);
          for (const key of keys) {
            const [payload, ttl] = await Promise.all([c.dumpBuffer(key), c.pttl(key)]);
            if (!payload || ttl === -2) continue; // expired between SCAN and DUMP
            const line: KeyLine = { db, key: key.toString("base64"), ttl: ttl < 0 ? 0 : ttl, payload: payload.toString("base64") };
            if (!out.write(`${JSON.stringify(line)}\n`)) await new Promise<void>((r) => out.once("drain", () => r()));
            counts[`db${db}`] = (counts[`db${db}`] ?? 0) + 1;
          }
        } while (cursor !== "0");
      }
    } finally {
      await c.select(dbIndex);
      await new Promise<void>((r) => out.end(() => r()));
    }
    return counts;
  }

  async function replay(file: string): Promise<void> {
    const c = await redis();
    let current = -1;
    const rl = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
    let n = 0;
    for await (const text of rl) {
      n++;
      if (!text.trim()) continue;
      let line: KeyLine;
      try {
        line = JSON.parse(text) as KeyLine;
      } catch {
        throw new Error(`redis: ${KEYS} line ${n} is not valid JSON`);
      }
      if (line.db !== current) await c.select((current = line.db));
      await c.restore(Buffer.from(line.key, "base64"), line.ttl, Buffer.from(line.payload, "base64"), "REPLACE");
    }
    await c.select(dbIndex);
  }

  const driver: BackupDriver = {
    kind: "redis",
    address: addressOf(conn),
    async ping() {
      try {
        await (await redis()).ping();
      } catch (err) {
        throw new StoreNotUpError("redis", driver.address, errorText(err, secrets));
      }
    },
    async dump(dir, log) {
      const version = /redis_version:(\S+)/.exec(String(await (await redis()).info("server")))?.[1] ?? "unknown";
      const files = [KEYS];
      let rdbNote = "";
      try {
        const args = ["-h", conn.host, "-p", String(conn.port), "--user", conn.admin.user, "--no-auth-warning", ...(conn.tls ? ["--tls"] : []), "--rdb", join(dir, RDB)];
        await runTool("redis-cli", args, { env: { REDISCLI_AUTH: conn.admin.password }, secrets });
        files.unshift(RDB);
      } catch (err) {
        rdbNote = `; no RDB part (${errorText(err, secrets)})`;
        log(`redis: RDB not taken: ${errorText(err, secrets)}`);
      }
      const counts = await dumpKeys(join(dir, KEYS));
      return {
        engineVersion: `Redis ${version}`,
        method: `redis-cli --rdb (cold restore) + DUMP/PTTL of every key (online restore; counts are this part's)${rdbNote}`,
        restoreMethod: "copy of the current keys kept (DUMP), FLUSHALL, RESTORE … REPLACE of every key; on failure FLUSHALL and the copy is replayed",
        files,
        counts: { "keys per database": counts },
      };
    },
    async restore(dir, _manifest, id, log) {
      const saved = join(dir, `pre-restore-${id}.jsonl`);
      await dumpKeys(saved);
      const c = await redis();
      try {
        await c.flushall();
        log("redis: replaying keys");
        await replay(join(dir, KEYS));
      } catch (err) {
        log(`redis: restore failed (${errorText(err, secrets)}); putting the previous keys back`);
        await c.flushall();
        if (existsSync(saved)) await replay(saved);
        throw err;
      }
    },
    async counts() {
      return { "keys per database": await keyspace() };
    },
    async ledger() {
      const c = await redis();
      await c.select(dbIndex);
      const all = await c.hgetall(LEDGER);
      return Object.values(all)
        .map((v) => JSON.parse(v) as { version: number; success: boolean })
        .filter((e) => e.success)
        .map((e) => e.version)
        .sort((a, b) => a - b);
    },
    async isEmpty() {
      const c = await redis();
      for (const db of Object.keys(await keyspace()).map((d) => Number(d.slice(2)))) {
        await c.select(db);
        let cursor = "0";
        do {
          const [next, keys] = await c.scan(cursor, "COUNT", 1000);
          cursor = next;
          if (keys.some((k) => !k.startsWith("polystore:"))) {
            await c.select(dbIndex);
            return false;
          }
        } while (cursor !== "0");
      }
      await c.select(dbIndex);
      return true;
    },
    async wipe() {
      await (await redis()).flushall();
    },
    async close() {
      const c = client;
      client = undefined;
      if (c) await c.quit().catch(() => c.disconnect());
    },
  };
  return driver;
}
