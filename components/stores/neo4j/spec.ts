import * as pulumi from "@pulumi/pulumi";
import { NEO4J_IMAGE, NEO4J_MEMORY_MB, type Neo4jSettings } from "./schema";
import type { SpecSecrets, StoreSpec } from "../../core/spec";

/** Neo4j 5 (Community) with authentication on; heap and page cache sized from config. */
export function neo4jSpec(cfg: Neo4jSettings, secrets: SpecSecrets): StoreSpec {
  return {
    kind: "neo4j",
    image: cfg.image ?? NEO4J_IMAGE,
    env: {
      NEO4J_server_memory_heap_initial__size: `${cfg.heapMb}m`,
      NEO4J_server_memory_heap_max__size: `${cfg.heapMb}m`,
      NEO4J_server_memory_pagecache_size: `${cfg.pagecacheMb}m`,
      NEO4J_dbms_security_auth__enabled: "true",
    },
    secretEnv: { NEO4J_AUTH: pulumi.interpolate`neo4j/${secrets.adminPassword}` },
    ports: [
      { name: "client", containerPort: 7687, hostPort: cfg.port },
      { name: "http", containerPort: 7474, hostPort: cfg.httpPort },
    ],
    healthcheck: {
      // The password reaches cypher-shell through NEO4J_PASSWORD, never its command line.
      shell: 'NEO4J_PASSWORD="${NEO4J_AUTH#neo4j/}" cypher-shell -a bolt://127.0.0.1:7687 -u neo4j "RETURN 1" >/dev/null',
      intervalSeconds: 10,
      timeoutSeconds: 10,
      retries: 30,
      startPeriodSeconds: 20,
    },
    dataPath: "/data",
    memoryMb: cfg.memoryMb ?? NEO4J_MEMORY_MB,
    settings: { heap: `${cfg.heapMb}m`, pagecache: `${cfg.pagecacheMb}m`, auth: true, database: cfg.database, appUser: cfg.appUser },
  };
}
