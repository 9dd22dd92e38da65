/**
 * Redis under load as the application user: writes `cache:*` keys well past
 * `maxmemory` (allkeys-lru must evict, never refuse a write), starts an AOF
 * rewrite (BGREWRITEAOF, an operator command: admin) while the writes go on,
 * waits for it to finish, and reads the newest keys back.
 */
import Redis from "ioredis";
import type { StoreConnection } from "../../../components/core/types";
import { loadSeconds, payload, since, type LoadTarget, type WorkloadResult } from "./support";

const VALUE_BYTES = 4096;
const PIPELINE = 200;

function client(conn: StoreConnection, who: "admin" | "app"): Redis {
  const r = new Redis({ host: conn.host, port: conn.port, username: conn[who].user, password: conn[who].password, maxRetriesPerRequest: 0, enableReadyCheck: false, lazyConnect: true });
  r.on("error", () => undefined);
  return r;
}

async function info(r: Redis, section: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const line of (await r.info(section)).split("\r\n")) {
    const i = line.indexOf(":");
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}

/** Value of key `i`: its number then random filler, so a read-back proves the right value came back. */
const valueOf = (i: number, filler: string) => `${i}:${filler}`;

export async function redisLoad(t: LoadTarget): Promise<WorkloadResult> {
  const maxmemory = t.shipped.redis!.maxmemoryMb * 1024 * 1024;
  const app = client(t.conn, "app");
  const admin = client(t.conn, "admin");
  await app.connect();
  await admin.connect();
  try {
    const filler = payload(VALUE_BYTES);
    const target = Math.ceil((1.5 * maxmemory) / VALUE_BYTES); // values worth 1.5 × maxmemory
    const deadline = Date.now() + loadSeconds() * 3 * 1000;
    const t0 = Date.now();
    let written = 0;
    let refused = 0;
    let rewrite: { reply: string; atKey: number; refusals: string[] } | undefined;
    const refusals: string[] = [];
    let nextTry = 0;
    const errors = new Map<string, number>();
    while ((written < target || !rewrite) && Date.now() < deadline) {
      const p = app.pipeline();
      for (let k = 0; k < PIPELINE; k++) p.set(`cache:load:${written + k}`, valueOf(written + k, filler));
      const res = (await p.exec()) ?? [];
      for (const [err] of res) {
        if (!err) continue;
        refused++;
        const m = err.message.split(" ").slice(0, 4).join(" ");
        errors.set(m, (errors.get(m) ?? 0) + 1);
      }
      written += PIPELINE;
      // Once the data set has reached maxmemory: rewrite the AOF while the writes continue. Redis refuses a
      // rewrite while another (its automatic one, auto-aof-rewrite-percentage) runs: try again until one starts.
      if (!rewrite && written * VALUE_BYTES >= maxmemory && Date.now() >= nextTry) {
        try {
          rewrite = { reply: String(await admin.call("BGREWRITEAOF")), atKey: written, refusals };
        } catch (err) {
          refusals.push((err as Error).message);
          nextTry = Date.now() + 500;
        }
      }
    }
    const seconds = since(t0);
    // The rewrite (and any rewrite it was scheduled behind) must finish.
    const waitUntil = Date.now() + 120_000;
    let persistence = await info(admin, "persistence");
    while ((persistence.aof_rewrite_in_progress !== "0" || persistence.aof_rewrite_scheduled !== "0") && Date.now() < waitUntil) {
      await new Promise((r) => setTimeout(r, 250));
      persistence = await info(admin, "persistence");
    }
    const stats = await info(admin, "stats");
    const memory = await info(admin, "memory");
    // The newest keys survive LRU eviction: read the last 1000 back as the app.
    const newest = Array.from({ length: 1000 }, (_, k) => written - 1 - k);
    const values = await app.mget(...newest.map((i) => `cache:load:${i}`));
    const readBackOk = values.filter((v, k) => v === valueOf(newest[k]!, filler)).length;
    return {
      ops: written,
      seconds,
      facts: {
        keysWritten: written,
        bytesWritten: written * VALUE_BYTES,
        maxmemoryBytes: maxmemory,
        refusedWrites: refused,
        errors: Object.fromEntries(errors),
        evictedKeys: Number(stats.evicted_keys),
        dbsize: await app.dbsize(),
        usedMemoryPeak: Number(memory.used_memory_peak),
        usedMemoryRss: Number(memory.used_memory_rss),
        rewrite,
        aofRewriteInProgress: persistence.aof_rewrite_in_progress,
        aofRewriteScheduled: persistence.aof_rewrite_scheduled,
        aofLastBgrewriteStatus: persistence.aof_last_bgrewrite_status,
        aofRewrites: Number(persistence.aof_rewrites ?? NaN),
        aofEnabled: persistence.aof_enabled,
        readBackOk,
        readBackOf: newest.length,
        ping: await app.ping(),
      },
    };
  } finally {
    app.disconnect();
    admin.disconnect();
  }
}
