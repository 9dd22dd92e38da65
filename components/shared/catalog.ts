import type { StoreKind } from "./types";

/** Per-store facts every target needs: the pinned image and the default container memory limit. */
export interface CatalogEntry {
  /** Image pinned to an exact version. */
  image: string;
  /** Default container memory limit in MB, measured by the load suite (npm run test:load); all six together fit the 4 GiB dev budget. */
  memoryMb: number;
  /** Container port applications use. */
  clientPort: number;
  /** Human name. */
  title: string;
}

export const CATALOG: Record<StoreKind, CatalogEntry> = {
  postgres: { image: "postgres:16.4-alpine", memoryMb: 320, clientPort: 5432, title: "PostgreSQL" },
  redis: { image: "redis:7.4.1-alpine", memoryMb: 1024, clientPort: 6379, title: "Redis" },
  mongodb: { image: "mongo:7.0.14", memoryMb: 384, clientPort: 27017, title: "MongoDB" },
  elasticsearch: { image: "docker.elastic.co/elasticsearch/elasticsearch:8.14.3", memoryMb: 896, clientPort: 9200, title: "Elasticsearch" },
  clickhouse: { image: "clickhouse/clickhouse-server:24.8.4.13", memoryMb: 512, clientPort: 8123, title: "ClickHouse" },
  neo4j: { image: "neo4j:5.26.0-community", memoryMb: 896, clientPort: 7687, title: "Neo4j" },
};
