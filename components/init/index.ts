/**
 * polystore init scripts: the adapter contract, the runner and the Pulumi wiring.
 * Named exports only.
 */
import type { StoreConnection, StoreKind } from "../core/types";
import type { AdapterFactory, StoreAdapter } from "./adapter";
import { createPostgresAdapter } from "./adapters/postgres";
import { createRedisAdapter } from "./adapters/redis";
import { createClickHouseAdapter } from "./adapters/clickhouse";
import { createNeo4jAdapter } from "./adapters/neo4j";
import { createMongoAdapter } from "./adapters/mongodb";
import { createElasticsearchAdapter } from "./adapters/elasticsearch";

export * from "./types";
export * from "./adapter";
export { discoverScripts, checksumOf, normaliseText, substitutePlaceholders, prepareScript, ScriptDiscoveryError } from "./scripts";
export { splitStatements } from "./statements";
export { runStore, type Operation } from "./runner";

/**
 * One factory per store kind. Adding a store = one line here plus its file
 * under adapters/. Kinds without an adapter are reported as an error by
 * {@link createAdapter}.
 */
export const ADAPTERS: Partial<Record<StoreKind, AdapterFactory>> = {
  postgres: createPostgresAdapter,
  redis: createRedisAdapter,
  clickhouse: createClickHouseAdapter,
  neo4j: createNeo4jAdapter,
  mongodb: createMongoAdapter,
  elasticsearch: createElasticsearchAdapter,
};

/** The adapter for `conn.kind`; throws naming the kind when none is registered. */
export function createAdapter(conn: StoreConnection): StoreAdapter {
  const factory = ADAPTERS[conn.kind];
  if (!factory) {
    throw new Error(`no init-script adapter for store kind "${conn.kind}" (known: ${Object.keys(ADAPTERS).join(", ")})`);
  }
  return factory(conn);
}
