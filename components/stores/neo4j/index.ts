import type { StoreModule } from "../module";
import { NEO4J_IMAGE, NEO4J_MEMORY_MB, neo4jSchema, type Neo4jSettings } from "./schema";
import { neo4jSpec } from "./spec";

export { neo4jSpec } from "./spec";
export * from "./schema";

/** Neo4j 5 (Community) with authentication on (type `polystore:neo4j:Neo4jStore`). */
export const neo4j: StoreModule<"neo4j", Neo4jSettings> = {
  kind: "neo4j",
  title: "Neo4j",
  componentType: "polystore:neo4j:Neo4jStore",
  schema: neo4jSchema,
  image: NEO4J_IMAGE,
  memoryMb: NEO4J_MEMORY_MB,
  clientPort: 7687,
  urlVar: "NEO4J_URI",
  appEnv: ({ host, port, database: db, app, tls }) => ({
    NEO4J_URI: `${tls ? "neo4j+s" : "bolt"}://${host}:${port}`,
    NEO4J_USER: app.user,
    NEO4J_USERNAME: app.user,
    NEO4J_PASSWORD: app.password,
    NEO4J_DATABASE: db,
  }),
  users: (s) => ({ admin: "neo4j", app: s.appUser, appKey: "appUser", privileged: [] }),
  database: (s) => s.database,
  options: () => ({}),
  spec: neo4jSpec,
  hostPorts: (s) => ({ port: s.port, httpPort: s.httpPort }),
  init: { extensions: [".cypher"], adapter: () => import("../../init/adapters/neo4j").then((m) => m.createNeo4jAdapter) },
  targets: {
    kubernetes: { fsGroup: 7474 },
    docker: {},
    aws: { none: "AWS has no managed Neo4j: use target kubernetes, or external (e.g. Neo4j Aura)" },
  },
};
