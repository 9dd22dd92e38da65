import { z } from "zod";
import { clickhouseSchema as clickhouseKeys } from "../../components/stores/clickhouse/schema";
import { elasticsearchSchema as elasticsearchKeys } from "../../components/stores/elasticsearch/schema";
import { mongodbSchema as mongodbKeys } from "../../components/stores/mongodb/schema";
import { neo4jSchema as neo4jKeys } from "../../components/stores/neo4j/schema";
import { postgresSchema as postgresKeys } from "../../components/stores/postgres/schema";
import { redisSchema as redisKeys } from "../../components/stores/redis/schema";
import { awsStoreSchemas } from "../../components/targets/aws/schema";
import { externalEndpointSchema, type ExternalEndpointConfig } from "../../components/targets/external/schema";
import { kubernetesStoreSchema } from "../../components/targets/kubernetes/schema";

export { identifier } from "../../components/stores/schema";

/**
 * `polystore:stores`: each store's own schema (components/stores/<store>/schema.ts) with the
 * per-store block of every target that has one (components/targets/<target>/schema.ts):
 * `external` (the existing endpoint), `kubernetes` (volume and CPU) and, for the stores with a
 * managed AWS service, `aws`. Which blocks may be set for a store's target is checked in checks.ts.
 */
const targetBlocks = {
  /** Existing endpoint, required when the target is `external`. */
  external: externalEndpointSchema.optional(),
  /** Kubernetes-specific settings. */
  kubernetes: kubernetesStoreSchema.optional(),
};

export const postgresSchema = postgresKeys.extend({ ...targetBlocks, aws: awsStoreSchemas.postgres.optional() });
export const redisSchema = redisKeys.extend({ ...targetBlocks, aws: awsStoreSchemas.redis.optional() });
export const mongodbSchema = mongodbKeys.extend({ ...targetBlocks, aws: awsStoreSchemas.mongodb.optional() });
export const elasticsearchSchema = elasticsearchKeys.extend({ ...targetBlocks, aws: awsStoreSchemas.elasticsearch.optional() });
export const clickhouseSchema = clickhouseKeys.extend(targetBlocks);
export const neo4jSchema = neo4jKeys.extend(targetBlocks);

export const storesSchema = z.strictObject({
  postgres: postgresSchema.optional(),
  redis: redisSchema.optional(),
  mongodb: mongodbSchema.optional(),
  elasticsearch: elasticsearchSchema.optional(),
  clickhouse: clickhouseSchema.optional(),
  neo4j: neo4jSchema.optional(),
});

export type PostgresConfig = z.output<typeof postgresSchema>;
export type RedisConfig = z.output<typeof redisSchema>;
export type MongodbConfig = z.output<typeof mongodbSchema>;
export type ElasticsearchConfig = z.output<typeof elasticsearchSchema>;
export type ClickhouseConfig = z.output<typeof clickhouseSchema>;
export type Neo4jConfig = z.output<typeof neo4jSchema>;
export type StoresConfig = z.output<typeof storesSchema>;
export type { ExternalEndpointConfig };
