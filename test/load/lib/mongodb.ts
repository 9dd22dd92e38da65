/**
 * MongoDB (FerretDB on this machine) under load as the application user:
 * batches of documents into the three seeded collections (content_drafts,
 * user_preferences, logs) for a bounded time, then counts and spot checks.
 */
import { MongoClient, type Document } from "mongodb";
import { loadSeconds, payload, since, type LoadTarget, type WorkloadResult } from "./support";

const BATCH = 200;
/** The seeds' pool size for MongoDB (seed 001: `maxPoolSize: 10`). */
const POOL = 10;
/**
 * The most documents one run writes per collection: bounded in count as well as in time, so a faster machine
 * does not write a larger data set. FerretDB keeps its data in SQLite, and under cgroup v1 the dirty page
 * cache of those writes is charged to the limit until written back; 30,000 per collection (90,000 documents
 * of ~1 KB) is what a 2-core machine shared with other jobs wrote in the 25 s the suite allows.
 */
const MAX_PER_COLLECTION = 30_000;

const DOCS: Record<string, (i: number, body: string) => Document> = {
  content_drafts: (i, body) => ({ _id: `d${i}`, author_id: `a${i % 50}`, title: `Draft ${i}`, body, status: "draft", tags: ["load"], created_at: new Date(), updated_at: new Date() }),
  user_preferences: (i) => ({ _id: `p${i}`, user_id: `u${i}`, settings: { theme: i % 2 ? "dark" : "light", n: i }, locale: "en", updated_at: new Date() }),
  logs: (i, body) => ({ _id: `l${i}`, level: "info", message: `request ${i}`, source: "load", context: { body: body.slice(0, 256) }, created_at: new Date() }),
};

export async function mongodbLoad(t: LoadTarget): Promise<WorkloadResult> {
  const { conn } = t;
  const client = new MongoClient(`mongodb://${conn.host}:${conn.port}/`, {
    auth: { username: conn.app.user, password: conn.app.password },
    authSource: conn.database,
    authMechanism: (conn.options?.authMechanism as "SCRAM-SHA-256" | undefined) ?? "SCRAM-SHA-256",
    directConnection: true,
    maxPoolSize: POOL,
  });
  await client.connect();
  try {
    const db = client.db(conn.database);
    const body = payload(1024);
    const written: Record<string, number> = Object.fromEntries(Object.keys(DOCS).map((c) => [c, 0]));
    const deadline = Date.now() + loadSeconds() * 1000;
    const t0 = Date.now();
    // One writer per collection, concurrently, as an application's request handlers would.
    await Promise.all(
      Object.entries(DOCS).map(async ([name, make]) => {
        while (Date.now() < deadline && written[name]! < MAX_PER_COLLECTION) {
          const from = written[name]!;
          const docs = Array.from({ length: BATCH }, (_, k) => make(from + k, body));
          await db.collection(name).insertMany(docs, { ordered: true });
          written[name] = from + BATCH;
        }
      }),
    );
    const seconds = since(t0);
    const counted: Record<string, number> = {};
    for (const name of Object.keys(DOCS)) counted[name] = await db.collection(name).countDocuments({});
    const lastDraft = await db.collection("content_drafts").findOne({ _id: `d${written.content_drafts! - 1}` as unknown as Document["_id"] });
    return {
      ops: Object.values(written).reduce((a, b) => a + b, 0),
      seconds,
      facts: {
        written,
        counted,
        lastDraftBodyOk: lastDraft?.body === body,
        ping: (await db.command({ ping: 1 })).ok,
        wiredTigerCacheGb: t.shipped.wiredTigerCacheGb,
      },
    };
  } finally {
    await client.close();
  }
}
