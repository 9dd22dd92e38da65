/**
 * The dev stack's memory settings per store, as the program renders them:
 * Pulumi.dev.yaml validated by the program's own schema (stacks/config), then
 * each store's spec builder (components/<store>/spec.ts) — the same
 * `StoreSpec.memoryMb` the docker target passes to the container's `memory`.
 * Nothing here restates a number.
 */
import { join } from "node:path";
import { clickhouseSpec } from "../../../components/stores/clickhouse/spec";
import { elasticsearchSpec } from "../../../components/stores/elasticsearch/spec";
import { mongodbSpec } from "../../../components/stores/mongodb/spec";
import { neo4jSpec } from "../../../components/stores/neo4j/spec";
import { postgresSpec } from "../../../components/stores/postgres/spec";
import { redisSpec } from "../../../components/stores/redis/spec";
import { redisServerSettings } from "../../../components/stores/redis/schema";
import type { RedisServerSettings } from "../../../components/stores/redis/settings";
import type { StoreSettings, StoreSettingsByKind } from "../../../components/stores";
import type { SpecSecrets, StoreSpec } from "../../../components/core/spec";
import type { StoreKind } from "../../../components/core/types";
import { readStackFile } from "../../../policies/offline/stackfile";
import { parseConfig, type PolystoreConfig } from "../../../stacks/config";
import { REPO_DIR } from "./paths";

/** A store's shipped memory settings. */
export interface ShippedMemory {
  kind: StoreKind;
  /** The container memory limit the docker target renders (`StoreSpec.memoryMb`). */
  limitMb: number;
  /** Elasticsearch `heapMb` / Neo4j `heapMb`. */
  heapMb?: number;
  /** Neo4j `pagecacheMb`. */
  pagecacheMb?: number;
  /** Redis server settings (maxmemory, policy, AOF). */
  redis?: RedisServerSettings;
  /** PostgreSQL `max_connections`. */
  maxConnections?: number;
  /** MongoDB `wiredTigerCacheGb` (FerretDB has no such cache: recorded, not applied). */
  wiredTigerCacheGb?: number;
  /** The spec's effective settings, for reports. */
  settings: StoreSpec["settings"];
}

/** The stack file whose settings the load suite measures. */
export const DEV_STACK_FILE = join(REPO_DIR, "Pulumi.dev.yaml");

// Spec builders need secrets only for environment variables the harness never uses.
const NO_SECRETS: SpecSecrets = { adminPassword: "unused", appPassword: "unused" };

/** Each store's spec builder: what the program calls for every target. */
const SPEC_BUILDERS: { [K in StoreKind]: (cfg: StoreSettingsByKind[K], secrets: SpecSecrets) => StoreSpec } = {
  postgres: postgresSpec,
  redis: redisSpec,
  mongodb: mongodbSpec,
  elasticsearch: elasticsearchSpec,
  clickhouse: clickhouseSpec,
  neo4j: neo4jSpec,
};

function specOf(cfg: PolystoreConfig, kind: StoreKind): StoreSpec {
  const settings = cfg.stores[kind];
  if (!settings) throw new Error(`${DEV_STACK_FILE}: polystore:stores.${kind} is not configured; the load suite measures the dev stack's six stores`);
  return (SPEC_BUILDERS[kind] as (c: StoreSettings, s: SpecSecrets) => StoreSpec)(settings, NO_SECRETS);
}

/** The dev stack's memory settings for `kind` (Pulumi.dev.yaml or another stack file). */
export function shippedMemory(kind: StoreKind, stackFile = DEV_STACK_FILE): ShippedMemory {
  const cfg = parseConfig(readStackFile(stackFile).polystore);
  const spec = specOf(cfg, kind);
  const out: ShippedMemory = { kind, limitMb: spec.memoryMb, settings: spec.settings };
  if (kind === "elasticsearch") out.heapMb = cfg.stores.elasticsearch!.heapMb;
  if (kind === "neo4j") Object.assign(out, { heapMb: cfg.stores.neo4j!.heapMb, pagecacheMb: cfg.stores.neo4j!.pagecacheMb });
  if (kind === "redis") out.redis = redisServerSettings(cfg.stores.redis!);
  if (kind === "postgres") out.maxConnections = cfg.stores.postgres!.maxConnections;
  if (kind === "mongodb") out.wiredTigerCacheGb = cfg.stores.mongodb!.wiredTigerCacheGb;
  return out;
}
