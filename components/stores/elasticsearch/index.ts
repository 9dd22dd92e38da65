import type { StoreModule } from "../module";
import { ELASTICSEARCH_IMAGE, ELASTICSEARCH_MEMORY_MB, elasticsearchSchema, type ElasticsearchSettings } from "./schema";
import { elasticsearchSpec } from "./spec";

export { elasticsearchSpec } from "./spec";
export * from "./schema";

/** Elasticsearch 8, single node, security on (type `polystore:elasticsearch:ElasticsearchStore`). */
export const elasticsearch: StoreModule<"elasticsearch", ElasticsearchSettings> = {
  kind: "elasticsearch",
  title: "Elasticsearch",
  componentType: "polystore:elasticsearch:ElasticsearchStore",
  schema: elasticsearchSchema,
  image: ELASTICSEARCH_IMAGE,
  memoryMb: ELASTICSEARCH_MEMORY_MB,
  clientPort: 9200,
  urlVar: "ELASTICSEARCH_URL",
  appEnv: ({ host, port, database: db, app, tls }) => ({
    ELASTICSEARCH_URL: `${tls ? "https" : "http"}://${host}:${port}`,
    ELASTICSEARCH_HOST: host,
    ELASTICSEARCH_PORT: String(port),
    ELASTICSEARCH_USERNAME: app.user,
    ELASTICSEARCH_PASSWORD: app.password,
    ELASTICSEARCH_INDEX: db,
  }),
  users: (s) => ({ admin: "elastic", app: s.appUser, appKey: "appUser", privileged: [] }),
  database: (s) => s.indexPrefix,
  options: () => ({}),
  spec: elasticsearchSpec,
  hostPorts: (s) => ({ port: s.port }),
  init: { extensions: [".json"], adapter: () => import("../../init/adapters/elasticsearch").then((m) => m.createElasticsearchAdapter) },
  targets: {
    kubernetes: { fsGroup: 1000 },
    docker: { nofile: 262144 },
    aws: { service: "opensearch" },
  },
};
