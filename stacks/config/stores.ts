import { z } from "zod";
import { REDIS_APPENDFSYNC, REDIS_EVICTION_POLICIES } from "../../components/stores/redis/settings";
import { TARGETS } from "../../components/core/types";
import { awsStoreSchemas } from "../../components/targets/aws/schema";
import { pinnedImage } from "../../components/core/formats";
import { kubernetesStoreSchema } from "../../components/targets/kubernetes/schema";

/** Names that become SQL/role/user identifiers: lower-case, start with a letter. */
export const identifier = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,62}$/, "expected a lower-case identifier (letters, digits, _; starting with a letter; at most 63 characters)");

const port = z.number().int().min(1).max(65535);
const memoryMb = z.number().int().min(64);
/** A session limit of the PostgreSQL application role in ms: always on (no 0), at most a day. */
const sessionLimitMs = z.number().int().min(100).max(86_400_000);


/** Endpoint of a store that already exists (target `external`). Passwords should be set with `pulumi config set --secret --path`. */
const externalEndpoint = z.strictObject({
  /** Host name of the existing store. */
  host: z.string().min(1),
  /** Client port. */
  port,
  /** Whether clients must use TLS. Default true. */
  tls: z.boolean().default(true),
  /** User the init runner connects as. */
  adminUser: z.string().min(1),
  /** Its password (secret). */
  adminPassword: z.string().min(1),
  /** Application user; default: the runner creates `appUser` with a generated password. */
  appUser: z.string().min(1).optional(),
  /** Application password (secret) when the application user is managed outside polystore. */
  appPassword: z.string().min(1).optional(),
});

/** Keys every store accepts. */
const common = {
  /** Whether the store is provisioned. Default true for a store listed under `stores`. */
  enabled: z.boolean().default(true),
  /** Where this store runs; default `polystore:target`. */
  target: z.enum(TARGETS).optional(),
  /** Image override (Docker and Kubernetes), pinned. Default: the store's pinned image. */
  image: pinnedImage("postgres:16.4-alpine").optional(),
  /** Container memory limit in MB (Docker and Kubernetes). */
  memoryMb: memoryMb.optional(),
  /** Folder of this store's init scripts. Default `init-scripts/<store>`. */
  initScripts: z.string().min(1).optional(),
  /** Existing endpoint, required when the target is `external`. */
  external: externalEndpoint.optional(),
  /** Kubernetes-specific settings. */
  kubernetes: kubernetesStoreSchema.optional(),
};

export const postgresSchema = z.strictObject({
  ...common,
  /** Database name. Default `app`. */
  database: identifier.default("app"),
  /** Role that owns the schema objects (NOLOGIN). Default `app_owner`. */
  ownerRole: identifier.default("app_owner"),
  /** Least-privilege role applications log in as, subject to row-level security. Default `app_user`. */
  appRole: identifier.default("app_user"),
  /** Administrative (superuser) login used by the init runner only. Default `polystore_admin`. */
  adminUser: identifier.default("polystore_admin"),
  /** Host port on Docker. Default 5432. */
  port: port.default(5432),
  /** `max_connections`. Default 100. */
  maxConnections: z.number().int().min(10).max(10000).default(100),
  /** `lock_timeout` of the application role (ALTER ROLE … SET), ms: how long one of its statements waits for a lock. Default 5000. */
  appLockTimeoutMs: sessionLimitMs.default(5_000),
  /** `statement_timeout` of the application role, ms: the longest statement it may run. Default 30000. */
  appStatementTimeoutMs: sessionLimitMs.default(30_000),
  /** `idle_in_transaction_session_timeout` of the application role, ms: an abandoned open transaction (and its locks) ends after this. Default 60000. */
  appIdleInTransactionTimeoutMs: sessionLimitMs.default(60_000),
  aws: awsStoreSchemas.postgres.optional(),
});

export const redisSchema = z.strictObject({
  ...common,
  /** `maxmemory` in MB. Default 512. */
  maxmemoryMb: z.number().int().min(1).default(512),
  /** `maxmemory-policy`. Default `allkeys-lru`. */
  maxmemoryPolicy: z.enum(REDIS_EVICTION_POLICIES).default("allkeys-lru"),
  /** AOF persistence. Default true. */
  appendonly: z.boolean().default(true),
  /** AOF fsync policy. Default `everysec`. */
  appendfsync: z.enum(REDIS_APPENDFSYNC).default("everysec"),
  /** Idle client timeout in seconds. Default 300. */
  timeoutSeconds: z.number().int().min(0).default(300),
  /** ACL user applications log in as (no FLUSHALL/FLUSHDB/CONFIG/DEBUG/KEYS, seed key namespaces only). Default `app`. */
  appUser: identifier.default("app"),
  /**
   * Let the application user run Lua with EVAL/EVALSHA (keys still checked against its ACL;
   * FUNCTION, SCRIPT FLUSH/KILL and every other server-side code path stay denied). Default false.
   */
  allowAppScripts: z.boolean().default(false),
  /** Host port on Docker. Default 6379. */
  port: port.default(6379),
  aws: awsStoreSchemas.redis.optional(),
});

export const mongodbSchema = z.strictObject({
  ...common,
  /** Database name. Default `app`. */
  database: identifier.default("app"),
  /** Administrative user (root role) used by the init runner only. Default `polystore_admin`. */
  adminUser: identifier.default("polystore_admin"),
  /** Application user with `readWrite` on `database` only. Default `app`. */
  appUser: identifier.default("app"),
  /** WiredTiger cache in GB (MongoDB's minimum is 0.25). Default 0.25. */
  wiredTigerCacheGb: z.number().min(0.25).default(0.25),
  /** Host port on Docker. Default 27017. */
  port: port.default(27017),
  aws: awsStoreSchemas.mongodb.optional(),
});

export const elasticsearchSchema = z.strictObject({
  ...common,
  /** JVM heap in MB (-Xms/-Xmx). Default 320. */
  heapMb: z.number().int().min(128).default(320),
  /** Index (alias) prefix applications use. Default `articles`. */
  indexPrefix: identifier.default("articles"),
  /** Application user limited to the application's indices. Default `app`. */
  appUser: identifier.default("app"),
  /** Host port on Docker. Default 9200. */
  port: port.default(9200),
  aws: awsStoreSchemas.elasticsearch.optional(),
});

export const clickhouseSchema = z.strictObject({
  ...common,
  /** Database name. Default `app`. */
  database: identifier.default("app"),
  /** Non-default administrative user. Default `polystore_admin`. */
  adminUser: identifier.default("polystore_admin").refine((u) => u !== "default", "expected a user other than `default`"),
  /** Application user with grants on `database` only. Default `app`. */
  appUser: identifier.default("app"),
  /** HTTP port on Docker (CLICKHOUSE_URL). Default 8123. */
  port: port.default(8123),
  /** Native protocol port on Docker. Default 9000. */
  nativePort: port.default(9000),
});

export const neo4jSchema = z.strictObject({
  ...common,
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
export type ExternalEndpointConfig = z.output<typeof externalEndpoint>;
