/**
 * Elasticsearch / OpenSearch adapter.
 *
 * Scripts: `NNN_description.json`, each describing ONE API call:
 *   `{ "description"?: string, "method": "PUT", "path": "/_index_template/articles", "body"?: {...} }`
 * A call answered with a non-2xx status fails the script (nothing is ignored).
 *
 * Ledger: hidden index `polystore-migrations` (doc id = version). Not dot-prefixed:
 * Elasticsearch 8 deprecates creating non-system dot-prefixed indices and
 * serverless/managed offerings refuse them; `index.hidden` keeps it out of
 * wildcard searches instead. Lock: doc `init` in hidden index `polystore-locks`,
 * created with `op_type=create` (`_create`), which the engine makes atomic.
 *
 * Identity: a role limited to the app's index patterns plus a user, through
 * `_security` (Elasticsearch) or `_plugins/_security` (OpenSearch), but only when
 * the server has security enabled; otherwise a note says it has none.
 */
import type { StoreConnection } from "../../core/types";
import { addressOf, errorText, LockTimeoutError, type StoreAdapter } from "../adapter";
import { SCRIPT_EXTENSIONS } from "../registry";
import type { LedgerEntry, PreparedScript } from "../types";
import { applyAndRecord } from "./recorded";
import { createSearchHttp, flavorOf, parseSearchScript, SearchHttpError, type SearchHttp, type SearchRequest, type SearchResponse } from "./search-http";

export const ES_LEDGER_INDEX = "polystore-migrations";
export const ES_LOCK_INDEX = "polystore-locks";
const LOCK_ID = "init";
/** Indices (and alias) the application uses, from init-scripts/elasticsearch (seed 001): the `articles` alias and its `articles-NNNNNN` indices. */
export const APP_INDEX_PATTERNS = ["articles", "articles-*"] as const;
/** A lock older than this is considered abandoned (crashed runner); renewed on every script. */
const LOCK_TTL_MS = 10 * 60_000;

const HIDDEN = { "index.hidden": true, number_of_shards: 1, auto_expand_replicas: "0-1" };
const LEDGER_MAPPING = {
  dynamic: "strict",
  properties: {
    version: { type: "integer" }, name: { type: "keyword" }, checksum: { type: "keyword" },
    appliedAt: { type: "date" }, durationMs: { type: "long" }, success: { type: "boolean" },
    error: { type: "text", index: false },
  },
};
const LOCK_MAPPING = { dynamic: "strict", properties: { owner: { type: "keyword" }, expiresAt: { type: "long" } } };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class ElasticsearchAdapter implements StoreAdapter {
  readonly kind = "elasticsearch" as const;
  readonly extensions = SCRIPT_EXTENSIONS.elasticsearch;
  readonly address: string;
  roundTrips = 0;
  private http?: SearchHttp;
  private indicesReady = false;
  private lockOwner?: string;
  private readonly flavor;

  constructor(private readonly conn: StoreConnection) {
    this.address = addressOf(conn);
    this.flavor = flavorOf(conn);
  }

  private async send(req: SearchRequest): Promise<SearchResponse> {
    if (!this.http) throw new Error(`elasticsearch at ${this.address}: not connected`);
    this.roundTrips++;
    try {
      return await this.http.send(req);
    } catch (err) {
      if (err instanceof SearchHttpError) throw err;
      throw new Error(`${this.flavor} at ${this.address}: ${req.method} ${req.path}: ${errorText(err, this.secrets())}`);
    }
  }

  private secrets(): string[] {
    return [this.conn.admin.password, this.conn.app.password];
  }

  async connect(): Promise<void> {
    this.http ??= createSearchHttp(this.conn);
  }

  /** `GET /_cluster/health`: answered by every Elasticsearch/OpenSearch build (`GET /` needs ES 8's rest-root module). */
  async ping(): Promise<void> {
    await this.send({ method: "GET", path: "/_cluster/health" });
  }

  async serverVersion(): Promise<string | undefined> {
    const res = await this.send({ method: "GET", path: "/_nodes/_local", querystring: { filter_path: "nodes.*.version" } });
    const node = Object.values(res.body?.nodes ?? {})[0] as { version?: string } | undefined;
    return node?.version ? `${this.flavor} ${node.version}` : undefined;
  }

  async close(): Promise<void> {
    const http = this.http;
    this.http = undefined;
    this.indicesReady = false;
    await http?.close();
  }

  /** Ledger and lock indices; the lock needs its index before `_create`, so acquireLock calls this too. */
  async ensureLedger(): Promise<void> {
    if (this.indicesReady) return;
    const both = `/${ES_LEDGER_INDEX},${ES_LOCK_INDEX}`;
    const head = await this.send({ method: "HEAD", path: both, querystring: { expand_wildcards: "all" }, ok: [404] });
    if (head.status === 200) return void (this.indicesReady = true);
    for (const [index, mappings] of [[ES_LEDGER_INDEX, LEDGER_MAPPING], [ES_LOCK_INDEX, LOCK_MAPPING]] as const) {
      const res = await this.send({ method: "PUT", path: `/${index}`, body: { settings: HIDDEN, mappings }, ok: [400] });
      // Another runner created it between our HEAD and PUT: fine. Any other 400 is an error.
      if (res.status === 400 && res.body?.error?.type !== "resource_already_exists_exception") {
        throw new SearchHttpError(400, res.body?.error?.type, res.body?.error?.reason ?? `cannot create ${index}`, `PUT /${index}`);
      }
    }
    this.indicesReady = true;
  }

  async readLedger(): Promise<LedgerEntry[]> {
    const res = await this.send({
      method: "POST", path: `/${ES_LEDGER_INDEX}/_search`,
      body: { size: 10_000, sort: [{ version: "asc" }], query: { match_all: {} } }, ok: [404],
    });
    if (res.status === 404) return []; // `status` before the first apply: no ledger yet
    return (res.body.hits.hits as any[]).map((h) => {
      const s = h._source;
      const e: LedgerEntry = { version: s.version, name: s.name, checksum: s.checksum, appliedAt: s.appliedAt, durationMs: s.durationMs, success: s.success };
      if (s.error !== undefined && s.error !== null) e.error = s.error;
      return e;
    });
  }

  async record(entry: LedgerEntry): Promise<void> {
    await this.send({ method: "PUT", path: `/${ES_LEDGER_INDEX}/_doc/${entry.version}`, querystring: { refresh: "true" }, body: entry });
  }

  async removeEntry(version: number): Promise<void> {
    await this.send({ method: "DELETE", path: `/${ES_LEDGER_INDEX}/_doc/${version}`, querystring: { refresh: "true" }, ok: [404] });
  }

  async acquireLock(owner: string, timeoutMs: number): Promise<void> {
    await this.ensureLedger();
    const deadline = Date.now() + timeoutMs;
    let holder: string | undefined;
    for (let delay = 100; ; delay = Math.min(delay * 2, 2_000)) {
      const created = await this.send({
        method: "PUT", path: `/${ES_LOCK_INDEX}/_create/${LOCK_ID}`, querystring: { refresh: "true" },
        body: { owner, expiresAt: Date.now() + LOCK_TTL_MS }, ok: [409],
      });
      if (created.status !== 409) return void (this.lockOwner = owner);
      const cur = await this.send({ method: "GET", path: `/${ES_LOCK_INDEX}/_doc/${LOCK_ID}`, ok: [404] });
      if (cur.status === 200) {
        holder = cur.body._source.owner;
        if (holder === owner) return void (this.lockOwner = owner);
        if (cur.body._source.expiresAt < Date.now()) {
          // Abandoned lock: delete exactly the version we saw; a concurrent taker makes this a 409.
          await this.send({
            method: "DELETE", path: `/${ES_LOCK_INDEX}/_doc/${LOCK_ID}`,
            querystring: { if_seq_no: cur.body._seq_no, if_primary_term: cur.body._primary_term, refresh: "true" }, ok: [404, 409],
          });
          continue;
        }
      }
      if (Date.now() + delay > deadline) throw new LockTimeoutError(this.kind, this.address, timeoutMs, holder);
      await sleep(delay);
    }
  }

  async releaseLock(owner: string): Promise<void> {
    const cur = await this.send({ method: "GET", path: `/${ES_LOCK_INDEX}/_doc/${LOCK_ID}`, ok: [404] });
    if (cur.status !== 200 || cur.body._source.owner !== owner) return;
    await this.send({
      method: "DELETE", path: `/${ES_LOCK_INDEX}/_doc/${LOCK_ID}`,
      querystring: { if_seq_no: cur.body._seq_no, if_primary_term: cur.body._primary_term, refresh: "true" }, ok: [404, 409],
    });
  }

  /** Extends our lock while scripts run (compare-and-set on the doc we read); throws if another runner took it over. */
  private async renewLock(): Promise<void> {
    const cur = await this.send({ method: "GET", path: `/${ES_LOCK_INDEX}/_doc/${LOCK_ID}`, ok: [404] });
    const renewed = cur.status === 200 && cur.body._source.owner === this.lockOwner && (await this.send({
      method: "POST", path: `/${ES_LOCK_INDEX}/_update/${LOCK_ID}`, ok: [409],
      querystring: { if_seq_no: cur.body._seq_no, if_primary_term: cur.body._primary_term, refresh: "true" },
      body: { doc: { expiresAt: Date.now() + LOCK_TTL_MS } },
    })).status !== 409;
    if (!renewed) throw new Error(`${this.flavor} at ${this.address}: this runner does not hold the init lock (expired and taken over?); not applying`);
  }

  /** Index patterns the application role may use: `options.indexPatterns` (comma-separated), default {@link APP_INDEX_PATTERNS}. */
  appIndexPatterns(): string[] {
    const raw = this.conn.options?.indexPatterns;
    if (raw === undefined) return [...APP_INDEX_PATTERNS];
    const patterns = raw.split(",").map((p) => p.trim()).filter(Boolean);
    if (!patterns.length) throw new Error(`elasticsearch: options.indexPatterns is empty (expected comma-separated index patterns, e.g. "articles,articles-*")`);
    return patterns;
  }

  /**
   * Whether the server enforces authentication: `_security/_authenticate` (Elasticsearch) or
   * `_plugins/_security/api/account` (OpenSearch) answers 200 only with security on. Without
   * it the route is missing or disabled (400/404/405/500). A 401 (bad admin credentials) throws.
   */
  async securityEnabled(): Promise<boolean> {
    const path = this.flavor === "elasticsearch" ? "/_security/_authenticate" : "/_plugins/_security/api/account";
    const res = await this.send({ method: "GET", path, ok: [400, 404, 405, 500, 501] });
    return res.status === 200;
  }

  async ensureIdentity(): Promise<string[]> {
    const user = this.conn.app.user;
    const role = `${user}_role`;
    const patterns = this.appIndexPatterns();
    if (user === this.conn.admin.user) return [`${this.flavor}: app.user equals admin.user (${user}); no separate application user`];
    if (!(await this.securityEnabled())) {
      return [`${this.flavor} at ${this.address} has no security enabled: it accepts unauthenticated requests, so no application role/user was created (on a secured cluster: role ${role} with read/write on ${patterns.join(",")} and user ${user})`];
    }
    const enc = encodeURIComponent;
    if (this.flavor === "elasticsearch") {
      await this.send({ method: "PUT", path: `/_security/role/${enc(role)}`, body: { cluster: [], indices: [{ names: patterns, privileges: ["read", "write", "view_index_metadata"] }] } });
      await this.send({ method: "PUT", path: `/_security/user/${enc(user)}`, body: { password: this.conn.app.password, roles: [role] } });
    } else {
      await this.send({ method: "PUT", path: `/_plugins/_security/api/roles/${enc(role)}`, body: { cluster_permissions: [], index_permissions: [{ index_patterns: patterns, allowed_actions: ["crud", "indices:admin/mappings/get"] }] } });
      await this.send({ method: "PUT", path: `/_plugins/_security/api/internalusers/${enc(user)}`, body: { password: this.conn.app.password } });
      await this.send({ method: "PUT", path: `/_plugins/_security/api/rolesmapping/${enc(role)}`, body: { users: [user] } });
    }
    return [`${this.flavor}: role ${role} (read/write on ${patterns.join(",")}) and user ${user} ensured`];
  }

  placeholders(): Record<string, string> {
    return { APP_USER: this.conn.app.user, DATABASE: this.conn.database };
  }

  async apply(script: PreparedScript): Promise<LedgerEntry> {
    await this.renewLock();
    return applyAndRecord(script, (e) => this.record(e), this.secrets(), async () => {
      const call = parseSearchScript(script.body);
      const res = await this.send({ method: call.method, path: call.path, body: call.body });
      if (res.body && typeof res.body === "object" && res.body.acknowledged === false) {
        throw new Error(`${call.method} ${call.path} was not acknowledged by the cluster`);
      }
    });
  }
}

export const createElasticsearchAdapter = (conn: StoreConnection): StoreAdapter => new ElasticsearchAdapter(conn);
