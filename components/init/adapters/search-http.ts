/**
 * One small HTTP interface over the two search-engine clients, so the
 * Elasticsearch adapter works the same against Elasticsearch and OpenSearch:
 *
 * - Elasticsearch: `@elastic/elasticsearch`. It refuses servers that do not
 *   identify as Elasticsearch (product check), so it cannot talk to OpenSearch.
 * - OpenSearch (`conn.options.flavor === "opensearch"`): `@opensearch-project/opensearch`.
 *
 * Both are used only through their transport's `request({ method, path, body })`, and
 * loaded on the first request: the script parser below (used by lint and plan) loads neither.
 * Also the script format: one REST call per `.json` file (init-scripts/elasticsearch/README.md).
 */
import type { StoreConnection } from "../../core/types";
import { errorText } from "../adapter";

export type SearchFlavor = "elasticsearch" | "opensearch";

/** A server answer. Statuses listed in `ok` come back here instead of throwing. */
export interface SearchResponse {
  status: number;
  body: any;
}

export interface SearchRequest {
  method: "GET" | "PUT" | "POST" | "DELETE" | "HEAD";
  /** Starts with `/`; path segments already URI-encoded. */
  path: string;
  body?: unknown;
  /** NDJSON body (`_bulk`): one object per line; sent instead of `body`. */
  bulkBody?: unknown[];
  querystring?: Record<string, string | number | boolean>;
  /** Non-2xx statuses the caller handles itself (returned, not thrown). */
  ok?: number[];
}

export interface SearchHttp {
  readonly flavor: SearchFlavor;
  /** Sends one request. Throws {@link SearchHttpError} for a non-2xx status not in `ok`. */
  send(req: SearchRequest): Promise<SearchResponse>;
  close(): Promise<void>;
}

/** A non-2xx answer: status plus the engine's `error.type: reason`. */
export class SearchHttpError extends Error {
  constructor(
    readonly status: number,
    readonly errorType: string | undefined,
    reason: string,
    /** `METHOD /path` of the request, for the message. */
    request?: string,
  ) {
    super(`${request ? `${request}: ` : ""}HTTP ${status}${errorType ? ` ${errorType}` : ""}: ${reason}`);
    this.name = "SearchHttpError";
  }
}

/** `type: reason` (plus the root cause when it differs) from an error body. */
export function describeErrorBody(body: unknown): { type?: string; reason: string } {
  const b = body as any;
  if (b && typeof b === "object" && b.error && typeof b.error === "object") {
    const root = Array.isArray(b.error.root_cause) ? b.error.root_cause[0] : undefined;
    let reason = String(b.error.reason ?? b.error.type ?? "unknown error");
    if (root?.reason && root.reason !== b.error.reason) reason += ` (caused by ${root.type}: ${root.reason})`;
    return { type: b.error.type, reason };
  }
  if (b && typeof b === "object" && typeof b.error === "string") return { reason: b.error };
  if (typeof b === "string" && b.length > 0) return { reason: b.slice(0, 300) };
  return { reason: "no error body" };
}

export function flavorOf(conn: StoreConnection): SearchFlavor {
  const f = conn.options?.flavor ?? "elasticsearch";
  if (f !== "elasticsearch" && f !== "opensearch") {
    throw new Error(`elasticsearch: options.flavor "${f}" is not supported (expected "elasticsearch" or "opensearch")`);
  }
  return f;
}

/** The flavor's client, as the two functions used here. */
interface RawClient {
  request(req: SearchRequest): Promise<SearchResponse>;
  close(): Promise<void>;
}

/** Loads the flavor's client package and builds the client. No I/O happens here. */
async function openClient(flavor: SearchFlavor, options: { node: string; maxRetries: number; requestTimeout: number; auth?: { username: string; password: string } }): Promise<RawClient> {
  if (flavor === "elasticsearch") {
    const { Client } = await import("@elastic/elasticsearch");
    const client = new Client(options);
    return {
      async request(req) {
        const res = await client.transport.request(
          { method: req.method, path: req.path, body: req.body as never, bulkBody: req.bulkBody as never, querystring: req.querystring },
          { meta: true, ignore: req.ok ?? [] },
        );
        return { status: res.statusCode ?? 0, body: res.body };
      },
      close: () => client.close(),
    };
  }
  const { Client } = await import("@opensearch-project/opensearch");
  const client = new Client(options);
  return {
    async request(req) {
      const res = await client.transport.request(
        { method: req.method, path: req.path, body: req.body as never, bulkBody: req.bulkBody as never, querystring: req.querystring },
        { ignore: req.ok ?? [] },
      );
      return { status: res.statusCode ?? 0, body: res.body };
    },
    close: () => client.close(),
  };
}

/** The interface for the connection's flavor; its client package is loaded on the first request. No I/O happens here. */
export function createSearchHttp(conn: StoreConnection, requestTimeoutMs = 60_000): SearchHttp {
  const flavor = flavorOf(conn);
  const node = `${conn.tls ? "https" : "http"}://${conn.host}:${conn.port}`;
  const auth = conn.admin.user ? { username: conn.admin.user, password: conn.admin.password } : undefined;
  const options = { node, maxRetries: 0, requestTimeout: requestTimeoutMs, ...(auth ? { auth } : {}) };
  let client: Promise<RawClient> | undefined;
  const open = () => (client ??= openClient(flavor, options));

  return {
    flavor,
    async close() {
      if (client) await (await client).close();
    },
    async send(req) {
      const raw = await open();
      try {
        return await raw.request(req);
      } catch (err) {
        const e = err as any;
        const status = typeof e?.meta?.statusCode === "number" ? e.meta.statusCode : undefined;
        if (status !== undefined && status !== null) {
          const { type, reason } = describeErrorBody(e.meta.body);
          throw new SearchHttpError(status, type, reason, `${req.method} ${req.path}`);
        }
        throw err;
      }
    },
  };
}

const METHODS = ["GET", "PUT", "POST", "DELETE", "HEAD"] as const;
const SCRIPT_KEYS = new Set(["description", "method", "path", "body"]);

/** One API call parsed from a script file. */
export interface SearchScriptCall {
  method: (typeof METHODS)[number];
  path: string;
  body?: unknown;
}

/** Parses and checks a `.json` script; every problem is reported at once (the caller names the file). */
export function parseSearchScript(text: string): SearchScriptCall {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new Error(`not valid JSON (${errorText(err)})`);
  }
  if (!doc || typeof doc !== "object" || Array.isArray(doc)) throw new Error(`expected a JSON object { "method", "path", "body"? }`);
  const o = doc as Record<string, unknown>;
  const problems: string[] = [];
  for (const k of Object.keys(o)) if (!SCRIPT_KEYS.has(k)) problems.push(`unknown key "${k}" (allowed: ${[...SCRIPT_KEYS].join(", ")})`);
  if (typeof o.method !== "string" || !(METHODS as readonly string[]).includes(o.method.toUpperCase())) problems.push(`"method" must be one of ${METHODS.join(", ")}`);
  if (typeof o.path !== "string" || !o.path.startsWith("/") || /\s/.test(o.path)) problems.push(`"path" must be a string starting with "/" and without spaces`);
  if (o.body !== undefined && (typeof o.body !== "object" || o.body === null)) problems.push(`"body" must be a JSON object or array when present`);
  if (o.description !== undefined && typeof o.description !== "string") problems.push(`"description" must be a string`);
  if (problems.length) throw new Error(problems.join("; "));
  return { method: (o.method as string).toUpperCase() as SearchScriptCall["method"], path: o.path as string, body: o.body };
}
