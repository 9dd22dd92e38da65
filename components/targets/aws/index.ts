import type { StoreSettingsByKind } from "../../stores";
import type { RedisSettings } from "../../stores";
import type { RenderedStore, StoreRenderInput, StoreTarget } from "../../core/target";
import { renderDocumentDb } from "./documentdb";
import { renderElastiCacheRedis } from "./elasticache";
import { renderMemoryDbRedis } from "./memorydb";
import type { AwsInfra } from "./network";
import { renderOpenSearch } from "./opensearch";
import { renderRdsPostgres } from "./postgres";
import { redisAwsService } from "./redis";
import { awsStoreSchemas, type AwsStoreConfigByKind, type AwsKind } from "./schema";

export { createAwsInfra, awsName, storeSecurityGroup, type AwsInfra } from "./network";
export { renderRdsPostgres, rdsPostgresParameters, RDS_POSTGRES_PORT } from "./postgres";
export { appAccessString, redisParameters, redisAwsService, ADMIN_ACCESS_STRING, AWS_REDIS_PORT } from "./redis";
export { renderElastiCacheRedis } from "./elasticache";
export { renderMemoryDbRedis } from "./memorydb";
export { renderDocumentDb, docdbMasterUsername, DOCDB_PORT } from "./documentdb";
export { renderOpenSearch, OPENSEARCH_PORT, OPENSEARCH_TLS_POLICY, OPENSEARCH_MASTER_USER } from "./opensearch";
export { renderSnapshotRepository, snapshotRolePolicy, OPENSEARCH_SNAPSHOT_REPOSITORY } from "./snapshot-repository";
export * from "./schema";

/**
 * Redis on AWS. With `appendonly: true` (the seeds' default) it becomes MemoryDB, whose Multi-AZ
 * transaction log makes every acknowledged write durable (stronger than AOF everysec);
 * ElastiCache is chosen only when AOF is off or `stores.redis.aws.service: elasticache` is set.
 */
export function renderAwsRedis(ctx: StoreRenderInput, infra: AwsInfra, s: RedisSettings, a: AwsStoreConfigByKind["redis"]): RenderedStore {
  return redisAwsService(s, a) === "elasticache" ? renderElastiCacheRedis(ctx, infra, s, a) : renderMemoryDbRedis(ctx, infra, s, a);
}

type AwsRenderers = {
  [K in AwsKind]: (ctx: StoreRenderInput, infra: AwsInfra, s: StoreSettingsByKind[K], a: AwsStoreConfigByKind[K]) => RenderedStore;
};

/** The managed service each store becomes on AWS (ClickHouse and Neo4j have none: their modules say why). */
export const AWS_RENDERERS: AwsRenderers = {
  postgres: renderRdsPostgres,
  redis: renderAwsRedis,
  mongodb: renderDocumentDb,
  elasticsearch: renderOpenSearch,
};

/** Target `aws`, bound to the stack's network and the store's settings and `aws` block (defaults applied here, once). */
export function awsTarget<K extends AwsKind>(infra: AwsInfra, kind: K, settings: StoreSettingsByKind[K], aws: AwsStoreConfigByKind[K] | undefined): StoreTarget {
  const render: AwsRenderers[K] = AWS_RENDERERS[kind];
  const a = aws ?? awsStoreDefaults(kind);
  return { target: "aws", render: (input) => render(input, infra, settings, a) };
}

/** A store's `aws` block with every default, when the config has none. */
export function awsStoreDefaults<K extends AwsKind>(kind: K): AwsStoreConfigByKind[K] {
  return awsStoreSchemas[kind].parse({}) as AwsStoreConfigByKind[K];
}
