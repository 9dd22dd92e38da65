/**
 * Elasticsearch under load as the application user: bulk-indexes articles
 * through the `articles` write alias while searching them, for a bounded
 * time, then refreshes, counts and runs a full-text and an autocomplete search.
 */
import { loadSeconds, payload, since, type LoadTarget, type WorkloadResult } from "./support";

const BULK = 250;
const WORDS = ["welding", "torch", "feeder", "cooling", "power", "source", "aluminium", "steel", "pulse", "wire"];

type Send = (method: string, path: string, body?: unknown, ndjson?: boolean) => Promise<{ status: number; body: any }>;

function client(t: LoadTarget, who: "admin" | "app"): Send {
  const { conn } = t;
  const auth = `Basic ${Buffer.from(`${conn[who].user}:${conn[who].password}`).toString("base64")}`;
  return async (method, path, body, ndjson) => {
    const res = await fetch(`http://${conn.host}:${conn.port}${path}`, {
      method,
      headers: { authorization: auth, "content-type": ndjson ? "application/x-ndjson" : "application/json" },
      body: body === undefined ? undefined : ndjson ? (body as string) : JSON.stringify(body),
      signal: AbortSignal.timeout(60_000),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
}

const article = (i: number, body: string) => ({
  id: `a${i}`,
  slug: `article-${i}`,
  title: `${WORDS[i % WORDS.length]} guide ${i}`,
  summary: `summary of article ${i}`,
  body,
  status: "published",
  language: "en",
  category: WORDS[(i * 7) % WORDS.length],
  tags: ["load", WORDS[i % WORDS.length]],
  authors: [{ id: `u${i % 20}`, name: `Author ${i % 20}`, role: "writer" }],
  quality_score: (i % 100) / 100,
  view_count: i,
  published_at: new Date().toISOString(),
  created_at: new Date().toISOString(),
  updated_at: new Date().toISOString(),
});

export async function elasticsearchLoad(t: LoadTarget): Promise<WorkloadResult> {
  const app = client(t, "app");
  const admin = client(t, "admin");
  // The stack's indexPrefix (`articles`): the write alias the init scripts create, as ELASTICSEARCH_INDEX tells the app.
  const alias = String(t.shipped.settings.indexPrefix);
  const text = `${WORDS.join(" ")} ${payload(2048)}`;
  const deadline = Date.now() + loadSeconds() * 1000;
  const t0 = Date.now();
  let indexed = 0;
  let bulkErrors = 0;
  let searches = 0;
  let searching = true;
  const searcher = (async () => {
    while (searching) {
      const r = await app("POST", `/${alias}/_search`, { size: 5, query: { match: { body: WORDS[searches % WORDS.length] } } });
      if (r.status !== 200) throw new Error(`search as the app: HTTP ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
      searches++;
    }
  })();
  try {
    while (Date.now() < deadline) {
      const lines: string[] = [];
      for (let k = 0; k < BULK; k++) lines.push(JSON.stringify({ index: { _id: `a${indexed + k}` } }), JSON.stringify(article(indexed + k, text)));
      const r = await app("POST", `/${alias}/_bulk`, `${lines.join("\n")}\n`, true);
      if (r.status !== 200) throw new Error(`bulk as the app: HTTP ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
      if (r.body.errors) bulkErrors += r.body.items.filter((it: any) => it.index?.error).length;
      indexed += BULK;
    }
  } finally {
    searching = false;
    await searcher;
  }
  // The application's last write waits for a refresh (it may not call _refresh: no admin privilege on the indices).
  const lastWrite = await app("PUT", `/${alias}/_doc/a${indexed}?refresh=wait_for`, article(indexed, text));
  if (lastWrite.status !== 201) throw new Error(`index as the app: HTTP ${lastWrite.status} ${JSON.stringify(lastWrite.body).slice(0, 300)}`);
  indexed++;
  const seconds = since(t0);
  const count = (await app("GET", `/${alias}/_count`)).body.count;
  const fullText = (await app("POST", `/${alias}/_search`, { size: 0, track_total_hits: true, query: { match: { title: "torch" } } })).body.hits.total.value;
  const autocomplete = (await app("POST", `/${alias}/_search`, { size: 1, query: { match: { "title.autocomplete": "weld" } } })).body.hits.total.value;
  const last = await app("GET", `/${alias}/_doc/a${indexed - 1}`).catch(() => ({ status: 0, body: undefined }));
  const stats = (await admin("GET", "/_nodes/stats/jvm,breaker")).body;
  const node: any = Object.values(stats.nodes)[0];
  return {
    ops: indexed + searches,
    seconds,
    facts: {
      indexed,
      searches,
      bulkErrors,
      count,
      expectedTorchTitles: Math.ceil((indexed - WORDS.indexOf("torch")) / WORDS.length),
      fullTextHits: fullText,
      autocompleteHits: autocomplete,
      lastDocFound: last.body?.found === true,
      heapMaxBytes: node.jvm.mem.heap_max_in_bytes,
      heapUsedPeakBytes: node.jvm.mem.pools?.old?.peak_used_in_bytes,
      breakerTrips: Object.values(node.breakers as Record<string, { tripped: number }>).reduce((a, b) => a + b.tripped, 0),
      health: (await admin("GET", "/_cluster/health")).body.status,
    },
  };
}
