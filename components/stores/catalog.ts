import type { StoreKind } from "../core/types";

/** Per-store facts every target needs: the pinned image and the default container memory limit. */
export interface CatalogEntry {
  /** Image pinned to an exact version. */
  image: string;
  /**
   * Default container memory limit in MB: measured under load inside the limit (npm run test:load, every
   * store's peak ≤ 0.9 of it) and within each engine's documented headroom rule (stacks/config/rules.ts);
   * all six together (4032 MB) fit the 4 GiB dev budget.
   */
  memoryMb: number;
  /** Container port applications use. */
  clientPort: number;
  /** Human name. */
  title: string;
}

/**
 * The latest patch release of each store's minor line (docker-library/official-images
 * `library/<image>` at 37079fb, 2026-08-21; Elasticsearch 8.14's last release is 8.14.3).
 * The `patched-images` policy (policies/rules/advisories.ts) names the minimum per line.
 */
export const CATALOG: Record<StoreKind, CatalogEntry> = {
  postgres: { image: "postgres:16.15-alpine", memoryMb: 320, clientPort: 5432, title: "PostgreSQL" },
  redis: { image: "redis:7.4.11-alpine", memoryMb: 1024, clientPort: 6379, title: "Redis" },
  mongodb: { image: "mongo:7.0.40", memoryMb: 384, clientPort: 27017, title: "MongoDB" },
  elasticsearch: { image: "docker.elastic.co/elasticsearch/elasticsearch:8.14.3", memoryMb: 896, clientPort: 9200, title: "Elasticsearch" },
  clickhouse: { image: "clickhouse/clickhouse-server:24.8.14.39", memoryMb: 512, clientPort: 8123, title: "ClickHouse" },
  neo4j: { image: "neo4j:5.26.29-community", memoryMb: 896, clientPort: 7687, title: "Neo4j" },
};
