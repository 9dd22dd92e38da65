import { z } from "zod";
import { commonStoreKeys, identifier, port } from "../schema";

/** Neo4j's pinned image (the latest patch of its line). */
export const NEO4J_IMAGE = "neo4j:5.26.29-community";
/** Default container memory limit in MB (see StoreModule.memoryMb). */
export const NEO4J_MEMORY_MB = 896;

/** `polystore:stores.neo4j`. */
export const neo4jSchema = z.strictObject({
  ...commonStoreKeys(NEO4J_IMAGE),
  /** JVM heap in MB. Default 384. */
  heapMb: z.number().int().min(128).default(384),
  /** Page cache in MB. Default 128. */
  pagecacheMb: z.number().int().min(32).default(128),
  /** Database name. Default `neo4j`. */
  database: z.string().regex(/^[a-z][a-z0-9.-]{2,62}$/, "expected a Neo4j database name").default("neo4j"),
  /** Application user (Enterprise/Aura: with the `editor` role). Default `app`. */
  appUser: identifier.default("app"),
  /** Bolt port on Docker (NEO4J_URI). Default 7687. */
  port: port.default(7687),
  /** HTTP (browser) port on Docker. Default 7474. */
  httpPort: port.default(7474),
});

export type Neo4jSettings = z.output<typeof neo4jSchema>;
