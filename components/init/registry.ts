/**
 * The init-script adapters, by store kind, loaded on demand: importing this module (or
 * components/init) loads no database driver. A store's adapter module, and so its driver
 * (pg, ioredis, mongodb, ...), is loaded the first time {@link loadAdapter} or
 * {@link createAdapter} is called for that kind, so a CLI loads only the drivers of the
 * stores it touches and the stack program and the policy check load none.
 *
 * Adding a store = one entry here plus its file under adapters/.
 */
import type { StoreConnection, StoreKind } from "../core/types";
import type { AdapterFactory, StoreAdapter } from "./adapter";

/** Script extensions each store's adapter accepts, with the dot: static data, available without loading any adapter. */
export const SCRIPT_EXTENSIONS = {
  postgres: [".sql"],
  redis: [".redis"],
  mongodb: [".json"],
  elasticsearch: [".json"],
  clickhouse: [".sql"],
  neo4j: [".cypher"],
} as const satisfies Record<StoreKind, readonly string[]>;

/** One registered adapter: what is known without loading it, and how to load it. */
export interface AdapterEntry {
  /** Script extensions, e.g. `[".sql"]` (the adapter's `extensions`). */
  readonly extensions: readonly string[];
  /** Imports the adapter module (and its driver) and returns its factory. */
  load(): Promise<AdapterFactory>;
}

export const ADAPTER_REGISTRY: Partial<Record<StoreKind, AdapterEntry>> = {
  postgres: { extensions: SCRIPT_EXTENSIONS.postgres, load: () => import("./adapters/postgres").then((m) => m.createPostgresAdapter) },
  redis: { extensions: SCRIPT_EXTENSIONS.redis, load: () => import("./adapters/redis").then((m) => m.createRedisAdapter) },
  mongodb: { extensions: SCRIPT_EXTENSIONS.mongodb, load: () => import("./adapters/mongodb").then((m) => m.createMongoAdapter) },
  elasticsearch: { extensions: SCRIPT_EXTENSIONS.elasticsearch, load: () => import("./adapters/elasticsearch").then((m) => m.createElasticsearchAdapter) },
  clickhouse: { extensions: SCRIPT_EXTENSIONS.clickhouse, load: () => import("./adapters/clickhouse").then((m) => m.createClickHouseAdapter) },
  neo4j: { extensions: SCRIPT_EXTENSIONS.neo4j, load: () => import("./adapters/neo4j").then((m) => m.createNeo4jAdapter) },
};

function entryOf(kind: StoreKind): AdapterEntry {
  const entry = ADAPTER_REGISTRY[kind];
  if (!entry) throw new Error(`no init-script adapter for store kind "${kind}" (known: ${Object.keys(ADAPTER_REGISTRY).join(", ")})`);
  return entry;
}

/** The script extensions of `kind`'s adapter, without loading it; throws naming the kind when none is registered. */
export function scriptExtensions(kind: StoreKind): readonly string[] {
  return entryOf(kind).extensions;
}

/** Loads `kind`'s adapter (and its driver); throws naming the kind when none is registered. */
export function loadAdapter(kind: StoreKind): Promise<AdapterFactory> {
  try {
    return entryOf(kind).load();
  } catch (err) {
    return Promise.reject(err);
  }
}

/** The adapter for `conn.kind`, loaded on first use; rejects naming the kind when none is registered. */
export async function createAdapter(conn: StoreConnection): Promise<StoreAdapter> {
  return (await loadAdapter(conn.kind))(conn);
}
