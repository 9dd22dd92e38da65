/** The six stores polystore provisions. */
export const STORE_KINDS = ["postgres", "redis", "mongodb", "elasticsearch", "clickhouse", "neo4j"] as const;
export type StoreKind = (typeof STORE_KINDS)[number];

/** Where a store runs. */
export const TARGETS = ["docker", "kubernetes", "aws", "external"] as const;
export type Target = (typeof TARGETS)[number];

/** A user name and password pair. */
export interface Credentials {
  user: string;
  password: string;
}

/**
 * Everything needed to reach one store, as plain values: what the init-script
 * runner, the health check and the `.env`/secret writers consume. Always
 * handled as a Pulumi secret while inside the program.
 */
export interface StoreConnection {
  kind: StoreKind;
  /** Host name or address applications and the runner connect to. */
  host: string;
  /** The store's main client port (PostgreSQL 5432, Redis 6379, MongoDB 27017, Elasticsearch 9200, ClickHouse HTTP 8123, Neo4j Bolt 7687). */
  port: number;
  /** Whether clients must use TLS. */
  tls: boolean;
  /** Database / namespace name (PostgreSQL, MongoDB, ClickHouse database, Neo4j database, Elasticsearch index prefix). */
  database: string;
  /** Administrative identity: stays in Pulumi, used only by the init runner. */
  admin: Credentials;
  /** Least-privilege identity handed to applications. */
  app: Credentials;
  /**
   * The store's server settings as the stack configured them, in their one typed form
   * (Redis: `RedisServerSettings`, numbers as numbers), for the init runner's check that the
   * server runs what the stack asked for. Absent for stores without such a check.
   */
  server?: Record<string, string | number | boolean>;
  /** Store-specific extras, e.g. `{ flavor: "opensearch" }` for Elasticsearch, `{ ownerRole: "app_owner" }` for PostgreSQL. */
  options?: Record<string, string>;
}
