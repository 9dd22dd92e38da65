import type { RenderContext, RenderedStore } from "../target";
import type { StoreKind } from "../../core/types";
import { renderDocumentDb } from "./documentdb";
import { renderOpenSearch } from "./opensearch";
import { redisAwsService } from "../../../stacks/config/checks";
import { renderRdsPostgres } from "./postgres";
import { renderElastiCacheRedis } from "./elasticache";
import { renderMemoryDbRedis } from "./memorydb";

export { createAwsInfra, awsName, storeSecurityGroup, type AwsInfra } from "./network";
export { renderRdsPostgres, rdsPostgresParameters, RDS_POSTGRES_PORT } from "./postgres";
export { appAccessString, redisParameters, ADMIN_ACCESS_STRING, AWS_REDIS_PORT } from "./redis";
export { renderElastiCacheRedis } from "./elasticache";
export { renderMemoryDbRedis } from "./memorydb";
export { redisAwsService } from "../../../stacks/config/checks";
export { renderDocumentDb, docdbMasterUsername, DOCDB_PORT } from "./documentdb";
export { renderOpenSearch, OPENSEARCH_PORT, OPENSEARCH_TLS_POLICY, OPENSEARCH_MASTER_USER } from "./opensearch";

/**
 * Redis on AWS. With `appendonly: true` (the seeds' default) it becomes
 * MemoryDB, whose Multi-AZ transaction log makes every acknowledged write
 * durable (stronger than AOF everysec); ElastiCache is chosen only when AOF is
 * off or `stores.redis.aws.service: elasticache` is set, and asking for AOF on
 * ElastiCache is a configuration error (CONFIG_CHECKS), never dropped silently.
 */
export function renderAwsRedis(ctx: RenderContext): RenderedStore {
  return redisAwsService(ctx.config) === "elasticache" ? renderElastiCacheRedis(ctx) : renderMemoryDbRedis(ctx);
}

/** The managed service each store becomes on AWS (ClickHouse and Neo4j have none). */
export const AWS_RENDERERS: Partial<Record<StoreKind, (ctx: RenderContext) => RenderedStore>> = {
  postgres: renderRdsPostgres,
  redis: renderAwsRedis,
  mongodb: renderDocumentDb,
  elasticsearch: renderOpenSearch,
};

/** Target `aws`: maps each store's settings to its AWS managed service. */
export function renderAws(ctx: RenderContext): RenderedStore {
  const render = AWS_RENDERERS[ctx.kind];
  if (!render) throw new Error(`polystore:stores.${ctx.kind}.target: AWS has no managed ${ctx.kind}; use target kubernetes or external`);
  return render(ctx);
}
